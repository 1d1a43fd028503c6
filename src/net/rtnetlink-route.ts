/**
 * rtnetlink route and policy-rule messages (linux/rtnetlink.h, linux/fib_rules.h), pure:
 * RTM_NEWROUTE / RTM_DELROUTE and RTM_NEWRULE / RTM_DELRULE requests, with their attributes in
 * the order keepalived 2.2.7 writes them (vrrp_iproute.c netlink_route, vrrp_iprule.c
 * netlink_rule), so a capture of either daemon reads the same. Encoders take well-formed input
 * (from netlink-route-detail.ts) and throw on a programming error.
 */
import { Buffer } from 'node:buffer';
import type { IpFamily } from '../base/ip.js';
import {
  encodeAttr,
  encodeAttrString,
  encodeAttrU32,
  encodeMessage,
  NLM_F,
  writeU16,
  writeU32,
} from './rtnetlink.js';
import { AF_INET, AF_INET6 } from './rtnetlink-addr.js';

/** Route and rule message types (linux/rtnetlink.h). */
export const RTM_ROUTE = { newRoute: 24, delRoute: 25, newRule: 32, delRule: 33 } as const;

/** sizeof(struct rtmsg) and sizeof(struct fib_rule_hdr). */
export const RTMSG_LEN = 12;

/** Route attributes (enum rtattr_type_t). */
export const RTA = {
  dst: 1,
  src: 2,
  oif: 4,
  gateway: 5,
  priority: 6,
  prefsrc: 7,
  metrics: 8,
  multipath: 9,
  flow: 11,
  table: 15,
  pref: 20,
  expires: 23,
  ttlPropagate: 26,
} as const;

/** Route metrics (RTAX_*), nested in RTA_METRICS. */
export const RTAX = {
  lock: 1,
  mtu: 2,
  window: 3,
  rtt: 4,
  rttvar: 5,
  ssthresh: 6,
  cwnd: 7,
  advmss: 8,
  reordering: 9,
  hoplimit: 10,
  initcwnd: 11,
  features: 12,
  rto_min: 13,
  initrwnd: 14,
  quickack: 15,
  cc_algo: 16,
  fastopen_no_cookie: 17,
} as const;
export type MetricName = Exclude<keyof typeof RTAX, 'lock' | 'features' | 'cc_algo'>;

/** The order keepalived adds metrics in (netlink_route). */
const METRIC_ORDER: readonly MetricName[] = [
  'rtt',
  'rttvar',
  'rto_min',
  'mtu',
  'window',
  'ssthresh',
  'cwnd',
  'advmss',
  'reordering',
  'hoplimit',
  'initcwnd',
  'initrwnd',
  'quickack',
  'fastopen_no_cookie',
];

/** RTNH_F_ONLINK: the gateway is on the link even if no prefix says so. */
export const RTNH_F_ONLINK = 4;
/** RTAX_FEATURE_ECN. */
export const RTAX_FEATURE_ECN = 1;
/** RT_TABLE_UNSPEC / RT_TABLE_MAIN. */
export const RT_TABLE = { unspec: 0, main: 254 } as const;
/** RT_SCOPE_NOWHERE: on a delete, any scope matches. */
export const RT_SCOPE_NOWHERE = 255;

/** LWTUNNEL_ENCAP_* (linux/lwtunnel.h): the lightweight tunnels keepalived-ts sends. */
export const LWTUNNEL_ENCAP = { ip: 2, ip6: 4 } as const;
/** RTA_ENCAP_TYPE / RTA_ENCAP. */
const RTA_ENCAP_TYPE = 21;
const RTA_ENCAP = 22;
/** LWTUNNEL_IP_* and LWTUNNEL_IP6_* share ID, DST, SRC, FLAGS; IPv4 has TTL 4 / TOS 5, IPv6 HOPLIMIT 4 / TC 5. */
const LWTUNNEL_IP = { id: 1, dst: 2, src: 3, ttl: 4, tos: 5, flags: 6 } as const;

/** An `encap ip` / `encap ip6` route: ttl is IPv6's hoplimit, tos its traffic class. */
export interface EncapRequest {
  readonly type: (typeof LWTUNNEL_ENCAP)[keyof typeof LWTUNNEL_ENCAP];
  readonly id?: bigint;
  readonly dst?: Uint8Array;
  readonly src?: Uint8Array;
  readonly ttl?: number;
  readonly tos?: number;
  readonly flags?: number;
}

export interface NexthopRequest {
  readonly gateway?: Uint8Array;
  readonly ifindex: number;
  /** rtnh_hops: the weight less one. */
  readonly hops: number;
  readonly flags: number;
  readonly flow?: number;
  readonly encap?: EncapRequest;
}

/**
 * RTA_ENCAP (not flagged nested, as keepalived sends it) holding the tunnel's attributes in
 * keepalived's order (add_encap_ip / add_encap_ip6: id, dst, src, then tos and ttl for IPv4,
 * tc and hoplimit for IPv6, flags), then RTA_ENCAP_TYPE.
 */
export function encodeEncap(e: EncapRequest): Buffer[] {
  const inner: Buffer[] = [];
  if (e.id !== undefined) {
    const v = Buffer.alloc(8);
    v.writeBigUInt64BE(e.id);
    inner.push(encodeAttr(LWTUNNEL_IP.id, v));
  }
  if (e.dst) inner.push(encodeAttr(LWTUNNEL_IP.dst, e.dst));
  if (e.src) inner.push(encodeAttr(LWTUNNEL_IP.src, e.src));
  const tos = e.tos === undefined ? undefined : encodeAttr(LWTUNNEL_IP.tos, Uint8Array.of(e.tos));
  const ttl = e.ttl === undefined ? undefined : encodeAttr(LWTUNNEL_IP.ttl, Uint8Array.of(e.ttl));
  for (const a of [tos, ttl]) if (a) inner.push(a);
  if (e.flags !== undefined) {
    const v = Buffer.alloc(2);
    writeU16(v, e.flags, 0);
    inner.push(encodeAttr(LWTUNNEL_IP.flags, v));
  }
  const type = Buffer.alloc(2);
  writeU16(type, e.type, 0);
  return [encodeAttr(RTA_ENCAP, Buffer.concat(inner)), encodeAttr(RTA_ENCAP_TYPE, type)];
}

export interface RouteRequest {
  readonly family: IpFamily;
  readonly table: number;
  readonly dstLen: number;
  readonly srcLen: number;
  readonly tos: number;
  readonly protocol: number;
  readonly scope: number;
  /** RTN_*; 0 on a delete that names no type. */
  readonly type: number;
  /** rtm_flags (RTNH_F_ONLINK). */
  readonly flags: number;
  readonly dst?: Uint8Array;
  readonly src?: Uint8Array;
  readonly prefSrc?: Uint8Array;
  readonly gateway?: Uint8Array;
  readonly oif?: number;
  readonly priority?: number;
  readonly flow?: number;
  readonly expires?: number;
  readonly pref?: number;
  readonly ttlPropagate?: boolean;
  readonly metrics?: Readonly<Partial<Record<MetricName, number>>>;
  /** Bit (1 << RTAX_x) per locked metric. */
  readonly lock?: number;
  readonly congctl?: string;
  readonly features?: number;
  readonly nexthops?: readonly NexthopRequest[];
  readonly encap?: EncapRequest;
}

const familyByte = (f: IpFamily): number => (f === 4 ? AF_INET : AF_INET6);

function checkAddr(family: IpFamily, what: string, a: Uint8Array | undefined): void {
  if (a !== undefined && a.length !== (family === 4 ? 4 : 16))
    throw new TypeError(`${what} is ${a.length} bytes, not an IPv${family} address`);
}

/**
 * keepalived's flags: NEWROUTE without NLM_F_EXCL unless `add` (the kernel's "prepend"),
 * NLM_F_APPEND for `append`; we add NLM_F_ACK to hear every answer.
 */
export function newRouteFlags(mode: 'prepend' | 'add' | 'append'): number {
  const base = NLM_F.request | NLM_F.ack | NLM_F.create;
  return mode === 'add' ? base | NLM_F.excl : mode === 'append' ? base | NLM_F.append : base;
}

export function encodeRoute(type: number, r: RouteRequest, seq: number, flags: number): Buffer {
  for (const [what, a] of [
    ['dst', r.dst],
    ['src', r.src],
    ['prefsrc', r.prefSrc],
    ['gateway', r.gateway],
  ] as const)
    checkAddr(r.family, what, a);
  const rtm = Buffer.alloc(RTMSG_LEN);
  rtm[0] = familyByte(r.family);
  rtm[1] = r.dstLen;
  rtm[2] = r.srcLen;
  rtm[3] = r.tos;
  rtm[4] = r.table < 256 ? r.table : RT_TABLE.unspec;
  rtm[5] = r.protocol;
  rtm[6] = r.scope;
  rtm[7] = r.type;
  writeU32(rtm, r.flags, 8);
  const parts: Buffer[] = [rtm];
  if (r.table >= 256) parts.push(encodeAttrU32(RTA.table, r.table));
  if (r.dst) parts.push(encodeAttr(RTA.dst, r.dst));
  if (r.src) parts.push(encodeAttr(RTA.src, r.src));
  if (r.prefSrc) parts.push(encodeAttr(RTA.prefsrc, r.prefSrc));
  if (r.gateway) parts.push(encodeAttr(RTA.gateway, r.gateway));
  // keepalived's netlink_route: the encapsulation after the gateway, before the interface.
  if (r.encap !== undefined) parts.push(...encodeEncap(r.encap));
  if (r.oif !== undefined) parts.push(encodeAttrU32(RTA.oif, r.oif));
  if (r.priority !== undefined) parts.push(encodeAttrU32(RTA.priority, r.priority));
  if (r.flow !== undefined && r.flow !== 0) parts.push(encodeAttrU32(RTA.flow, r.flow));
  if (r.expires !== undefined) parts.push(encodeAttrU32(RTA.expires, r.expires));
  const metrics: Buffer[] = [];
  if (r.congctl !== undefined) metrics.push(encodeAttr(RTAX.cc_algo, Buffer.from(r.congctl)));
  for (const name of METRIC_ORDER) {
    const v = r.metrics?.[name];
    if (v !== undefined) metrics.push(encodeAttrU32(RTAX[name], v));
    // keepalived puts features between rto_min and mtu.
    if (name === 'rto_min' && r.features !== undefined && r.features !== 0)
      metrics.push(encodeAttrU32(RTAX.features, r.features));
  }
  if (r.pref !== undefined) parts.push(encodeAttr(RTA.pref, Uint8Array.of(r.pref)));
  if (r.ttlPropagate !== undefined)
    parts.push(encodeAttr(RTA.ttlPropagate, Uint8Array.of(r.ttlPropagate ? 1 : 0)));
  if (metrics.length > 0) {
    if (r.lock !== undefined && r.lock !== 0) metrics.push(encodeAttrU32(RTAX.lock, r.lock));
    parts.push(encodeAttr(RTA.metrics, Buffer.concat(metrics)));
  }
  if (r.nexthops !== undefined && r.nexthops.length > 0) parts.push(encodeMultipath(r.family, r.nexthops));
  return encodeMessage({ type, flags, seq }, parts);
}

/** RTA_MULTIPATH: struct rtnexthop (len, flags, hops, ifindex) each followed by its attributes. */
function encodeMultipath(family: IpFamily, nhs: readonly NexthopRequest[]): Buffer {
  const out: Buffer[] = [];
  for (const nh of nhs) {
    checkAddr(family, 'nexthop gateway', nh.gateway);
    const attrs: Buffer[] = [];
    if (nh.gateway) attrs.push(encodeAttr(RTA.gateway, nh.gateway));
    if (nh.flow !== undefined && nh.flow !== 0) attrs.push(encodeAttrU32(RTA.flow, nh.flow));
    if (nh.encap !== undefined) attrs.push(...encodeEncap(nh.encap));
    const body = Buffer.concat(attrs);
    const head = Buffer.alloc(8);
    writeU16(head, 8 + body.length, 0);
    head[2] = nh.flags;
    head[3] = nh.hops;
    writeU32(head, nh.ifindex, 4);
    out.push(head, body);
  }
  return encodeAttr(RTA.multipath, Buffer.concat(out));
}

/** Rule actions (FR_ACT_*). */
export const FR_ACT = { toTbl: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 } as const;
/** FIB_RULE_INVERT: `not`. */
export const FIB_RULE_INVERT = 0x2;

/** Rule attributes (FRA_*). */
export const FRA = {
  dst: 1,
  src: 2,
  iifname: 3,
  goto: 4,
  priority: 6,
  fwmark: 10,
  flow: 11,
  tunId: 12,
  suppressIfgroup: 13,
  suppressPrefixlen: 14,
  table: 15,
  fwmask: 16,
  oifname: 17,
  l3mdev: 19,
  uidRange: 20,
  protocol: 21,
  ipProto: 22,
  sportRange: 23,
  dportRange: 24,
} as const;

export interface RuleRequest {
  readonly family: IpFamily;
  readonly action: number;
  /** The header's table byte (tables over 255 go in FRA_TABLE, the byte 0). */
  readonly table: number;
  readonly flags: number;
  readonly tos: number;
  readonly srcLen: number;
  readonly dstLen: number;
  readonly src?: Uint8Array;
  readonly dst?: Uint8Array;
  readonly priority?: number;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly flow?: number;
  readonly suppressPrefixLen?: number;
  readonly suppressGroup?: number;
  readonly iif?: string;
  readonly oif?: string;
  /** FRA_TUN_ID, a 64-bit number sent big-endian. */
  readonly tunnelId?: bigint;
  readonly uidRange?: { readonly start: number; readonly end: number };
  readonly l3mdev?: boolean;
  readonly protocol?: number;
  readonly ipProto?: number;
  readonly sport?: { readonly start: number; readonly end: number };
  readonly dport?: { readonly start: number; readonly end: number };
  readonly gotoTarget?: number;
}

/** keepalived adds rules with NLM_F_CREATE | NLM_F_EXCL. */
export const NEWRULE_FLAGS = NLM_F.request | NLM_F.ack | NLM_F.create | NLM_F.excl;
export const DEL_FLAGS = NLM_F.request | NLM_F.ack;

const u16Pair = (a: number, b: number): Buffer => {
  const v = Buffer.alloc(4);
  writeU16(v, a, 0);
  writeU16(v, b, 2);
  return v;
};

export function encodeRule(type: number, r: RuleRequest, seq: number, flags: number): Buffer {
  checkAddr(r.family, 'from', r.src);
  checkAddr(r.family, 'to', r.dst);
  const frh = Buffer.alloc(RTMSG_LEN);
  frh[0] = familyByte(r.family);
  frh[1] = r.dstLen;
  frh[2] = r.srcLen;
  frh[3] = r.tos;
  frh[4] = r.table < 256 ? r.table : RT_TABLE.unspec;
  frh[7] = r.action;
  writeU32(frh, r.flags, 8);
  const parts: Buffer[] = [frh];
  if (r.table >= 256) parts.push(encodeAttrU32(FRA.table, r.table));
  if (r.src) parts.push(encodeAttr(FRA.src, r.src));
  if (r.dst) parts.push(encodeAttr(FRA.dst, r.dst));
  if (r.priority !== undefined) parts.push(encodeAttrU32(FRA.priority, r.priority));
  if (r.fwmark !== undefined) parts.push(encodeAttrU32(FRA.fwmark, r.fwmark));
  if (r.fwmask !== undefined) parts.push(encodeAttrU32(FRA.fwmask, r.fwmask));
  if (r.flow !== undefined && r.flow !== 0) parts.push(encodeAttrU32(FRA.flow, r.flow));
  if (r.suppressPrefixLen !== undefined)
    parts.push(encodeAttrU32(FRA.suppressPrefixlen, r.suppressPrefixLen));
  if (r.suppressGroup !== undefined) parts.push(encodeAttrU32(FRA.suppressIfgroup, r.suppressGroup));
  if (r.iif !== undefined) parts.push(encodeAttrString(FRA.iifname, r.iif));
  if (r.oif !== undefined) parts.push(encodeAttrString(FRA.oifname, r.oif));
  if (r.tunnelId !== undefined && r.tunnelId !== 0n) {
    const v = Buffer.alloc(8);
    v.writeBigUInt64BE(r.tunnelId);
    parts.push(encodeAttr(FRA.tunId, v));
  }
  if (r.uidRange !== undefined) {
    const v = Buffer.alloc(8);
    writeU32(v, r.uidRange.start, 0);
    writeU32(v, r.uidRange.end, 4);
    parts.push(encodeAttr(FRA.uidRange, v));
  }
  if (r.l3mdev === true) parts.push(encodeAttr(FRA.l3mdev, Uint8Array.of(1)));
  if (r.protocol !== undefined) parts.push(encodeAttr(FRA.protocol, Uint8Array.of(r.protocol)));
  if (r.ipProto !== undefined) parts.push(encodeAttr(FRA.ipProto, Uint8Array.of(r.ipProto)));
  if (r.sport !== undefined) parts.push(encodeAttr(FRA.sportRange, u16Pair(r.sport.start, r.sport.end)));
  if (r.dport !== undefined) parts.push(encodeAttr(FRA.dportRange, u16Pair(r.dport.start, r.dport.end)));
  if (r.gotoTarget !== undefined) parts.push(encodeAttrU32(FRA.goto, r.gotoTarget));
  return encodeMessage({ type, flags, seq }, parts);
}
