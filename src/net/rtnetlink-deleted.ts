/**
 * What the kernel says was deleted (RTM_DELADDR / RTM_DELROUTE / RTM_DELRULE on the route
 * multicast groups), reduced to what keepalived 2.2.7 compares to decide that one of its VIPs,
 * virtual routes or virtual rules is gone (keepalived_netlink.c address_is_ours /
 * route_is_ours / compare_rule). Pure.
 *
 * Routes and rules are compared by a key: the same function runs on our own request (what we
 * would send to add it) and on the kernel's notification, with the kernel's defaults filled in
 * on both sides, so two equal keys mean keepalived's comparison would match:
 *  - a route: family, table, destination and its length, tos, metric (RTA_PRIORITY, 0 when
 *    absent: an IPv6 route added without a metric comes back with 1024 and, as in keepalived,
 *    is then never matched) and, when we name an interface, that interface;
 *  - a rule: every selector keepalived compares (priority, action, table, not, from, to, tos,
 *    fwmark / mask, realms, suppress_*, iif / oif, tunnel id, uid range, l3mdev, ipproto,
 *    port ranges, goto); FRA_PROTOCOL is not part of it.
 */
import type { IpFamily } from '../base/ip.js';
import { RTPROT_KEEPALIVED } from './netlink-route-detail.js';
import { type NlMessage, parseAttrs, RTM, readU32, splitMessages } from './rtnetlink.js';
import { AF_INET, AF_INET6, decodeAddr } from './rtnetlink-addr.js';
import { FIB_RULE_INVERT, FR_ACT, FRA, RTA, RTM_ROUTE, RTMSG_LEN } from './rtnetlink-route.js';

export type Deleted =
  | {
      readonly kind: 'address';
      readonly family: IpFamily;
      readonly ifindex: number;
      readonly address: string;
    }
  /** `keyWithOif` for a route of ours that names its interface, `key` for one that does not. */
  | { readonly kind: 'route'; readonly key: string; readonly keyWithOif: string }
  | { readonly kind: 'rule'; readonly key: string };

const familyOf = (byte: number | undefined): IpFamily | undefined =>
  byte === AF_INET ? 4 : byte === AF_INET6 ? 6 : undefined;

const hex = (b: Buffer | undefined): string => (b === undefined ? '-' : b.toString('hex'));
const u32 = (b: Buffer | undefined): number | undefined =>
  b !== undefined && b.length >= 4 ? readU32(b, 0) : undefined;

/** route_is_ours' fields of an RTM_*ROUTE payload; `withOif` when our route names an interface. */
export function routeKey(payload: Buffer, withOif: boolean): string | undefined {
  if (payload.length < RTMSG_LEN) return undefined;
  const family = familyOf(payload[0]);
  if (family === undefined) return undefined;
  const { attrs, malformed } = parseAttrs(payload, RTMSG_LEN);
  if (malformed) return undefined;
  const table = u32(attrs.get(RTA.table)) ?? payload[4];
  const dst = attrs.get(RTA.dst) ?? Buffer.alloc(family === 4 ? 4 : 16);
  const oif = withOif ? (u32(attrs.get(RTA.oif)) ?? 0) : '*';
  return [family, table, payload[1], payload[3], u32(attrs.get(RTA.priority)) ?? 0, hex(dst), oif].join('|');
}

/** compare_rule's fields of an RTM_*RULE payload (struct fib_rule_hdr + FRA_*). */
export function ruleKey(payload: Buffer): string | undefined {
  if (payload.length < RTMSG_LEN) return undefined;
  const family = familyOf(payload[0]);
  if (family === undefined) return undefined;
  const { attrs, malformed } = parseAttrs(payload, RTMSG_LEN);
  if (malformed) return undefined;
  const a = (t: number): Buffer | undefined => attrs.get(t);
  const action = payload[7];
  const fwmark = u32(a(FRA.fwmark));
  // The kernel reports a mark given without a mask with the full mask, and always reports
  // suppress_prefixlength (-1 when unset).
  const fwmask = u32(a(FRA.fwmask)) ?? (fwmark !== undefined ? 0xffffffff : undefined);
  const suppressPrefix = u32(a(FRA.suppressPrefixlen)) ?? 0xffffffff;
  const l3mdev = a(FRA.l3mdev)?.[0] ?? 0;
  const name = (t: number): string => {
    const v = a(t);
    if (v === undefined) return '-';
    const nul = v.indexOf(0);
    return v.toString('utf8', 0, nul < 0 ? v.length : nul);
  };
  return [
    family,
    u32(a(FRA.priority)) ?? '-',
    action,
    action === FR_ACT.goto ? (u32(a(FRA.goto)) ?? '-') : '',
    u32(a(FRA.table)) ?? payload[4],
    ((readU32(payload, 8) & FIB_RULE_INVERT) !== 0) as boolean,
    payload[2],
    hex(a(FRA.src)),
    payload[1],
    hex(a(FRA.dst)),
    payload[3],
    fwmark ?? '-',
    fwmask ?? '-',
    u32(a(FRA.flow)) ?? '-',
    suppressPrefix,
    u32(a(FRA.suppressIfgroup)) ?? '-',
    name(FRA.iifname),
    name(FRA.oifname),
    hex(a(FRA.tunId)),
    hex(a(FRA.uidRange)),
    l3mdev,
    a(FRA.ipProto)?.[0] ?? '-',
    hex(a(FRA.sportRange)),
    hex(a(FRA.dportRange)),
  ].join('|');
}

/** The key of a request we encoded (a whole netlink message, header included). */
export function requestKey(message: Buffer, kind: 'route' | 'rule', withOif = false): string | undefined {
  const m = splitMessages(message).messages[0];
  if (m === undefined) return undefined;
  return kind === 'route' ? routeKey(m.payload, withOif) : ruleKey(m.payload);
}

/**
 * A deletion notification, undefined for anything else (an addition, another family, a route
 * or rule that is not keepalived's protocol).
 */
export function decodeDeleted(m: NlMessage): Deleted | undefined {
  if (m.type === RTM.delAddr) {
    const a = decodeAddr(m);
    if (!a.ok || a.value.local === undefined) return undefined;
    return { kind: 'address', family: a.value.family, ifindex: a.value.ifindex, address: a.value.local };
  }
  if (m.type === RTM_ROUTE.delRoute) {
    if (m.payload.length < RTMSG_LEN || m.payload[5] !== RTPROT_KEEPALIVED) return undefined;
    const key = routeKey(m.payload, false);
    const keyWithOif = routeKey(m.payload, true);
    return key === undefined || keyWithOif === undefined ? undefined : { kind: 'route', key, keyWithOif };
  }
  if (m.type === RTM_ROUTE.delRule) {
    if (m.payload.length < RTMSG_LEN) return undefined;
    const protocol = parseAttrs(m.payload, RTMSG_LEN).attrs.get(FRA.protocol)?.[0];
    if (protocol !== undefined && protocol !== RTPROT_KEEPALIVED) return undefined;
    const key = ruleKey(m.payload);
    return key === undefined ? undefined : { kind: 'rule', key };
  }
  return undefined;
}
