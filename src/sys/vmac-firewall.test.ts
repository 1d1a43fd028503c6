import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VMAC_TABLE, vmacRuleset } from './vmac-firewall.js';

test('vmacRuleset() always drops both tables first, so a rebuild or a stop leaves no stale rule', () => {
  assert.equal(
    vmacRuleset([], false),
    [
      `add table ip ${VMAC_TABLE}`,
      `delete table ip ${VMAC_TABLE}`,
      `add table ip6 ${VMAC_TABLE}`,
      `delete table ip6 ${VMAC_TABLE}`,
      '',
    ].join('\n'),
  );
});

test("vmacRuleset(): IPv4 VMACs' IGMP out of the base, IPv6 VMACs' MLD out of the base and no RS", () => {
  const s = vmacRuleset(
    [
      { family: 4, vmac: 'vrrp.51', base: 'eth0' },
      { family: 6, vmac: 'vrrp.52', base: 'eth1' },
    ],
    false,
  );
  assert.match(
    s,
    /table ip keepalived_ts \{\n {2}map vmac_map \{ type iface_index : iface_index; elements = \{ "vrrp\.51" : "eth0" \} \}/,
  );
  assert.match(s, /ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @vmac_map drop/);
  assert.match(s, /elements = \{ "vrrp\.52" : "eth1" \}/);
  assert.match(s, /icmpv6 type mld2-listener-report .* drop/);
  assert.match(s, /icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set drop/);
});

test('vmacRuleset(): disable_local_igmp leaves IPv4 VMACs without rules (no reports to move)', () => {
  const s = vmacRuleset([{ family: 4, vmac: 'vrrp.51', base: 'eth0' }], true);
  assert.doesNotMatch(s, /igmp/);
});
