/**
 * rtnetlink address messages (linux/if_addr.h), pure: RTM_NEWADDR / RTM_DELADDR requests,
 * the RTM_GETADDR dump request, and the RTM_NEWADDR messages a dump (or a monitor) returns.
 * Encoders take well-formed input (they are fed by our own code) and throw on a programming
 * error; the decoder takes kernel bytes and never throws.
 */
import { Buffer } from 'node:buffer';
import { formatIp, type IpFamily } from '../base/ip.js';
import { err, ok, type Result } from '../base/result.js';
import {
  attrString,
  encodeAttr,
  encodeAttrString,
  encodeAttrU32,
  encodeMessage,
  NLM_F,
  type NlMessage,
  parseAttrs,
  RTM,
  readU32,
  writeU32,
} from './rtnetlink.js';

export const AF_INET = 2;
export const AF_INET6 = 10;

/** sizeof(struct ifaddrmsg): family, prefixlen, flags, scope (u8 each), ifindex (u32). */
export const IFADDRMSG_LEN = 8;

/** Address attributes (enum IFA_*). */
export const IFA = {
  address: 1,
  local: 2,
  label: 3,
  broadcast: 4,
  anycast: 5,
  cacheinfo: 6,
  multicast: 7,
  flags: 8,
} as const;

/** IFA_F_* bits (linux/if_addr.h); the low 8 fit ifaddrmsg.ifa_flags, the rest need IFA_FLAGS. */
export const IFA_F = {
  secondary: 0x01,
  nodad: 0x02,
  optimistic: 0x04,
  dadfailed: 0x08,
  homeaddress: 0x10,
  deprecated: 0x20,
  tentative: 0x40,
  permanent: 0x80,
  managetempaddr: 0x100,
  noprefixroute: 0x200,
  mcautojoin: 0x400,
  stableprivacy: 0x800,
} as const;

/** rtm_scope / ifa_scope values (linux/rtnetlink.h enum rt_scope_t). */
export const RT_SCOPE = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;

/** The lifetime that never ends (INFINITY_LIFE_TIME). */
export const INFINITY_LIFE_TIME = 0xffffffff;

/** IFNAMSIZ - 1: the kernel silently cuts a longer IFA_LABEL. */
export const MAX_LABEL_BYTES = 15;

export interface AddrRequest {
  readonly family: IpFamily;
  readonly ifindex: number;
  readonly prefixLen: number;
  readonly scope: number;
  /** IFA_F_* bits; 0 when deleting. */
  readonly ifaFlags: number;
  /** IFA_LOCAL: the interface's own address (4 or 16 bytes). */
  readonly local: Uint8Array;
  /** IFA_ADDRESS: the peer of a point-to-point address, or the prefix address. */
  readonly address?: Uint8Array;
  /** IFA_BROADCAST (IPv4 only). */
  readonly broadcast?: Uint8Array;
  /** IFA_LABEL (IPv4 only in the kernel; at most 15 bytes). */
  readonly label?: string;
  /** IFA_CACHEINFO lifetimes; a preferred lifetime of 0 marks an IPv6 address deprecated. */
  readonly cacheInfo?: { readonly preferredSec: number; readonly validSec: number };
}

/** iproute2's `ip addr add` flags: create, and EEXIST rather than replace when present. */
export const NEWADDR_FLAGS = NLM_F.request | NLM_F.ack | NLM_F.create | NLM_F.excl;

/** RTM_NEWADDR for `req`. */
export function encodeNewAddr(req: AddrRequest, seq: number, flags: number = NEWADDR_FLAGS): Buffer {
  return encodeAddr(RTM.newAddr, req, seq, flags);
}

/** RTM_DELADDR for `req`: the kernel matches on IFA_LOCAL, prefix length and IFA_ADDRESS if given. */
export function encodeDelAddr(req: AddrRequest, seq: number): Buffer {
  return encodeAddr(RTM.delAddr, req, seq, NLM_F.request | NLM_F.ack);
}

/** RTM_GETADDR dump of every address of `family` (0 = both). */
export function encodeGetAddrDump(seq: number, family: 0 | IpFamily = 0): Buffer {
  const ifa = Buffer.alloc(IFADDRMSG_LEN);
  ifa[0] = family === 0 ? 0 : family === 4 ? AF_INET : AF_INET6;
  return encodeMessage({ type: RTM.getAddr, flags: NLM_F.request | NLM_F.dump, seq }, [ifa]);
}

function encodeAddr(type: number, req: AddrRequest, seq: number, flags: number): Buffer {
  const addrLen = req.family === 4 ? 4 : 16;
  const check = (what: string, a: Uint8Array | undefined): void => {
    if (a !== undefined && a.length !== addrLen) {
      throw new TypeError(`${what} is ${a.length} bytes, IPv${req.family} needs ${addrLen}`);
    }
  };
  check('local', req.local);
  check('address', req.address);
  check('broadcast', req.broadcast);
  if (req.prefixLen < 0 || req.prefixLen > addrLen * 8)
    throw new RangeError(`prefix length ${req.prefixLen}`);
  const ifa = Buffer.alloc(IFADDRMSG_LEN);
  ifa[0] = req.family === 4 ? AF_INET : AF_INET6;
  ifa[1] = req.prefixLen;
  // The low 8 flag bits go in the header (every kernel reads it); wider flags need IFA_FLAGS
  // (kernel 3.14+), which the kernel then prefers. iproute2 does the same.
  ifa[2] = req.ifaFlags & 0xff;
  ifa[3] = req.scope;
  writeU32(ifa, req.ifindex, 4);
  // Attribute order as iproute2 writes `ip addr add A brd B label L dev D`, so captures compare.
  const parts: Buffer[] = [ifa, encodeAttr(IFA.local, req.local)];
  if (req.broadcast) parts.push(encodeAttr(IFA.broadcast, req.broadcast));
  if (req.label !== undefined) parts.push(encodeAttrString(IFA.label, req.label));
  if (req.address) parts.push(encodeAttr(IFA.address, req.address));
  if (req.ifaFlags > 0xff) parts.push(encodeAttrU32(IFA.flags, req.ifaFlags));
  if (req.cacheInfo) {
    // struct ifa_cacheinfo: prefered, valid, cstamp, tstamp (the stamps are the kernel's).
    const ci = Buffer.alloc(16);
    writeU32(ci, req.cacheInfo.preferredSec, 0);
    writeU32(ci, req.cacheInfo.validSec, 4);
    parts.push(encodeAttr(IFA.cacheinfo, ci));
  }
  return encodeMessage({ type, flags, seq }, parts);
}

/** One address as the kernel reports it. */
export interface AddrInfo {
  readonly ifindex: number;
  readonly family: IpFamily;
  readonly prefixLen: number;
  readonly scope: number;
  /** IFA_FLAGS when present (it holds all 32 bits), else the header's 8. */
  readonly flags: number;
  /** The interface's own address: IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL (IPv6). */
  readonly local?: string;
  /** IFA_ADDRESS as sent: the peer of a point-to-point address, else the address itself. */
  readonly address?: string;
  readonly broadcast?: string;
  readonly label?: string;
  readonly preferredLftSec?: number;
  readonly validLftSec?: number;
}

/** An RTM_NEWADDR / RTM_DELADDR message's content, or why it cannot be read. */
export function decodeAddr(m: NlMessage): Result<AddrInfo, string> {
  if (m.type !== RTM.newAddr && m.type !== RTM.delAddr)
    return err(`message type ${m.type} is not an address`);
  const p = m.payload;
  if (p.length < IFADDRMSG_LEN) return err(`ifaddrmsg of ${p.length} bytes`);
  const af = p[0];
  const family: IpFamily | undefined = af === AF_INET ? 4 : af === AF_INET6 ? 6 : undefined;
  if (family === undefined) return err(`address family ${af}`);
  const { attrs, malformed } = parseAttrs(p, IFADDRMSG_LEN);
  if (malformed) return err(`address attributes: ${malformed}`);
  const addrLen = family === 4 ? 4 : 16;
  const ip = (type: number): string | undefined => {
    const v = attrs.get(type);
    return v !== undefined && v.length === addrLen ? formatIp(v) : undefined;
  };
  const flagsAttr = attrs.get(IFA.flags);
  const cache = attrs.get(IFA.cacheinfo);
  const label = attrs.get(IFA.label);
  const address = ip(IFA.address);
  const local = ip(IFA.local) ?? address;
  const broadcast = ip(IFA.broadcast);
  return ok({
    ifindex: readU32(p, 4),
    family,
    prefixLen: p[1] ?? 0,
    scope: p[3] ?? 0,
    flags: flagsAttr !== undefined && flagsAttr.length >= 4 ? readU32(flagsAttr, 0) : (p[2] ?? 0),
    ...(local !== undefined && { local }),
    ...(address !== undefined && { address }),
    ...(broadcast !== undefined && { broadcast }),
    ...(label !== undefined && { label: attrString(label) }),
    ...(cache !== undefined &&
      cache.length >= 8 && { preferredLftSec: readU32(cache, 0), validLftSec: readU32(cache, 4) }),
  });
}
