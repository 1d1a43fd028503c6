/**
 * Route lines of static_routes and vrrp_instance virtual_routes, read as keepalived 2.2.7's
 * alloc_route() (vrrp/vrrp_iproute.c) reads them; rule lines are in vrrp-route-rule.ts.
 * A keyword whose value is missing ends the parse (keepalived's strvec_slot), as elsewhere.
 */

import type { NexthopConfig, RouteConfig, RouteMetric, RoutePrefix } from '../model/vrrp-extras.js';
import type { IpFamilyNum } from '../model/vrrp-instance.js';
import { type ParseContext, Words } from '../parser.js';
import { findScope, interfaceAvailable, parseIpAddress } from './vrrp-address.js';
import { encapWords } from './vrrp-route-encap.js';
import { findRtEntry, findRtnType, getRealms, getTimeRtt, getUnsigned, RTN } from './vrrp-route-tables.js';

export { parseRuleLine } from './vrrp-route-rule.js';

const UINT32_MAX = 4294967295;
/** RTPROT_KEEPALIVED. */
export const RTPROT_KEEPALIVED = 18;

export interface RouteLineOptions {
  /** static_routes: `track_group NAME` allowed; whether NAME was defined. */
  readonly trackGroupExists?: (name: string) => boolean;
}

/** parse_route(): default/any/all (family from context), default6, or ADDR[/LEN]. */
export function parseRoutePrefix(
  ctx: ParseContext,
  text: string,
): { family: IpFamilyNum | 0; prefix: RoutePrefix } | undefined {
  if (text === 'default' || text === 'any' || text === 'all') return { family: 0, prefix: { prefixLen: 0 } };
  if (text === 'default6') return { family: 6, prefix: { prefixLen: 0 } };
  const a = parseIpAddress(ctx, text, true);
  return a && { family: a.family, prefix: { address: a.address, prefixLen: a.prefixLen } };
}

type Draft = { -readonly [K in keyof RouteConfig]: RouteConfig[K] } & { familyKnown: IpFamilyNum | 0 };

/** Thrown inside the parse to drop the line after its diagnostic (keepalived's goto err). */
class Drop extends Error {}

function parseNexthops(ctx: ParseContext, v: Words, start: number, r: Draft): void {
  let i = start;
  const setFamily = (fam: IpFamilyNum, msg: string): void => {
    if (r.familyKnown === 0) r.familyKnown = fam;
    else if (r.familyKnown !== fam) {
      ctx.report('general-error', msg);
      throw new Drop();
    }
  };
  while (i < v.length && v.at(i) === 'nexthop') {
    i++;
    const nh: { -readonly [K in keyof NexthopConfig]: NexthopConfig[K] } = { onlink: false };
    try {
      while (i < v.length) {
        const str = v.at(i);
        if (str === 'via') {
          let a = v.at(++i);
          if (a === 'inet' || a === 'inet6') {
            setFamily(a === 'inet' ? 4 : 6, 'IPv4/6 mismatch for nexthop');
            a = v.at(++i);
          }
          const addr = parseIpAddress(ctx, a, false);
          if (!addr) throw fail(ctx, `invalid nexthop address ${a}`);
          if (r.familyKnown !== 0 && addr.family !== r.familyKnown)
            throw fail(ctx, 'Address family mismatch for next hop');
          r.familyKnown = addr.family;
          nh.via = addr.address;
        } else if (str === 'dev') {
          const d = v.at(++i);
          if (!interfaceAvailable(ctx, d))
            throw fail(ctx, `WARNING - interface ${d} for VROUTE nexthop doesn't exist`);
          nh.dev = d;
        } else if (str === 'weight') {
          const w = getUnsigned(ctx, v.at(++i), 256, 'Invalid weight %s specified for route');
          if (w === undefined) throw new Drop();
          if (w === 0) throw fail(ctx, 'Invalid weight 0 specified for route');
          nh.weight = w;
        } else if (str === 'onlink') nh.onlink = true;
        else if (str === 'encap') {
          const ref = { i };
          const e = encapWords(ctx, v, ref);
          i = ref.i;
          if (e) nh.encap = e;
        } else if (str === 'realms') {
          const realms = getRealms(ctx, v.at(++i));
          if (realms === undefined) throw fail(ctx, `Invalid realms ${v.at(i)} for route`);
          if (r.familyKnown === 0) r.familyKnown = 4;
          else if (r.familyKnown !== 4) throw fail(ctx, 'realms are only supported for IPv4');
          nh.realms = realms;
        } else if (str === 'as') {
          if (v.at(++i) === 'to') i++;
          throw fail(ctx, "'as [to]' (nat) not supported");
        } else break;
        i++;
      }
    } catch (e) {
      // A bad nexthop is dropped with the ones after it; the route itself is kept.
      if (e instanceof Drop) return;
      throw e;
    }
    r.nexthops = [...r.nexthops, nh];
  }
  if (i < v.length) ctx.report('general-error', `Route has trailing nonsense after nexthops - ${v.at(i)}`);
}

function fail(ctx: ParseContext, msg: string): Drop {
  ctx.report('general-error', msg);
  return new Drop();
}

const LOCKABLE = ['mtu', 'advmss', 'rtt', 'rttvar', 'reordering', 'cwnd', 'ssthresh', 'rto_min'];
const U32_METRICS: Readonly<Record<string, string>> = {
  mtu: 'Invalid MTU %s specified for route',
  advmss: 'Invalid advmss %s specified for route',
  reordering: 'Invalid reordering value %s specified for route',
  window: 'Invalid window value %s specified for route',
  cwnd: 'Invalid cwnd value %s specified for route',
  ssthresh: 'Invalid ssthresh value %s specified for route',
  initcwnd: 'Invalid initcwnd value %s specified for route',
  initrwnd: 'Invalid initrwnd value %s specified for route',
};
const RTT_METRICS: Readonly<Record<string, [number, string]>> = {
  rtt: [8, 'Invalid rtt %s for route'],
  rttvar: [4, 'Invalid rttvar %s for route'],
  rto_min: [1, 'Invalid rto_min value %s specified for route'],
};

/**
 * alloc_route(): one route line. Returns the route, or undefined where keepalived drops the
 * line (it has reported why).
 */
export function parseRouteLine(
  ctx: ParseContext,
  words: readonly string[],
  opts: RouteLineOptions = {},
): RouteConfig | undefined {
  const v = new Words(words, words.join(' '), ctx);
  const r: Draft = {
    family: 4,
    familyKnown: 0,
    dst: { prefixLen: 0 },
    type: RTN.unicast,
    table: 254,
    scope: 0,
    protocol: undefined,
    onlink: false,
    metrics: {},
    featuresEcn: false,
    nexthops: [],
    mode: 'prepend',
    noTrack: false,
  };
  let haveDst = false;
  let dest: string | undefined;
  let doNexthop = false;
  const metrics: Record<string, RouteMetric> = {};
  const mix = (fam: IpFamilyNum | 0, msg = 'Cannot mix IPv4 and IPv6 addresses for route'): void => {
    if (fam === 0) return;
    if (r.familyKnown === 0) r.familyKnown = fam;
    else if (r.familyKnown !== fam) throw fail(ctx, msg);
  };
  let i = 0;
  try {
    while (i < v.length) {
      const str = v.at(i);
      if (str === 'inet6' || str === 'inet') {
        const fam = str === 'inet' ? 4 : 6;
        if (r.familyKnown !== 0 && r.familyKnown !== fam)
          throw fail(ctx, `${str} specified for IPv${fam === 4 ? 6 : 4} route`);
        r.familyKnown = fam;
        // keepalived steps over the word after inet/inet6 too (it counts the word twice).
        i++;
      } else if (str === 'src') {
        const a = parseIpAddress(ctx, v.at(++i), false);
        if (!a) throw fail(ctx, `invalid route src address ${v.at(i)}`);
        mix(a.family);
        r.prefSrc = a.address;
      } else if (str === 'as') {
        if (v.at(++i) === 'to') i++;
        ctx.report('general-error', '"as to" for MPLS only - ignoring');
      } else if (str === 'via' || str === 'gw') {
        if (str === 'gw') ctx.report('general-error', '"gw" for routes is deprecated. Please use "via"');
        let a = v.at(++i);
        let fam: IpFamilyNum | 0 = r.familyKnown;
        if (a === 'inet' || a === 'inet6') {
          fam = a === 'inet' ? 4 : 6;
          a = v.at(++i);
        }
        mix(fam);
        const addr = parseIpAddress(ctx, a, false);
        if (!addr) throw fail(ctx, `invalid route via address ${a}`);
        mix(addr.family);
        r.via = addr.address;
      } else if (str === 'from') {
        const p = parseRoutePrefix(ctx, v.at(++i));
        if (!p) throw fail(ctx, `invalid route from address ${v.at(i)}`);
        if (p.family !== 6) throw fail(ctx, `route from address only supported with IPv6 (${v.at(i)})`);
        mix(p.family);
        r.src = p.prefix;
      } else if (str === 'tos' || str === 'dsfield') {
        const t = findRtEntry(ctx, 'rt_dsfield', v.at(++i));
        if (t === undefined) throw fail(ctx, `TOS value ${v.at(i)} is invalid`);
        r.tos = t;
      } else if (str === 'table') {
        const t = findRtEntry(ctx, 'rt_tables', v.at(++i));
        if (t === undefined) throw fail(ctx, `Routing table ${v.at(i)} not found for route`);
        r.table = t;
      } else if (str === 'protocol') {
        const t = findRtEntry(ctx, 'rt_protos', v.at(++i));
        if (t === undefined) throw fail(ctx, `Protocol ${v.at(i)} not found or invalid for route`);
        r.protocol = t;
      } else if (str === 'scope') {
        const t = findScope(v.at(++i));
        if (t === undefined) throw fail(ctx, `Scope ${v.at(i)} not found or invalid for route`);
        r.scope = t;
      } else if (str === 'metric' || str === 'priority' || str === 'preference') {
        const m = getUnsigned(ctx, v.at(++i), UINT32_MAX, 'Invalid metric %s specified for route');
        if (m === undefined) throw new Drop();
        r.metric = m;
      } else if (str === 'dev' || str === 'oif') {
        const d = v.at(++i);
        if (!interfaceAvailable(ctx, d))
          throw fail(ctx, `WARNING - interface ${d} for VROUTE nexthop doesn't exist`);
        r.dev = d;
      } else if (str === 'onlink') r.onlink = true;
      else if (str === 'encap') {
        const ref = { i };
        const e = encapWords(ctx, v, ref);
        i = ref.i;
        if (e) r.encap = e;
      } else if (str === 'expires') {
        i++;
        if (r.familyKnown === 4) throw fail(ctx, 'expires is only valid for IPv6');
        r.familyKnown = 6;
        const e = getUnsigned(ctx, v.at(i), UINT32_MAX, 'Invalid expires time %s specified for route');
        if (e === undefined) throw new Drop();
        r.expires = e;
      } else if (str === 'hoplimit') {
        const h = getUnsigned(ctx, v.at(++i), 255, 'Invalid hoplimit %s specified for route');
        if (h === undefined) throw new Drop();
        metrics.hoplimit = { value: h, lock: false };
      } else if (U32_METRICS[str] !== undefined || RTT_METRICS[str] !== undefined) {
        let lock = false;
        i++;
        if (LOCKABLE.includes(str) && v.at(i) === 'lock') {
          lock = true;
          i++;
        }
        const rtt = RTT_METRICS[str];
        let value: number | undefined;
        if (rtt) {
          value = getTimeRtt(ctx, v.at(i), rtt[0]);
          if (value === undefined) throw fail(ctx, rtt[1].replace('%s', v.at(i)));
        } else {
          value = getUnsigned(ctx, v.at(i), UINT32_MAX, U32_METRICS[str] as string);
          if (value === undefined) throw new Drop();
        }
        metrics[str] = { value, lock };
      } else if (str === 'realms') {
        const realms = getRealms(ctx, v.at(++i));
        if (realms === undefined) throw fail(ctx, `Invalid realms ${v.at(i)} for route`);
        if (r.familyKnown === 6) throw fail(ctx, 'realms are only valid for IPv4');
        r.familyKnown = 4;
        r.realms = realms;
      } else if (str === 'features') {
        if (v.at(++i) === 'ecn') r.featuresEcn = true;
        else ctx.report('general-error', `feature ${v.at(i)} not supported`);
      } else if (str === 'quickack' || str === 'fastopen_no_cookie') {
        const q = getUnsigned(ctx, v.at(++i), 1, `Invalid ${str} value %s specified for route`);
        if (q === undefined) throw new Drop();
        metrics[str] = { value: q, lock: false };
      } else if (str === 'congctl') {
        let lock = false;
        if (v.at(++i) === 'lock') {
          lock = true;
          i++;
        }
        r.congctl = { name: v.at(i), lock };
      } else if (str === 'pref') {
        i++;
        if (r.familyKnown === 4) throw fail(ctx, 'pref is only valid for IPv6');
        r.familyKnown = 6;
        const p = v.at(i);
        const named = ({ low: 3, medium: 0, high: 1 } as Readonly<Record<string, number>>)[p];
        if (named !== undefined) r.pref = named;
        else {
          const n = getUnsigned(ctx, p, 255, 'Invalid pref value %s specified for route');
          if (n === undefined) throw new Drop();
          r.pref = n;
        }
      } else if (str === 'ttl-propagate') {
        const p = v.at(++i);
        if (p === 'enabled') r.ttlPropagate = true;
        else if (p === 'disabled') r.ttlPropagate = false;
        else ctx.report('general-error', `ttl-propagate value ${p} not recognised`);
      } else if (str === 'add') r.mode = 'add';
      else if (str === 'prepend') r.mode = 'prepend';
      else if (str === 'append') r.mode = 'append';
      else if (str === 'or') {
        ctx.report('general-error', '"or" for routes is deprecated. Please use "nexthop"');
        if (r.nexthops.length > 0) {
          ctx.report('general-error', '"or" route already specified - ignoring subsequent');
          i += 2;
          continue;
        }
        const first: NexthopConfig = r.via !== undefined ? { via: r.via, onlink: false } : { onlink: false };
        delete r.via;
        const a = parseIpAddress(ctx, v.at(++i), false);
        if (!a) throw fail(ctx, `Invalid "or" address ${v.at(i)}`);
        r.nexthops = [first, { via: a.address, onlink: false }];
      } else if (str === 'nexthop') {
        if (r.nexthops.length > 0) ctx.report('general-error', 'Cannot specify nexthops with "or" route');
        else doNexthop = true;
        break;
      } else if (str === 'no_track') r.noTrack = true;
      else if (opts.trackGroupExists && str === 'track_group') {
        const g = v.at(++i);
        if (r.trackGroup !== undefined) {
          ctx.report('general-error', `track_group ${g} is a duplicate`);
          break;
        }
        if (opts.trackGroupExists(g)) r.trackGroup = g;
        else ctx.report('general-error', `track_group ${g} not found`);
      } else if (str === 'vrf') {
        const d = v.at(++i);
        // keepalived needs a VRF master device; a plain interface is refused.
        if (!ctx.env.interfaces.exists(d)) throw fail(ctx, `VRF ${d} not found for route`);
        throw fail(ctx, `Route specified VRF ${d} is not a VRF`);
      } else {
        // After `to` keepalived still tests the word `to` as a type: no type can follow it.
        if (str === 'to') i++;
        const t = findRtnType(str);
        if (t !== undefined) {
          r.type = t;
          i++;
        }
        dest = v.at(i);
        const p = parseRoutePrefix(ctx, dest);
        if (!p) throw fail(ctx, `unknown route keyword ${dest}`);
        mix(p.family, `Cannot mix IPv4 and IPv6 addresses for route (${dest})`);
        r.dst = p.prefix;
        haveDst = true;
      }
      i++;
    }
    if (doNexthop) parseNexthops(ctx, v, i, r);
    else if (i < v.length) throw fail(ctx, `Route has trailing nonsense - ${v.at(i)}`);
    if (!haveDst) throw fail(ctx, 'Route must have a destination');
  } catch (e) {
    if (e instanceof Drop) return undefined;
    throw e;
  }
  if (!r.noTrack) {
    if (r.protocol !== undefined && r.protocol !== RTPROT_KEEPALIVED)
      ctx.report(
        'general-error',
        `Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(${RTPROT_KEEPALIVED}), resetting protocol`,
      );
    r.protocol = RTPROT_KEEPALIVED;
    if (r.dev === undefined) {
      ctx.report(
        'general-error',
        `Warning - cannot track route ${dest ?? '(null)'} with no interface specified, not tracking`,
      );
      r.noTrack = true;
    }
  }
  if (r.trackGroup !== undefined && r.dev === undefined) {
    ctx.report('general-error', 'Static route cannot have track group if no oif specified');
    delete r.trackGroup;
  }
  const { familyKnown, ...route } = r;
  return { ...route, family: familyKnown === 0 ? 4 : familyKnown, metrics };
}
