/**
 * Route and rule requests against keepalived 2.2.7's own bytes: the same config lines, parsed
 * by our loader, must give the messages keepalived sent on its netlink command socket
 * (test/fixtures/netlink/keepalived-routes.json, captured with strace), sequence aside.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { memoryConfigFs } from '../config/fs.js';
import { loadConfig } from '../config/load.js';
import type { RouteConfig } from '../config/model/vrrp-extras.js';
import {
  type PlannedRule,
  plannedRule,
  RTPROT_KEEPALIVED,
  routeRequestFor,
  routeText,
  ruleRequestFor,
  ruleText,
} from './netlink-route-detail.js';
import { parseAttrs, readU32 } from './rtnetlink.js';
import {
  DEL_FLAGS,
  encodeRoute,
  encodeRule,
  NEWRULE_FLAGS,
  newRouteFlags,
  RT_SCOPE_NOWHERE,
  RTA,
  RTM_ROUTE,
} from './rtnetlink-route.js';

interface Fixture {
  readonly config: string;
  readonly messages: readonly { readonly type: string; readonly hex: string }[];
}
const FIXTURE = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/netlink/keepalived-routes.json'), 'utf8'),
) as Fixture;

function instance(config: string) {
  const r = loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': config }),
    env: { interfaces: { exists: (n) => n === 'eth0', isLoopback: () => false }, fileExists: () => false },
    cwd: '/',
  });
  const v = r.config?.vrrp.instances[0];
  assert.ok(v, 'the config has an instance');
  return v;
}

const ETH0 = (name: string) => (name === 'eth0' ? 3 : undefined);
const seqOf = (hex: string): number => readU32(Buffer.from(hex, 'hex'), 8);

function golden(type: string, index: number): string {
  const m = FIXTURE.messages.filter((x) => x.type === type)[index];
  assert.ok(m, `fixture has ${type} #${index}`);
  return m.hex;
}

function routeBytes(r: RouteConfig, op: 'add' | 'del', seq: number): string {
  const req = routeRequestFor(r, op, ETH0);
  assert.ok(req.ok, req.ok ? '' : req.reason);
  const type = op === 'add' ? RTM_ROUTE.newRoute : RTM_ROUTE.delRoute;
  return encodeRoute(type, req.value, seq, op === 'add' ? newRouteFlags(r.mode) : DEL_FLAGS).toString('hex');
}

function ruleBytes(r: PlannedRule, op: 'add' | 'del', seq: number): string {
  const req = ruleRequestFor(r);
  assert.ok(req.ok, req.ok ? '' : req.reason);
  const type = op === 'add' ? RTM_ROUTE.newRule : RTM_ROUTE.delRule;
  return encodeRule(type, req.value, seq, op === 'add' ? NEWRULE_FLAGS : DEL_FLAGS).toString('hex');
}

test('RTM_NEWROUTE for an IPv4 route in table 1000 with a locked mtu and an IPv6 route: keepalived 2.2.7 bytes', () => {
  const v = instance(FIXTURE.config);
  const [r4, r6] = v.virtualRoutes;
  assert.ok(r4 && r6);
  for (const [r, i] of [
    [r4, 0],
    [r6, 1],
  ] as const) {
    const want = golden('RTM_NEWROUTE', i);
    assert.equal(routeBytes(r, 'add', seqOf(want)), want);
  }
});

test('RTM_DELROUTE: any scope, the same attributes; keepalived sends type 0 when none was named', () => {
  const v = instance(FIXTURE.config);
  for (const [i, r] of v.virtualRoutes.entries()) {
    const want = golden('RTM_DELROUTE', i);
    const got = Buffer.from(routeBytes(r, 'del', seqOf(want)), 'hex');
    // Our delete names the type (unicast), which the kernel matches the same way.
    assert.equal(got[16 + 6], RT_SCOPE_NOWHERE);
    assert.equal(got[16 + 7], 1);
    got[16 + 7] = 0;
    assert.equal(got.toString('hex'), want);
  }
});

test('RTM_NEWRULE for an IPv4 from/to rule and an inverted IPv6 rule in table 1000: keepalived 2.2.7 bytes', () => {
  const v = instance(FIXTURE.config);
  for (const [i, r] of v.virtualRules.entries()) {
    const want = golden('RTM_NEWRULE', i);
    assert.equal(ruleBytes(plannedRule(r), 'add', seqOf(want)), want);
  }
});

const base: RouteConfig = {
  family: 4,
  dst: { address: '198.51.100.0', prefixLen: 24 },
  type: 1,
  table: 254,
  scope: 0,
  protocol: undefined,
  onlink: false,
  metrics: {},
  featuresEcn: false,
  nexthops: [],
  mode: 'prepend',
  noTrack: true,
};

test('a route on an interface that does not exist cannot be added, and needs no removing', () => {
  const r = { ...base, dev: 'eth9' };
  const add = routeRequestFor(r, 'add', ETH0);
  assert.equal(add.ok, false);
  assert.match(add.ok ? '' : add.reason, /interface eth9 doesn't exist/);
});

test('protocol keepalived unless given; scope global to add; main table in the header', () => {
  const add = routeRequestFor(base, 'add', ETH0);
  assert.ok(add.ok);
  assert.equal(add.value.protocol, RTPROT_KEEPALIVED);
  assert.equal(add.value.scope, 0);
  const own = routeRequestFor({ ...base, protocol: 4 }, 'add', ETH0);
  assert.ok(own.ok);
  assert.equal(own.value.protocol, 4);
  const bytes = encodeRoute(RTM_ROUTE.newRoute, add.value, 1, newRouteFlags('prepend'));
  assert.equal(bytes[16 + 4], 254);
  assert.equal(parseAttrs(bytes, 16 + 12).attrs.has(RTA.table), false);
});

test('multipath: one rtnexthop per nexthop, weight less one in rtnh_hops, its gateway inside', () => {
  const r: RouteConfig = {
    ...base,
    nexthops: [
      { via: '192.0.2.254', dev: 'eth0', weight: 2, onlink: false },
      { via: '192.0.2.253', weight: 1, onlink: true },
    ],
  };
  const req = routeRequestFor(r, 'add', ETH0);
  assert.ok(req.ok);
  const bytes = encodeRoute(RTM_ROUTE.newRoute, req.value, 1, newRouteFlags('prepend'));
  const mp = parseAttrs(bytes, 16 + 12).attrs.get(RTA.multipath);
  assert.ok(mp);
  assert.equal(mp.length, 2 * (8 + 8));
  assert.deepEqual([mp[2], mp[3], readU32(mp, 4)], [0, 1, 3]);
  assert.deepEqual([...mp.subarray(12, 16)], [192, 0, 2, 254]);
  assert.deepEqual([mp[16 + 2], mp[16 + 3], readU32(mp, 16 + 4)], [4, 0, 0]);
});

test('route and rule texts name every attribute: two routes that differ only in table differ', () => {
  assert.equal(routeText(base), '198.51.100.0/24 no_track');
  assert.notEqual(routeText(base), routeText({ ...base, table: 100 }));
  const rule: PlannedRule = {
    family: 4,
    from: { address: '192.0.2.100', prefixLen: 32 },
    invert: false,
    priority: 16384,
    action: 'table',
    table: 100,
    l3mdev: false,
    protocol: RTPROT_KEEPALIVED,
    noTrack: false,
  };
  assert.equal(ruleText(rule), '16384: from 192.0.2.100 lookup 100');
  const { table: _table, ...noTableRule } = rule;
  const noTable = ruleRequestFor(noTableRule);
  assert.ok(noTable.ok);
  assert.equal(noTable.value.table, 254);
});

test('a rule with a 64-bit tunnel id survives the plan as text and goes out big-endian', () => {
  const p = plannedRule({
    family: 4,
    invert: false,
    priority: 10,
    action: 'nop',
    l3mdev: false,
    protocol: undefined,
    noTrack: true,
    tunnelId: 0x0102030405060708n,
  });
  assert.equal(p.tunnelId, '72623859790382856');
  const req = ruleRequestFor(JSON.parse(JSON.stringify(p)) as PlannedRule);
  assert.ok(req.ok);
  const bytes = encodeRule(RTM_ROUTE.newRule, req.value, 1, NEWRULE_FLAGS);
  const tun = parseAttrs(bytes, 16 + 12).attrs.get(12);
  assert.equal(tun?.toString('hex'), '0102030405060708');
});
