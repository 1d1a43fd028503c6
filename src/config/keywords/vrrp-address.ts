/**
 * Address lines of virtual_ipaddress, virtual_ipaddress_excluded and static_ipaddress, parsed
 * as keepalived 2.2.7's alloc_ipaddress() / parse_ipaddress() (vrrp/vrrp_ipaddress.c) parse
 * them, plus the pieces every VRRP block shares: interface lookups that remember a missing
 * interface (if_get_by_ifname with IF_CREATE_IF_DYNAMIC) and value blocks read line by line.
 */
import { canonicalIp, parseIp } from '../../base/ip.js';
import { IFA_F, type IpAddressConfig, type IpFamilyNum } from '../model/vrrp-instance.js';
import { type ParseContext, StateKey } from '../parser.js';
import { readUnsigned } from '../values.js';
import { GLOBAL } from './global-draft.js';

export interface InterfaceLookupState {
  /** keepalived's non_existent_interface_specified: the VRRP process refuses to start. */
  nonExistent: boolean;
}

export const VRRP_INTERFACES = new StateKey<InterfaceLookupState>('vrrp.interfaces', () => ({
  nonExistent: false,
}));

/**
 * if_get_by_ifname(name, IF_CREATE_IF_DYNAMIC): true when the interface exists, or will be
 * used once created (global dynamic_interfaces). A miss is remembered for the end of the parse.
 */
export function interfaceAvailable(ctx: ParseContext, name: string): boolean {
  if (ctx.env.interfaces.exists(name)) return true;
  if (ctx.parentState(GLOBAL).dynamicInterfaces) return true;
  ctx.state(VRRP_INTERFACES).nonExistent = true;
  return false;
}

/**
 * start_vrrp()'s check after the parse: a missing interface stops the VRRP process before any
 * instance is validated. Returns true when it did (the caller then skips vrrp_complete_init).
 */
export function reportNonExistentInterfaces(ctx: ParseContext): boolean {
  if (!ctx.state(VRRP_INTERFACES).nonExistent) return false;
  ctx.reportGlobal('bad-interface', 'Non-existent interface specified in configuration');
  return true;
}

/** iproute2's rt_scopes defaults (/etc/iproute2/rt_scopes on Debian holds the same). */
const RT_SCOPES: Readonly<Record<string, number>> = {
  global: 0,
  nowhere: 255,
  host: 254,
  link: 253,
  site: 200,
};

/**
 * strtoul(s, &end, 0) of a whole word: decimal, 0x hex or 0 octal; undefined if not a number.
 * Used by the rttables lookups, which take a number before trying names.
 */
export function strtoulWhole(s: string): number | undefined {
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  const m = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(t);
  if (!m) return undefined;
  const v =
    m[2] !== undefined
      ? Number.parseInt(m[2], 16)
      : m[3] !== undefined
        ? Number.parseInt(m[3], 8)
        : Number(m[4]);
  return signed(m[1], v);
}

function signed(sign: string | undefined, v: number): number {
  // strtoul negates in unsigned long: -1 is ULONG_MAX, beyond every rttables maximum.
  return sign === '-' && v !== 0 ? Number.MAX_SAFE_INTEGER : v;
}

/** find_rttables_scope(): a number up to 255 or a scope name. */
export function findScope(name: string): number | undefined {
  const n = strtoulWhole(name);
  if (n !== undefined) return n <= 255 ? n : undefined;
  return RT_SCOPES[name];
}

export interface ParsedAddress {
  family: IpFamilyNum;
  address: string;
  prefixLen: number;
}

/**
 * parse_ipaddress(): the family is IPv6 if the text has a colon; `/len` (when allowed) is read
 * with read_unsigned and falls back to the host length. undefined after "VRRP parsed invalid IP".
 */
export function parseIpAddress(
  ctx: ParseContext,
  text: string,
  allowSubnetMask: boolean,
): ParsedAddress | undefined {
  const family: IpFamilyNum = text.includes(':') ? 6 : 4;
  const max = family === 6 ? 128 : 32;
  let prefixLen = max;
  let addrText = text;
  const slash = allowSubnetMask ? text.indexOf('/') : -1;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    const len = readUnsigned(ctx, lenText, 0, max, true);
    if (len === undefined)
      ctx.report('general-error', `Invalid address prefix len ${lenText} for address ${text} - using ${max}`);
    else prefixLen = len;
    addrText = text.slice(0, slash);
  }
  const parsed = parseIp(addrText);
  if (!parsed.ok || parsed.value.family !== family) {
    ctx.report('general-error', `VRRP parsed invalid IP ${text}. skipping IP...`);
    return undefined;
  }
  const canon = canonicalIp(addrText);
  return { family, address: canon.ok ? canon.value : addrText, prefixLen };
}

export interface IpAddressLineOptions {
  /** static_ipaddress: `track_group` allowed, no `use_vmac`, default interface required. */
  readonly isStatic: boolean;
  /** static_ipaddress: whether a track_group of that name was defined. */
  readonly trackGroupExists?: (name: string) => boolean;
}

/** Writable while the line is read; returned as the readonly model type. */
type AddressDraft = { -readonly [K in keyof IpAddressConfig]: IpAddressConfig[K] };

function ipv4ToInt(text: string): number {
  return text.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * alloc_ipaddress(): one address line (`words` as read from the value block). Returns the
 * address, or undefined where keepalived drops the line (it has reported why).
 */
export function parseIpAddressLine(
  ctx: ParseContext,
  words: readonly string[],
  opts: IpAddressLineOptions,
): IpAddressConfig | undefined {
  const addrWord = words[0] ?? '';
  const parsed = parseIpAddress(ctx, addrWord, true);
  if (!parsed) return undefined;
  const a: AddressDraft = {
    family: parsed.family,
    address: parsed.address,
    prefixLen: parsed.prefixLen,
    scope: 0,
    ifaFlags: 0,
    ifaFlagMask: 0,
    noTrack: false,
    useVmac: false,
  };
  let brdLen = 0;
  let haveBroadcast = false;
  let preferredLftSet = false;
  let missing: string | undefined;
  let i = 1;
  const setFlag = (bit: number): void => {
    a.ifaFlags |= bit;
    a.ifaFlagMask |= bit;
  };
  while (i < words.length) {
    const str = words[i] as string;
    const param = words[i + 1];
    const needsParam = [
      'dev',
      'scope',
      'broadcast',
      'brd',
      'label',
      'peer',
      'preferred_lft',
      ...(opts.isStatic ? ['track_group'] : []),
    ];
    if (needsParam.includes(str) && param === undefined) {
      missing = str;
      break;
    }
    const p = param as string;
    if (str === 'dev') {
      if (a.interface !== undefined) {
        ctx.report('general-error', `Cannot specify ipaddress device more than once for ${addrWord}`);
        return undefined;
      }
      i++;
      if (!interfaceAvailable(ctx, p)) {
        ctx.report('general-error', `WARNING - interface ${p} for ip address ${addrWord} doesn't exist`);
        // keepalived drops the address and then stops its VRRP process (all instances) for
        // the missing interface; keepalived-ts keeps it, so that the daemon tracks the
        // interface and only this instance waits in FAULT (README, deliberate differences).
      }
      a.interface = p;
    } else if (str === 'scope') {
      i++;
      const scope = findScope(p);
      if (scope === undefined)
        ctx.report('general-error', `Invalid scope '${p}' specified for ${addrWord} - ignoring`);
      else a.scope = scope;
    } else if (str === 'broadcast' || str === 'brd') {
      if (a.family === 6) {
        ctx.report(
          'general-error',
          `VRRP is trying to assign a broadcast ${str} to the IPv6 address ${addrWord} !!?? WTF... skipping VIP...`,
        );
        return undefined;
      }
      haveBroadcast = true;
      i++;
      if (p === '-') brdLen = -2;
      else if (p === '+') brdLen = -1;
      else {
        const b = parseIp(p);
        if (!b.ok || b.value.family !== 4) {
          ctx.report('general-error', `VRRP is trying to assign invalid broadcast ${p}. skipping VIP...`);
          return undefined;
        }
        a.broadcast = p;
      }
    } else if (str === 'label') {
      i++;
      if (Buffer.byteLength(p) >= 16) {
        ctx.report('general-error', `Address label ${p} is longer than maximum length 15 - removing address`);
        return undefined;
      }
      a.label = p;
    } else if (str === 'peer') {
      i++;
      if (a.peer !== undefined) {
        ctx.report('general-error', `Peer ${p} - another peer has already been specified`);
        i++;
        continue;
      }
      const peer = parseIpAddress(ctx, p, false);
      if (!peer) ctx.report('general-error', `Invalid peer address ${p}`);
      else if (peer.family !== a.family)
        ctx.report('general-error', `Peer address ${p} does not match address family`);
      else {
        if (a.prefixLen !== (a.family === 6 ? 128 : 32))
          ctx.report(
            'general-error',
            'Cannot specify address prefix when specifying peer address - ignoring',
          );
        a.peer = peer.address;
        a.prefixLen = peer.prefixLen;
      }
    } else if (str === 'home') setFlag(IFA_F.homeaddress);
    else if (str === '-nodad') a.ifaFlagMask |= IFA_F.nodad;
    else if (str === 'mngtmpaddr') setFlag(IFA_F.managetempaddr);
    else if (str === 'noprefixroute') setFlag(IFA_F.noprefixroute);
    else if (str === 'autojoin') setFlag(IFA_F.mcautojoin);
    else if (str === 'no_track') a.noTrack = true;
    else if (str === 'preferred_lft') {
      i++;
      if (p === 'forever') {
        a.preferredLft = 0xffffffff;
        preferredLftSet = true;
      } else {
        const v = readUnsigned(ctx, p, 0, 0xffffffff, true);
        if (v !== undefined) {
          a.preferredLft = v;
          preferredLftSet = true;
        } else ctx.report('general-error', `preferred_lft ${p} is invalid`);
      }
    } else if (opts.isStatic && str === 'track_group') {
      i++;
      if (a.trackGroup !== undefined) {
        ctx.report('general-error', `track_group ${p} is a duplicate`);
        break;
      }
      // keepalived keeps the group only when found, but still reports a duplicate later.
      if (opts.trackGroupExists?.(p)) a.trackGroup = p;
      else ctx.report('general-error', `track_group ${p} not found`);
    } else if (!opts.isStatic && str === 'use_vmac') a.useVmac = true;
    else ctx.report('general-error', `Unknown configuration entry '${str}' for ip address - ignoring`);
    i++;
  }
  if (missing !== undefined) {
    ctx.report('general-error', `No ${missing} parameter specified for ${addrWord}`);
    return undefined;
  }
  if (haveBroadcast && a.peer !== undefined) {
    ctx.report('general-error', 'Cannot specify broadcast and peer addresses - ignoring broadcast address');
    delete a.broadcast;
  } else if (brdLen < 0 && a.prefixLen <= 30) {
    const base = ipv4ToInt(a.peer ?? a.address);
    const mask = a.prefixLen === 0 ? 0xffffffff : (0xffffffff >>> a.prefixLen) >>> 0;
    a.broadcast = intToIpv4(brdLen === -1 ? (base | mask) >>> 0 : (base & ~mask) >>> 0);
  } else if (brdLen < 0) {
    ctx.report('general-error', `Address prefix length ${a.prefixLen} too long for broadcast`);
  }
  if (opts.isStatic && a.interface === undefined) {
    const dflt = ctx.parentState(GLOBAL).defaultInterface ?? 'eth0';
    if (!interfaceAvailable(ctx, dflt)) {
      ctx.report(
        'fatal',
        `Static address ${addrWord} requires either an interface or default interface must exist`,
      );
      return undefined;
    }
    a.interface = dflt;
  }
  if (a.family === 6) {
    if (a.scope !== 0) {
      ctx.report('general-error', `Cannot specify scope for IPv6 addresses (${addrWord}) - ignoring scope`);
      a.scope = 0;
    }
    if (a.label !== undefined) {
      ctx.report('general-error', `Cannot specify label for IPv6 addresses (${addrWord}) - ignoring label`);
      delete a.label;
    }
    // keepalived's old defaults when preferred_lft is not given.
    if (!preferredLftSet) a.preferredLft = a.prefixLen === 128 ? 0 : 0xffffffff;
  }
  return a;
}
