/**
 * decodeDeleted / routeKey / ruleKey: a kernel notification and our own request for the same
 * route or rule give the same key, with the kernel's extra attributes (RTA_TABLE beside the
 * header's table, FRA_SUPPRESS_PREFIXLEN -1, a mark's full mask) taken for its defaults.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type NlMessage, splitMessages } from './rtnetlink.js';
import { decodeDeleted, requestKey } from './rtnetlink-deleted.js';
import { encodeRoute, encodeRule, NEWRULE_FLAGS, newRouteFlags, RTM_ROUTE } from './rtnetlink-route.js';

const first = (b: Buffer): NlMessage => splitMessages(b).messages[0] ?? assert.fail('a message');
const bytes = (...n: number[]) => Uint8Array.from(n);

const ROUTE = {
  family: 4 as const,
  table: 100,
  dstLen: 24,
  srcLen: 0,
  tos: 0,
  protocol: 18,
  scope: 0,
  type: 1,
  flags: 0,
  dst: bytes(203, 0, 113, 0),
  oif: 2,
  priority: 5,
};

test('a route deletion matches our request for it, with or without its interface', () => {
  const ours = encodeRoute(RTM_ROUTE.newRoute, ROUTE, 1, newRouteFlags('add'));
  // The kernel's notification: RTM_DELROUTE, a gateway and RTA_TABLE of its own.
  const kernel = encodeRoute(
    RTM_ROUTE.delRoute,
    { ...ROUTE, table: 100, gateway: bytes(192, 0, 2, 254) },
    0,
    0,
  );
  const d = decodeDeleted(first(kernel));
  assert.ok(d?.kind === 'route');
  assert.equal(d.keyWithOif, requestKey(ours, 'route', true));
  assert.equal(d.key, requestKey(ours, 'route', false));
  const otherTable = encodeRoute(RTM_ROUTE.delRoute, { ...ROUTE, table: 1000 }, 0, 0);
  const o = decodeDeleted(first(otherTable));
  assert.ok(o?.kind === 'route');
  assert.notEqual(o.keyWithOif, requestKey(ours, 'route', true));
});

test('a route of another protocol, and an addition, are not deletions of ours', () => {
  assert.equal(
    decodeDeleted(first(encodeRoute(RTM_ROUTE.delRoute, { ...ROUTE, protocol: 4 }, 0, 0))),
    undefined,
  );
  assert.equal(decodeDeleted(first(encodeRoute(RTM_ROUTE.newRoute, ROUTE, 0, 0))), undefined);
});

test("a rule deletion matches our request, the kernel's defaults filled in", () => {
  const rule = {
    family: 4 as const,
    action: 1,
    table: 100,
    flags: 0,
    tos: 0,
    srcLen: 32,
    dstLen: 0,
    src: bytes(192, 0, 2, 100),
    priority: 100,
    fwmark: 7,
    protocol: 18,
  };
  const ours = encodeRule(RTM_ROUTE.newRule, rule, 1, NEWRULE_FLAGS);
  const kernel = encodeRule(
    RTM_ROUTE.delRule,
    { ...rule, fwmask: 0xffffffff, suppressPrefixLen: 0xffffffff },
    0,
    0,
  );
  const d = decodeDeleted(first(kernel));
  assert.ok(d?.kind === 'rule');
  assert.equal(d.key, requestKey(ours, 'rule'));
  const other = decodeDeleted(first(encodeRule(RTM_ROUTE.delRule, { ...rule, priority: 101 }, 0, 0)));
  assert.ok(other?.kind === 'rule');
  assert.notEqual(other.key, requestKey(ours, 'rule'));
  const notOurs = decodeDeleted(first(encodeRule(RTM_ROUTE.delRule, { ...rule, protocol: 4 }, 0, 0)));
  assert.equal(notOurs, undefined, 'another protocol');
});
