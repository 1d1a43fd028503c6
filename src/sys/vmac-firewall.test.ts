import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropTables, vmacScript } from './vmac-firewall.js';

const T = { name: 'keepalived', priority: -1 };

test("vmacScript(): IPv4 VMACs' IGMP out of the base, IPv6 VMACs' MLD out of the base and no RS, first in chain out", () => {
  const ruled = new Set<4 | 6>();
  const s = vmacScript(
    T,
    [
      { family: 4, vmac: 'vrrp.51', base: 'eth0' },
      { family: 6, vmac: 'vrrp.52', base: 'eth1' },
    ],
    false,
    ruled,
  );
  assert.doesNotMatch(s, /delete table/, 'the table is shared with the no_accept rules: never recreated');
  assert.match(
    s,
    /add map ip keepalived vmac_map \{ type iface_index : iface_index; \}\nflush map ip keepalived vmac_map\nadd element ip keepalived vmac_map \{ "vrrp\.51" : "eth0" \}/,
  );
  assert.match(s, /add chain ip keepalived out \{ type filter hook output priority -1; policy accept; \}/);
  assert.match(
    s,
    /insert rule ip keepalived out ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @vmac_map drop/,
  );
  assert.match(s, /add element ip6 keepalived vmac_map \{ "vrrp\.52" : "eth1" \}/);
  assert.match(s, /add element ip6 keepalived vmac_set \{ "vrrp\.52" \}/);
  // Inserted at the head, the MLD rule last so that it comes first, as keepalived lists them.
  assert.ok(s.indexOf('nd-router-solicit') < s.indexOf('mld2-listener-report'));
  assert.deepEqual([...ruled].sort(), [4, 6]);
});

test('vmacScript(): later changes refill the map only; a family whose VMACs all went keeps its rules, empty', () => {
  const ruled = new Set<4 | 6>([4]);
  const s = vmacScript(T, [], false, ruled);
  assert.equal(
    s,
    'add table ip keepalived\nadd map ip keepalived vmac_map { type iface_index : iface_index; }\nflush map ip keepalived vmac_map\n',
  );
  assert.equal(vmacScript(T, [], false, new Set()), '', 'nothing to do without VMACs');
  const again = vmacScript(T, [{ family: 4, vmac: 'vrrp.9', base: 'eth0' }], false, ruled);
  assert.doesNotMatch(again, /insert rule/);
});

test('vmacScript(): disable_local_igmp leaves IPv4 VMACs without rules (no reports to move)', () => {
  const s = vmacScript(T, [{ family: 4, vmac: 'vrrp.51', base: 'eth0' }], true, new Set());
  assert.doesNotMatch(s, /igmp/);
});

test('dropTables(): both families, whether or not they exist', () => {
  assert.equal(
    dropTables(T),
    'add table ip keepalived\ndelete table ip keepalived\nadd table ip6 keepalived\ndelete table ip6 keepalived\n',
  );
});
