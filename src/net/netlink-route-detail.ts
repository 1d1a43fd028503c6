/**
 * From a virtual_routes / virtual_rules line of the config model to the rtnetlink request that
 * adds or removes it, with keepalived 2.2.7's choices (vrrp_iproute.c netlink_route,
 * vrrp_iprule.c netlink_rule): protocol `keepalived` (18) unless one is given, scope global
 * when adding and "any" (nowhere) when deleting, a rule's table `main` when none is named.
 * Also the one-line text of a route or rule, which names it everywhere (the core's effects,
 * the reload diff, log lines). Pure: interface indexes come from the `ifindex` argument.
 */
import type { Buffer } from 'node:buffer';
import { type IpFamily, parseIp } from '../base/ip.js';
import { err, ok, type Result } from '../base/result.js';
import type { EncapConfig, RouteConfig, RoutePrefix, RuleConfig } from '../config/model/vrrp-extras.js';
import {
  type EncapRequest,
  FIB_RULE_INVERT,
  FR_ACT,
  LWTUNNEL_ENCAP,
  type MetricName,
  type NexthopRequest,
  type RouteRequest,
  RT_SCOPE_NOWHERE,
  RT_TABLE,
  RTAX,
  RTAX_FEATURE_ECN,
  RTNH_F_ONLINK,
  type RuleRequest,
} from './rtnetlink-route.js';

/** RTPROT_KEEPALIVED. */
export const RTPROT_KEEPALIVED = 18;

/** A rule as the plan carries it: FRA_TUN_ID as text, so the plan stays JSON (no bigint). */
export type PlannedRule = Omit<RuleConfig, 'tunnelId'> & { readonly tunnelId?: string };

export function plannedRule(r: RuleConfig): PlannedRule {
  const { tunnelId, ...rest } = r;
  return tunnelId === undefined ? rest : { ...rest, tunnelId: tunnelId.toString() };
}

/** An interface's index by name; undefined when it does not exist (now). */
export type IfindexOf = (ifname: string) => number | undefined;

function addrBytes(family: IpFamily, what: string, text: string): Result<Buffer, string> {
  const r = parseIp(text);
  if (!r.ok || r.value.family !== family) return err(`${what} ${text} is not an IPv${family} address`);
  return ok(r.value.bytes);
}

const prefixText = (p: RoutePrefix, family: IpFamily): string =>
  p.address === undefined
    ? 'default'
    : p.prefixLen === (family === 4 ? 32 : 128)
      ? p.address
      : `${p.address}/${p.prefixLen}`;

/** RTN_* names (iproute2's). */
const RTN_NAMES: Readonly<Record<number, string>> = {
  1: 'unicast',
  2: 'local',
  3: 'broadcast',
  4: 'anycast',
  5: 'multicast',
  6: 'blackhole',
  7: 'unreachable',
  8: 'prohibit',
  9: 'throw',
  10: 'nat',
};

/** A route's text, `ip route` style, with every attribute that makes it a different route. */
export function routeText(r: RouteConfig): string {
  const w: string[] = [];
  if (r.type !== 1) w.push(RTN_NAMES[r.type] ?? `type ${r.type}`);
  w.push(prefixText(r.dst, r.family));
  if (r.src !== undefined) w.push('from', prefixText(r.src, r.family));
  if (r.tos !== undefined) w.push('tos', String(r.tos));
  if (r.via !== undefined) w.push('via', r.via);
  if (r.dev !== undefined) w.push('dev', r.dev);
  if (r.table !== RT_TABLE.main) w.push('table', String(r.table));
  if (r.protocol !== undefined && r.protocol !== RTPROT_KEEPALIVED) w.push('proto', String(r.protocol));
  if (r.scope !== 0) w.push('scope', String(r.scope));
  if (r.metric !== undefined) w.push('metric', String(r.metric));
  if (r.prefSrc !== undefined) w.push('src', r.prefSrc);
  if (r.realms !== undefined) w.push('realms', String(r.realms));
  if (r.onlink) w.push('onlink');
  if (r.expires !== undefined) w.push('expires', String(r.expires));
  if (r.pref !== undefined) w.push('pref', String(r.pref));
  if (r.ttlPropagate !== undefined) w.push('ttl-propagate', r.ttlPropagate ? 'enabled' : 'disabled');
  for (const [name, m] of Object.entries(r.metrics).sort(([a], [b]) => a.localeCompare(b)))
    w.push(name, ...(m.lock ? ['lock'] : []), String(m.value));
  if (r.congctl !== undefined) w.push('congctl', ...(r.congctl.lock ? ['lock'] : []), r.congctl.name);
  if (r.featuresEcn) w.push('features', 'ecn');
  if (r.encap !== undefined) w.push('encap', r.encap.type, ...r.encap.words);
  for (const nh of r.nexthops) {
    w.push('nexthop');
    if (nh.via !== undefined) w.push('via', nh.via);
    if (nh.dev !== undefined) w.push('dev', nh.dev);
    if (nh.weight !== undefined) w.push('weight', String(nh.weight));
    if (nh.onlink) w.push('onlink');
    if (nh.realms !== undefined) w.push('realms', String(nh.realms));
    if (nh.encap !== undefined) w.push('encap', nh.encap.type, ...nh.encap.words);
  }
  if (r.mode !== 'prepend') w.push(r.mode);
  if (r.noTrack) w.push('no_track');
  return w.join(' ');
}

/** The request that adds (`add`) or removes (`del`) route `r`. */
export function routeRequestFor(
  r: RouteConfig,
  op: 'add' | 'del',
  ifindex: IfindexOf,
): Result<RouteRequest, string> {
  const f = r.family;
  const encap = encapRequest(r.encap);
  if (!encap.ok) return encap;
  const addr = (what: string, text: string | undefined): Result<Buffer | undefined, string> =>
    text === undefined ? ok(undefined) : addrBytes(f, what, text);
  const dev = (name: string | undefined): Result<number | undefined, string> => {
    if (name === undefined) return ok(undefined);
    const i = ifindex(name);
    return i === undefined || i === 0 ? err(`interface ${name} doesn't exist`) : ok(i);
  };
  const dst = addr('destination', r.dst.address);
  if (!dst.ok) return dst;
  const src = addr('from', r.src?.address);
  if (!src.ok) return src;
  const prefSrc = addr('src', r.prefSrc);
  if (!prefSrc.ok) return prefSrc;
  const gateway = addr('via', r.via);
  if (!gateway.ok) return gateway;
  const oif = dev(r.dev);
  if (!oif.ok) return oif;
  const nexthops: NexthopRequest[] = [];
  for (const nh of r.nexthops) {
    const gw = addr('nexthop via', nh.via);
    const i = dev(nh.dev);
    if (!gw.ok) return gw;
    if (!i.ok) return i;
    const nhEncap = encapRequest(nh.encap);
    if (!nhEncap.ok) return nhEncap;
    nexthops.push({
      ...(gw.value !== undefined && { gateway: gw.value }),
      ifindex: i.value ?? 0,
      hops: nh.weight === undefined ? 0 : (nh.weight - 1) & 0xff,
      flags: nh.onlink ? RTNH_F_ONLINK : 0,
      ...(nh.realms !== undefined && { flow: nh.realms }),
      ...(nhEncap.value !== undefined && { encap: nhEncap.value }),
    });
  }
  const metrics: Partial<Record<MetricName, number>> = {};
  let lock = 0;
  for (const [name, m] of Object.entries(r.metrics)) {
    if (!(name in RTAX)) return err(`unknown route metric ${name}`);
    metrics[name as MetricName] = m.value;
    if (m.lock) lock |= 1 << RTAX[name as MetricName];
  }
  if (r.congctl?.lock === true) lock |= 1 << RTAX.cc_algo;
  const del = op === 'del';
  return ok({
    family: f,
    table: r.table,
    dstLen: r.dst.address === undefined ? 0 : r.dst.prefixLen,
    srcLen: r.src?.address === undefined ? 0 : r.src.prefixLen,
    tos: r.tos ?? 0,
    protocol: r.protocol ?? RTPROT_KEEPALIVED,
    scope: r.scope !== 0 ? r.scope : del ? RT_SCOPE_NOWHERE : 0,
    type: r.type,
    flags: r.onlink ? RTNH_F_ONLINK : 0,
    ...(dst.value !== undefined && { dst: dst.value }),
    ...(src.value !== undefined && { src: src.value }),
    ...(prefSrc.value !== undefined && { prefSrc: prefSrc.value }),
    ...(gateway.value !== undefined && { gateway: gateway.value }),
    ...(oif.value !== undefined && { oif: oif.value }),
    ...(r.metric !== undefined && { priority: r.metric }),
    ...(r.realms !== undefined && { flow: r.realms }),
    ...(r.expires !== undefined && { expires: r.expires }),
    ...(r.pref !== undefined && { pref: r.pref }),
    ...(r.ttlPropagate !== undefined && { ttlPropagate: r.ttlPropagate }),
    metrics,
    lock,
    ...(r.congctl !== undefined && { congctl: r.congctl.name }),
    features: r.featuresEcn ? RTAX_FEATURE_ECN : 0,
    nexthops,
    ...(encap.value !== undefined && { encap: encap.value }),
  });
}

/**
 * `encap ip` / `encap ip6` as keepalived sends them. MPLS and ILA tunnels are refused: the
 * kernels this was built on have neither (`ip route add ... encap mpls` answers "lwt
 * encapsulation type not supported"), so their bytes could never be checked.
 */
function encapRequest(e: EncapConfig | undefined): Result<EncapRequest | undefined, string> {
  if (e === undefined) return ok(undefined);
  if (e.type !== 'ip' && e.type !== 'ip6') return err(`encap ${e.type} is not supported by keepalived-ts`);
  const t = e.tunnel ?? {};
  const fam = e.type === 'ip' ? 4 : 6;
  const dst = t.dst === undefined ? ok(undefined) : addrBytes(fam, 'encap dst', t.dst);
  if (!dst.ok) return dst;
  const src = t.src === undefined ? ok(undefined) : addrBytes(fam, 'encap src', t.src);
  if (!src.ok) return src;
  return ok({
    type: LWTUNNEL_ENCAP[e.type],
    ...(t.id !== undefined && { id: BigInt(t.id) }),
    ...(dst.value !== undefined && { dst: dst.value }),
    ...(src.value !== undefined && { src: src.value }),
    ...(t.tos !== undefined && { tos: t.tos }),
    ...(t.ttl !== undefined && { ttl: t.ttl }),
    ...(t.flags !== undefined && { flags: t.flags }),
  });
}

/** A rule's text, `ip rule` style. */
export function ruleText(r: PlannedRule): string {
  const w: string[] = [`${r.priority}:`];
  if (r.invert) w.push('not');
  w.push('from', r.from === undefined ? 'all' : prefixText(r.from, r.family));
  if (r.to !== undefined) w.push('to', prefixText(r.to, r.family));
  if (r.tos !== undefined) w.push('tos', String(r.tos));
  if (r.fwmark !== undefined)
    w.push('fwmark', r.fwmask === undefined ? String(r.fwmark) : `${r.fwmark}/${r.fwmask}`);
  if (r.iif !== undefined) w.push('iif', r.iif);
  if (r.oif !== undefined) w.push('oif', r.oif);
  if (r.uidRange !== undefined) w.push('uidrange', `${r.uidRange.start}-${r.uidRange.end}`);
  if (r.ipProto !== undefined) w.push('ipproto', String(r.ipProto));
  if (r.sport !== undefined) w.push('sport', `${r.sport.start}-${r.sport.end}`);
  if (r.dport !== undefined) w.push('dport', `${r.dport.start}-${r.dport.end}`);
  if (r.tunnelId !== undefined) w.push('tun_id', r.tunnelId);
  if (r.l3mdev) w.push('lookup', '[l3mdev-table]');
  else if (r.action === 'table') w.push('lookup', String(r.table ?? RT_TABLE.main));
  else if (r.action === 'goto') w.push('goto', String(r.gotoTarget ?? 0));
  else w.push(r.action);
  if (r.suppressPrefixLen !== undefined) w.push('suppress_prefixlength', String(r.suppressPrefixLen));
  if (r.suppressGroup !== undefined) w.push('suppress_ifgroup', String(r.suppressGroup));
  if (r.realms !== undefined) w.push('realms', String(r.realms));
  if (r.protocol !== undefined && r.protocol !== RTPROT_KEEPALIVED) w.push('proto', String(r.protocol));
  if (r.noTrack) w.push('no_track');
  return w.join(' ');
}

const ACTIONS: Readonly<Record<RuleConfig['action'], number>> = {
  table: FR_ACT.toTbl,
  goto: FR_ACT.goto,
  nop: FR_ACT.nop,
  blackhole: FR_ACT.blackhole,
  unreachable: FR_ACT.unreachable,
  prohibit: FR_ACT.prohibit,
};

/** The request that adds or removes rule `r` (the same message both ways, as keepalived). */
export function ruleRequestFor(r: PlannedRule): Result<RuleRequest, string> {
  const f = r.family;
  const src = r.from?.address === undefined ? ok(undefined) : addrBytes(f, 'from', r.from.address);
  const dst = r.to?.address === undefined ? ok(undefined) : addrBytes(f, 'to', r.to.address);
  if (!src.ok) return src;
  if (!dst.ok) return dst;
  const table =
    r.action === 'table' && !r.l3mdev
      ? r.table === undefined || r.table === 0
        ? RT_TABLE.main
        : r.table
      : 0;
  let tunnelId: bigint | undefined;
  if (r.tunnelId !== undefined) {
    try {
      tunnelId = BigInt(r.tunnelId);
    } catch {
      return err(`tunnel id ${r.tunnelId} is not a number`);
    }
  }
  return ok({
    family: f,
    action: ACTIONS[r.action],
    table,
    flags: r.invert ? FIB_RULE_INVERT : 0,
    tos: r.tos ?? 0,
    srcLen: src.value === undefined ? 0 : (r.from?.prefixLen ?? 0),
    dstLen: dst.value === undefined ? 0 : (r.to?.prefixLen ?? 0),
    ...(src.value !== undefined && { src: src.value }),
    ...(dst.value !== undefined && { dst: dst.value }),
    priority: r.priority,
    ...(r.fwmark !== undefined && { fwmark: r.fwmark }),
    ...(r.fwmask !== undefined && { fwmask: r.fwmask }),
    ...(r.realms !== undefined && { flow: r.realms }),
    ...(r.suppressPrefixLen !== undefined && { suppressPrefixLen: r.suppressPrefixLen }),
    ...(r.suppressGroup !== undefined && { suppressGroup: r.suppressGroup }),
    ...(r.iif !== undefined && { iif: r.iif }),
    ...(r.oif !== undefined && { oif: r.oif }),
    ...(tunnelId !== undefined && { tunnelId }),
    ...(r.uidRange !== undefined && { uidRange: r.uidRange }),
    ...(r.l3mdev && { l3mdev: true }),
    ...(r.protocol !== undefined && { protocol: r.protocol }),
    ...(r.ipProto !== undefined && { ipProto: r.ipProto }),
    ...(r.sport !== undefined && { sport: r.sport }),
    ...(r.dport !== undefined && { dport: r.dport }),
    ...(r.action === 'goto' && r.gotoTarget !== undefined && { gotoTarget: r.gotoTarget }),
  });
}
