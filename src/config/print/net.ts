/**
 * Address, route and rule lines (virtual_ipaddress, static_ipaddress, virtual_routes,
 * static_routes, virtual_rules, static_rules) in the syntax keepalived's alloc_ipaddress(),
 * alloc_route() and alloc_rule() read.
 */
import type { NexthopConfig, RouteConfig, RoutePrefix, RuleConfig } from '../model/vrrp-extras.js';
import { IFA_F, type IpAddressConfig } from '../model/vrrp-instance.js';
import { word } from './format.js';

const FOREVER = 0xffffffff;
/** RTN_* names keepalived's route parser knows (rtntypes[]). */
const RTN_NAMES: Readonly<Record<number, string>> = {
  2: 'local',
  3: 'broadcast',
  4: 'anycast',
  5: 'multicast',
  6: 'blackhole',
  7: 'unreachable',
  8: 'prohibit',
  9: 'throw',
  10: 'nat',
  11: 'xresolve',
};

/** iproute2's rt_scopes names, as keepalived reads them. */
const SCOPE_NAMES: Readonly<Record<number, string>> = {
  200: 'site',
  253: 'link',
  254: 'host',
  255: 'nowhere',
};

function scope(n: number): string {
  return SCOPE_NAMES[n] ?? String(n);
}

function fullLen(family: 4 | 6): number {
  return family === 6 ? 128 : 32;
}

/** One address line; `isStatic` lines may carry track_group, virtual ones use_vmac. */
export function addressLine(a: IpAddressConfig): string {
  const w: (string | number)[] = [];
  if (a.peer !== undefined) w.push(a.address, 'peer', `${a.peer}/${a.prefixLen}`);
  else w.push(`${a.address}/${a.prefixLen}`);
  if (a.interface !== undefined) w.push('dev', word(a.interface));
  if (a.broadcast !== undefined) w.push('brd', a.broadcast);
  if (a.scope !== 0) w.push('scope', scope(a.scope));
  if (a.label !== undefined) w.push('label', word(a.label));
  if (a.ifaFlags & IFA_F.homeaddress) w.push('home');
  if (a.ifaFlagMask & IFA_F.nodad && !(a.ifaFlags & IFA_F.nodad)) w.push('-nodad');
  if (a.ifaFlags & IFA_F.managetempaddr) w.push('mngtmpaddr');
  if (a.ifaFlags & IFA_F.noprefixroute) w.push('noprefixroute');
  if (a.ifaFlags & IFA_F.mcautojoin) w.push('autojoin');
  if (a.noTrack) w.push('no_track');
  if (a.preferredLft !== undefined) {
    // IPv6 addresses get keepalived's old default when none is given.
    const dflt = a.family === 6 ? (a.prefixLen === 128 ? 0 : FOREVER) : undefined;
    if (a.preferredLft !== dflt)
      w.push('preferred_lft', a.preferredLft === FOREVER ? 'forever' : a.preferredLft);
  }
  if (a.trackGroup !== undefined) w.push('track_group', word(a.trackGroup));
  if (a.useVmac) w.push('use_vmac');
  return w.join(' ');
}

function prefix(p: RoutePrefix, family: 4 | 6): string {
  if (p.address === undefined) return family === 6 ? 'default6' : 'default';
  return p.prefixLen === fullLen(family) ? p.address : `${p.address}/${p.prefixLen}`;
}

function realms(v: number): string {
  return v > 0xffff ? `${v >>> 16}/${v & 0xffff}` : String(v);
}

function nexthop(n: NexthopConfig): string[] {
  const w = ['nexthop'];
  if (n.via !== undefined) w.push('via', n.via);
  if (n.dev !== undefined) w.push('dev', word(n.dev));
  if (n.weight !== undefined) w.push('weight', String(n.weight));
  if (n.onlink) w.push('onlink');
  if (n.realms !== undefined) w.push('realms', realms(n.realms));
  if (n.encap) w.push('encap', n.encap.type, ...n.encap.words);
  return w;
}

/** The metric keywords a route line takes, each `NAME [lock] VALUE`. */
const METRIC_ORDER = [
  'mtu',
  'advmss',
  'rtt',
  'rttvar',
  'reordering',
  'window',
  'cwnd',
  'ssthresh',
  'initcwnd',
  'initrwnd',
  'rto_min',
  'hoplimit',
  'quickack',
  'fastopen_no_cookie',
];

export function routeLine(r: RouteConfig): string {
  const w: string[] = [];
  // IPv6 routes whose destination is `default6` carry their family there; others in addresses.
  if (r.type !== 1) w.push(RTN_NAMES[r.type] ?? String(r.type));
  w.push(prefix(r.dst, r.family));
  if (r.src) w.push('from', prefix(r.src, r.family));
  if (r.prefSrc !== undefined) w.push('src', r.prefSrc);
  if (r.via !== undefined) w.push('via', r.via);
  if (r.dev !== undefined) w.push('dev', word(r.dev));
  if (r.table !== 254) w.push('table', String(r.table));
  if (r.scope !== 0) w.push('scope', scope(r.scope));
  if (r.metric !== undefined) w.push('metric', String(r.metric));
  if (r.tos !== undefined) w.push('tos', String(r.tos));
  if (r.realms !== undefined) w.push('realms', realms(r.realms));
  if (r.onlink) w.push('onlink');
  if (r.expires !== undefined) w.push('expires', String(r.expires));
  if (r.pref !== undefined) w.push('pref', String(r.pref));
  if (r.ttlPropagate !== undefined) w.push('ttl-propagate', r.ttlPropagate ? 'enabled' : 'disabled');
  for (const name of METRIC_ORDER) {
    const m = r.metrics[name];
    if (m) w.push(name, ...(m.lock ? ['lock'] : []), String(m.value));
  }
  if (r.congctl) w.push('congctl', ...(r.congctl.lock ? ['lock'] : []), r.congctl.name);
  if (r.featuresEcn) w.push('features', 'ecn');
  if (r.encap) w.push('encap', r.encap.type, ...r.encap.words);
  if (r.mode !== 'prepend') w.push(r.mode);
  // Tracked routes always get protocol keepalived. keepalived stops tracking a route without a
  // device (with a warning) after forcing that protocol: printed as `no_track protocol 18`.
  if (r.noTrack) {
    w.push('no_track');
    if (r.protocol !== undefined) w.push('protocol', String(r.protocol));
  }
  if (r.trackGroup !== undefined) w.push('track_group', word(r.trackGroup));
  for (const n of r.nexthops) w.push(...nexthop(n));
  return w.join(' ');
}

function range(r: { start: number; end: number }): string {
  return `${r.start}-${r.end}`;
}

export function ruleLine(r: RuleConfig): string {
  const w: string[] = [];
  const hasAddr = r.from?.address !== undefined || r.to?.address !== undefined;
  if (r.from) w.push('from', prefix(r.from, r.family));
  if (r.to) w.push('to', prefix(r.to, r.family));
  // Without an address the family must be named (keepalived skips the word after it).
  if (!hasAddr && r.family === 6 && !r.from && !r.to) w.push('inet6', 'inet6');
  if (r.invert) w.push('not');
  w.push('priority', String(r.priority));
  if (r.action === 'table') {
    if (r.l3mdev) w.push('l3mdev');
    else w.push('table', String(r.table ?? 254));
  } else if (r.action === 'goto') w.push('goto', String(r.gotoTarget ?? 0));
  else w.push(r.action);
  if (r.tos !== undefined) w.push('tos', String(r.tos));
  if (r.fwmark !== undefined)
    w.push('fwmark', r.fwmask !== undefined ? `${r.fwmark}/${r.fwmask}` : String(r.fwmark));
  if (r.realms !== undefined) w.push('realms', realms(r.realms));
  if (r.suppressPrefixLen !== undefined) w.push('suppress_prefixlength', String(r.suppressPrefixLen));
  if (r.suppressGroup !== undefined) w.push('suppress_ifgroup', String(r.suppressGroup));
  if (r.iif !== undefined) w.push('iif', word(r.iif));
  if (r.oif !== undefined) w.push('oif', word(r.oif));
  if (r.tunnelId !== undefined) w.push('tunnel-id', String(r.tunnelId));
  if (r.uidRange) w.push('uidrange', range(r.uidRange));
  if (r.ipProto !== undefined) w.push('ipproto', String(r.ipProto));
  if (r.sport) w.push('sport', range(r.sport));
  if (r.dport) w.push('dport', range(r.dport));
  // Tracked rules always get protocol keepalived; untracked ones keep what was given.
  if (r.noTrack) {
    w.push('no_track');
    if (r.protocol !== undefined) w.push('protocol', String(r.protocol));
  }
  if (r.trackGroup !== undefined) w.push('track_group', word(r.trackGroup));
  return w.join(' ');
}
