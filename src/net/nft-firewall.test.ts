/**
 * The no_accept firewall's nft scripts, with a recording runner: tables made once per family,
 * the link-local set only with a link-local VIP, elements never deleted unless held, a VIP two
 * instances block stays blocked until both let go, scripts run one at a time in call order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NftFirewall } from './nft-firewall.js';
import { changeElements, createTable } from './nft-ruleset.js';

const TABLE = { name: 'kt', priority: -1, counters: false };

function recorder(fail?: (script: string) => string | undefined) {
  const scripts: string[] = [];
  const logs: string[] = [];
  let running = 0;
  const fw = new NftFirewall({
    table: TABLE,
    log: (t) => logs.push(t),
    run: async (script) => {
      assert.equal(running, 0, 'one nft at a time');
      running++;
      await new Promise((r) => setTimeout(r, 1));
      running--;
      scripts.push(script);
      return fail?.(script);
    },
  });
  return { fw, scripts, logs };
}

const v4 = (address: string) => ({ family: 4 as const, address });
const v6 = (address: string, ifname?: string) => ({ family: 6 as const, address, ...(ifname && { ifname }) });

test('the IPv4 table: a vips set and drop rules in input and output at filter - 1', () => {
  const s = createTable(TABLE, 4);
  assert.match(s, /^table ip kt \{/, 'added to, never recreated: the VMAC rules share the table');
  assert.match(s, /chain in \{ type filter hook input priority -1; policy accept; ip daddr @vips drop; \}/);
  assert.match(s, /chain out \{ type filter hook output priority -1; policy accept; ip saddr @vips drop; \}/);
  assert.match(createTable({ ...TABLE, counters: true }, 4), /@vips counter drop/);
});

test('elements: global and link-local IPv6 VIPs go to their own sets; nothing gives no script', () => {
  assert.equal(changeElements(TABLE, 'add', []), '');
  assert.equal(
    changeElements(TABLE, 'add', [v4('192.0.2.1'), v6('2001:db8::1'), v6('fe80::1', 'eth0')]),
    'add element ip kt vips { 192.0.2.1 }\nadd element ip6 kt vips { 2001:db8::1 }\nadd element ip6 kt vips_link_local { fe80::1 . "eth0" }\n',
  );
});

test('tables once per family, link-local set once, in call order', async () => {
  const { fw, scripts } = recorder();
  void fw.block([v4('192.0.2.1')]);
  void fw.block([v4('192.0.2.2'), v6('2001:db8::1')]);
  await fw.block([v6('fe80::1', 'eth0')]);
  assert.equal(scripts.length, 3);
  assert.match(scripts[0] ?? '', /table ip kt \{[\s\S]*add element ip kt vips \{ 192\.0\.2\.1 \}/);
  assert.doesNotMatch(scripts[1] ?? '', /table ip kt/);
  assert.match(scripts[1] ?? '', /table ip6 kt \{[\s\S]*add element ip kt vips \{ 192\.0\.2\.2 \}/);
  assert.doesNotMatch(scripts[1] ?? '', /vips_link_local/);
  assert.match(scripts[2] ?? '', /^add set ip6 kt vips_link_local/);
  await fw.close();
  assert.equal(scripts[3], 'add table ip kt\ndelete table ip kt\nadd table ip6 kt\ndelete table ip6 kt\n');
});

test('a VIP two instances block is released by the second; unheld VIPs are never deleted', async () => {
  const { fw, scripts } = recorder();
  await fw.block([v4('192.0.2.1')]);
  await fw.block([v4('192.0.2.1')]);
  assert.equal(scripts.length, 1, 'the second block adds nothing');
  await fw.unblock([v4('192.0.2.1'), v4('192.0.2.9')]);
  assert.equal(scripts.length, 1, 'still held by one; 192.0.2.9 was never held');
  await fw.unblock([v4('192.0.2.1')]);
  assert.equal(scripts[1], 'delete element ip kt vips { 192.0.2.1 }\n');
});

test('an nft failure is logged, never thrown, and the queue goes on', async () => {
  const { fw, scripts, logs } = recorder((s) => (s.includes('192.0.2.1') ? 'Error: boom\nmore' : undefined));
  await fw.block([v4('192.0.2.1')]);
  await fw.block([v4('192.0.2.2')]);
  assert.equal(scripts.length, 2);
  assert.deepEqual(logs, ['nftables: setting firewall drop rule failed: Error: boom']);
});

test('link-local VIPs matched by name get vips_link_local_name, made when the first one comes', async () => {
  const { fw, scripts } = recorder();
  await fw.block([{ ...v6('fe80::1', 'eth0'), byName: true }, v6('fe80::2', 'eth0')]);
  const s = scripts[0] ?? '';
  const name = s.indexOf('add set ip6 kt vips_link_local_name { type ipv6_addr . ifname; }');
  const index = s.indexOf('add set ip6 kt vips_link_local { type ipv6_addr . iface_index; }');
  assert.ok(name >= 0 && index > name, 'the name set first: its VIP came first');
  assert.match(s, /add rule ip6 kt in_link_local ip6 daddr \. iifname @vips_link_local_name drop/);
  assert.match(s, /add rule ip6 kt out_link_local ip6 saddr \. oifname @vips_link_local_name drop/);
  assert.match(
    s,
    /add element ip6 kt vips_link_local \{ fe80::2 \. "eth0" \}\nadd element ip6 kt vips_link_local_name \{ fe80::1 \. "eth0" \}/,
  );
  await fw.block([{ ...v6('fe80::3', 'eth0'), byName: true }]);
  assert.doesNotMatch(scripts[1] ?? '', /add set/, 'each set once');
  await fw.unblock([{ ...v6('fe80::1', 'eth0'), byName: true }]);
  assert.equal(scripts[2], 'delete element ip6 kt vips_link_local_name { fe80::1 . "eth0" }\n');
});
