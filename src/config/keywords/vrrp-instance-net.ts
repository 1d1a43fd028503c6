/**
 * vrrp_instance keywords about where and how adverts go (interface, vrf, VMAC / ipvlan,
 * unicast, source and destination addresses) and what the instance tracks (keepalived 2.2.7
 * vrrp/vrrp_parser.c, vrrp_data.c alloc_vrrp_unicast_peer, vrrp_track.c alloc_track_*).
 */
import { canonicalIp, parseIp } from '../../base/ip.js';
import type { IpFamilyNum } from '../model/vrrp-instance.js';
import type { Keyword, ParseContext, Words } from '../parser.js';
import { readUnsigned } from '../values.js';
import { interfaceAvailable, parseIpAddress, parseIpAddressLine } from './vrrp-address.js';
import { VRRP_INSTANCES, type VrrpInstanceDraft } from './vrrp-instance-draft.js';
import { type InstanceHandler, kw } from './vrrp-instance-keywords.js';
import { block } from './vrrp-instance-track.js';
import { parseRouteLine, parseRuleLine } from './vrrp-route.js';

/** Linux IFNAMSIZ: names are at most 15 bytes. */
const IFNAMSIZ = 16;

/** inet_stosockaddr(): family by colon; anything after '-' or '/' is ignored. */
export function parseSockaddrText(text: string): { address: string; family: IpFamilyNum } | undefined {
  const family: IpFamilyNum = text.includes(':') ? 6 : 4;
  const cut = text.search(/[-/]/);
  const addr = cut >= 0 ? text.slice(0, cut) : text;
  const r = parseIp(addr);
  if (!r.ok || r.value.family !== family) return undefined;
  const c = canonicalIp(addr);
  return { address: c.ok ? c.value : addr, family };
}

function interfaceHandler(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  const name = w.at(1);
  if (Buffer.byteLength(name) >= IFNAMSIZ) {
    ctx.report('general-error', `Interface name '${name}' too long - ignoring`);
    return;
  }
  v.ifp = interfaceAvailable(ctx, name) ? { name, exists: ctx.env.interfaces.exists(name) } : undefined;
  v.missingIfname = undefined;
  if (!v.ifp) {
    ctx.report('general-error', `WARNING - interface ${name} for vrrp_instance ${v.name} doesn't exist`);
    v.missingIfname = name;
  } else if (ctx.env.interfaces.isLoopback(name)) {
    ctx.report('general-error', `(${v.name}) cannot use a loopback interface (${name}) for vrrp - ignoring`);
    v.ifp = undefined;
  }
}

function vrfHandler(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  const name = w.at(1);
  if (Buffer.byteLength(name) >= IFNAMSIZ) {
    ctx.report('general-error', `(${v.name}) VRF interface name '${name}' too long - ignoring`);
    return;
  }
  if (v.ifp) {
    ctx.report('general-error', `(${v.name}) Cannot specify VRF interface and interface - ignoring`);
    return;
  }
  if (v.vrf) {
    ctx.report('general-error', `(${v.name}) VRF interface already specified as '${v.vrf.name}' - ignoring`);
    return;
  }
  if (!interfaceAvailable(ctx, name)) {
    ctx.report('general-error', `(${v.name}) WARNING - VRF interface ${name} doesn't exist`);
    return;
  }
  if (ctx.env.interfaces.isLoopback(name)) {
    ctx.report('general-error', `(${v.name}) cannot use a loopback interface (${name}) for VRF - ignoring`);
    return;
  }
  v.vrf = { name, exists: ctx.env.interfaces.exists(name) };
}

/** The kernel's dev_valid_name(). */
function devNameValid(name: string): boolean {
  if (name === '' || Buffer.byteLength(name) >= IFNAMSIZ || name === '.' || name === '..') return false;
  return !/[/:\s]/.test(name);
}

/** Another instance already uses this VMAC/ipvlan name. */
function nameTakenBy(ctx: ParseContext, name: string): VrrpInstanceDraft | undefined {
  return ctx.state(VRRP_INSTANCES).instances.find((o) => o.vmac.ifname === name);
}

/** The RFC 5798 §7.3 VRRP MAC prefix 00-00-5E-00-01/02. */
const VRRP_MAC_PREFIX = [0x00, 0x00, 0x5e, 0x00];

function vmacMac(ctx: ParseContext, v: VrrpInstanceDraft, text: string): void {
  if (v.vmac.mac !== undefined) {
    ctx.report('general-error', 'VMAC interface address already specified');
    return;
  }
  if (!/^[0-9A-Fa-f:]*$/.test(text)) {
    ctx.report('general-error', `VMAC invalid MAC address ${text}`);
    return;
  }
  // Five octets (optionally with a trailing colon) leave the last octet to the VRID.
  const parts = text.replace(/:$/, '').split(':');
  const useVrid = parts.length === 5;
  const ok =
    (parts.length === 6 || useVrid) &&
    !text.endsWith('::') &&
    (useVrid || !text.endsWith(':')) &&
    parts.every((p) => /^[0-9A-Fa-f]{1,2}$/.test(p));
  const bytes = parts.map((p) => Number.parseInt(p, 16));
  if (!ok) ctx.report('general-error', `VMAC invalid MAC address ${text} - ignored`);
  else if (((bytes[0] ?? 0) & 1) !== 0)
    ctx.report('general-error', `VMAC MAC address is multicast ${text} - ignoring`);
  else if (VRRP_MAC_PREFIX.every((b, i) => bytes[i] === b) && (bytes[4] === 1 || bytes[4] === 2))
    ctx.report('general-error', `VMAC MAC address not allowed to be RFC5798 address (${text}) - ignoring`);
  else {
    v.vmac.mac = bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
    v.vmac.macUsesVrid = useVrid;
  }
}

function useVmac(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  v.vmac.enabled = true;
  for (let i = 1; i < w.length && i <= 2; i++) {
    const word = w.at(i);
    if (word.includes(':')) {
      vmacMac(ctx, v, word);
      continue;
    }
    if (v.vmac.ifname !== '') {
      ctx.report('general-error', 'VMAC interface name already specified');
      continue;
    }
    if (!devNameValid(word)) {
      ctx.report('general-error', `VMAC interface name '${word}' too long or invalid characters - ignoring`);
      continue;
    }
    const other = nameTakenBy(ctx, word);
    if (other) {
      ctx.report(
        'general-error',
        `(${v.name}) VRRP instance ${other.name} is already using ${word} - ignoring name`,
      );
      continue;
    }
    // An existing interface of that name must be a private macvlan (one a previous run made).
    if (ctx.env.interfaces.exists(word) && ctx.env.interfaces.mayBeMacvlan?.(word) !== true)
      ctx.report(
        'general-error',
        `(${v.name}) interface ${word} already exists and is not a private macvlan; ignoring vmac if_name`,
      );
    else v.vmac.ifname = word;
  }
}

function useIpvlan(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  if (v.ipvlan.enabled) {
    ctx.report('general-error', `(${v.name}) use_ipvlan already specified`);
    return;
  }
  v.ipvlan.enabled = true;
  let hadFlags = false;
  for (let i = 1; i < w.length; i++) {
    const word = w.at(i);
    if (word === 'bridge' || word === 'private' || word === 'vepa') {
      if (hadFlags)
        ctx.report('general-error', `(${v.name}) ipvlan type already specified - ignoring '${word}'`);
      else {
        v.ipvlan.mode = word;
        hadFlags = true;
      }
      continue;
    }
    // check_valid_ipaddress(): an address (with optional prefix) is the ipvlan's address.
    if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(word) && parseIp(word.replace(/\/.*/, '')).ok) {
      const a = parseIpAddress(ctx, word, true);
      if (!a) continue;
      if (v.ipvlan.address) {
        ctx.report('general-error', `(${v.name}) ipvlan address already specified - ignoring '${word}'`);
        continue;
      }
      if (v.family === 0) v.family = a.family;
      else if (a.family !== v.family) {
        ctx.report(
          'general-error',
          `(${v.name}) ipvlan address[${word}] MUST match vrrp instance family !!! Skipping...`,
        );
        continue;
      }
      v.ipvlan.address = { ...a, scope: 0, ifaFlags: 0, ifaFlagMask: 0, noTrack: false, useVmac: false };
      if (!v.saddr) {
        v.saddr = { address: a.address, family: a.family };
        v.saddrFromConfig = true;
      }
      continue;
    }
    if (v.vmac.ifname !== '') {
      ctx.report('general-error', `(${v.name}) IPVLAN interface already specified - ignoring '${word}'`);
      continue;
    }
    if (Buffer.byteLength(word) >= IFNAMSIZ) {
      ctx.report('general-error', `(${v.name}) IPVLAN interface name '${word}' too long - ignoring`);
      continue;
    }
    const other = nameTakenBy(ctx, word);
    if (other) {
      ctx.report(
        'general-error',
        `(${v.name}) VRRP instance ${other.name} is already using ${word} - ignoring name`,
      );
      continue;
    }
    if (ctx.env.interfaces.exists(word))
      ctx.report(
        'general-error',
        `(${v.name}) interface ${word} already exists and is not an l2 ipvlan; ignoring ipvlan if_name`,
      );
    else v.vmac.ifname = word;
  }
}

function srcIp(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  const text = w.at(1);
  const a = parseSockaddrText(text);
  if (!a) {
    ctx.report(
      'general-error',
      `Configuration error: VRRP instance[${v.name}] malformed src address[${text}]. Skipping...`,
    );
    return;
  }
  v.saddr = a;
  v.saddrFromConfig = true;
  if (v.family === 0) v.family = a.family;
  else if (a.family !== v.family) {
    ctx.report(
      'general-error',
      `Configuration error: VRRP instance[${v.name}] and src address[${text}] MUST be of the same family !!! Skipping...`,
    );
    v.saddr = undefined;
    v.saddrFromConfig = false;
  }
}

function mcastDstIp(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  const text = w.at(1);
  const a = parseSockaddrText(text);
  if (!a) {
    ctx.report('general-error', `(${v.name}) malformed mcast dest address ${text}. Skipping...`);
    return;
  }
  v.mcastDst = a;
  if (v.family === 0) v.family = a.family;
  else if (a.family !== v.family) {
    ctx.report(
      'general-error',
      `(${v.name}) mcast dest address ${text} MUST match VRRP instance family. Skipping...`,
    );
    v.mcastDst = undefined;
    return;
  }
  const bytes = parseIp(a.address.replace(/\/.*/, ''));
  const b = bytes.ok ? bytes.value.bytes : undefined;
  const multicast =
    a.family === 4 ? ((b?.[0] ?? 0) & 0xf0) === 0xe0 : b?.[0] === 0xff && ((b[1] ?? 0) & 0x0f) === 0x02;
  if (!multicast) {
    ctx.report(
      'general-error',
      `(${v.name}) mcast_dst_ip ${text} not${a.family === 6 ? ' link-local' : ''} multicast. Skipping...`,
    );
    v.mcastDst = undefined;
  }
}

/** alloc_vrrp_unicast_peer(): `ADDRESS [min_ttl N] [max_ttl N]`. */
function unicastPeerLine(ctx: ParseContext, words: readonly string[], v: VrrpInstanceDraft): void {
  const text = words[0] ?? '';
  const a = parseSockaddrText(text);
  if (!a) {
    ctx.report(
      'general-error',
      `Configuration error: VRRP instance[${v.name}] malformed unicast peer address[${text}]. Skipping...`,
    );
    return;
  }
  if (v.family === 0) v.family = a.family;
  else if (a.family !== v.family) {
    ctx.report(
      'general-error',
      `Configuration error: VRRP instance[${v.name}] and unicast peer address[${text}] MUST be of the same family !!! Skipping...`,
    );
    return;
  }
  let minTtl = 0;
  let maxTtl = 255;
  for (let i = 1; i < words.length; i += 2) {
    const opt = words[i] as string;
    const val = words[i + 1];
    if (val === undefined) {
      ctx.report('general-error', `(${v.name}) ${opt} is missing a value`);
      break;
    }
    const ttl = readUnsigned(ctx, val, 0, 255, false);
    if (ttl === undefined) continue;
    if (opt === 'min_ttl') minTtl = ttl;
    else if (opt === 'max_ttl') maxTtl = ttl;
    else {
      ctx.report('general-error', `(${v.name}) unknown unicast_peer option ${opt}`);
      break;
    }
    v.checkUnicastSrc = true;
  }
  if (minTtl > maxTtl)
    ctx.report(
      'general-error',
      `(${v.name}) min_ttl ${minTtl} > max_ttl ${maxTtl} - all packets will be discarded`,
    );
  v.peers.push({ address: a.address, family: a.family, minTtl, maxTtl });
}

/** alloc_vrrp_vip(): the address must match the instance's family (set by the first one). */
function vipLine(ctx: ParseContext, words: string[], v: VrrpInstanceDraft): void {
  const a = parseIpAddressLine(ctx, words, { isStatic: false });
  if (!a) return;
  if (v.family === 0) v.family = a.family;
  else if (a.family !== v.family) {
    ctx.report(
      'general-error',
      `(${v.name}): address family must match VRRP instance [${words[0]}] - ignoring`,
    );
    return;
  }
  v.vips.push(a);
}

const unicastConfigured: InstanceHandler = (_c, _w, v) => {
  v.unicastConfigured = true;
};

export const netInstanceKeywords: readonly Keyword[] = [
  kw('interface', interfaceHandler),
  kw('vrf', vrfHandler),
  kw('use_vmac', useVmac),
  kw('use_vmac_addr', (_c, _w, v) => {
    v.vmac.useVmacAddr = true;
  }),
  kw('vmac_xmit_base', (_c, _w, v) => {
    v.vmac.xmitBase = true;
  }),
  kw('use_ipvlan', useIpvlan),
  block('unicast_peer', unicastPeerLine, unicastConfigured),
  kw('unicast_fault_no_peer', (_c, _w, v) => {
    v.unicastConfigured = true;
    v.unicastFaultNoPeer = true;
  }),
  kw('check_unicast_src', (_c, _w, v) => {
    v.unicastConfigured = true;
    v.checkUnicastSrc = true;
  }),
  kw('old_unicast_checksum', (ctx, w, v) => {
    v.unicastConfigured = true;
    if (!w.has(1)) v.chksumCompat = 'config';
    else if (w.at(1) === 'never') v.chksumCompat = 'never';
    else ctx.report('general-error', `(${v.name}) Unknown old_unicast_chksum mode ${w.at(1)} - ignoring`);
  }),
  kw('native_ipv6', (ctx, _w, v) => {
    if (v.family === 4) {
      ctx.report('general-error', `(${v.name}) Cannot specify native_ipv6 with IPv4 addresses`);
      return;
    }
    v.family = 6;
    v.version = 3;
    v.nativeIpv6 = true;
  }),
  kw('mcast_src_ip', srcIp),
  kw('unicast_src_ip', (ctx, w, v) => {
    v.unicastConfigured = true;
    v.unicastSrcGiven = true;
    srcIp(ctx, w, v);
  }),
  kw('mcast_dst_ip', mcastDstIp),
  block('virtual_ipaddress', vipLine),
  block('virtual_ipaddress_excluded', (ctx, words, v) => {
    const a = parseIpAddressLine(ctx, words, { isStatic: false });
    if (a) v.evips.push(a);
  }),
  block('virtual_routes', (ctx, words, v) => {
    const r = parseRouteLine(ctx, words);
    if (r) v.routes.push(r);
  }),
  block('virtual_rules', (ctx, words, v) => {
    const r = parseRuleLine(ctx, words);
    if (r) v.rules.push(r);
  }),
];
