/**
 * The VRRP advertisement codec: RFC 3768 (VRRPv2) and RFC 5798 (VRRPv3), IPv4 and IPv6.
 * Bytes here are the VRRP payload, what follows the IP header on a raw IPPROTO 112 socket.
 *
 * Dumb codec, smart instance: decode checks only what makes a packet well formed (length,
 * version, type, counts, checksum, auth layout). VRID, priority, interval, VIP list, TTL and
 * passwords are the instance's business (validate.ts), since they need its configuration.
 * Only this module knows that v3 carries its interval in centiseconds, in 12 bits.
 */
import { Buffer } from 'node:buffer';
import { checksumIsValid, internetChecksum, pseudoHeader } from '../base/inet-checksum.js';
import { formatIp, type IpAddr, type IpFamily, parseIp } from '../base/ip.js';
import { err, ok, type Result } from '../base/result.js';

/** RFC 3768 §5.2.4 / RFC 5798 §5.1.1.4: the IP protocol number of VRRP. */
export const IPPROTO_VRRP = 112;
/** RFC 3768 §5.3.2 / RFC 5798 §5.2.2: the only packet type, ADVERTISEMENT. */
export const VRRP_TYPE_ADVERT = 1;
/** RFC 3768 §5.2.3 / RFC 5798 §5.1.1.3: TTL / hop limit a multicast advert must carry. */
export const VRRP_TTL = 255;
/** RFC 3768 §5.2.2 / RFC 5798 §5.1.1.2, §5.1.2.2: the advert destination groups. */
export const VRRP_GROUP_V4 = '224.0.0.18';
export const VRRP_GROUP_V6 = 'ff02::12';
/** Fixed header: version/type, VRID, priority, count, auth type + interval (v2) or interval (v3), checksum. */
export const VRRP_HEADER_LEN = 8;
/** RFC 3768 §5.3.10: eight octets of authentication data end every v2 packet. */
export const VRRP_V2_AUTH_LEN = 8;
/** RFC 3768 §5.3.5 / RFC 5798 §5.2.5: the address count is one octet. */
export const VRRP_MAX_ADDRS = 255;
/** RFC 3768 §5.3.7: the v2 interval is whole seconds in one octet. */
export const MAX_ADVER_INT_SEC = 255;
/** RFC 5798 §5.2.6: the v3 interval is centiseconds in 12 bits. */
export const MAX_ADVER_INT_CS = 0xfff;
/** RFC 3768 §5.3.6: authentication type codes. */
const AUTH_CODES = { none: 0, pass: 1, ah: 2 } as const;

export type VrrpVersion = 2 | 3;
/** RFC 3768 §5.3.6: 0 no authentication, 1 simple text password, 2 IP Authentication Header. */
export type AuthType = keyof typeof AUTH_CODES;

interface AdvertCommon {
  readonly vrid: number;
  readonly priority: number;
  /** The VIPs in wire order, as canonical text (RFC 5952 for IPv6). */
  readonly addresses: readonly string[];
}

/** RFC 3768. VRRPv2 exists for IPv4 only (keepalived refuses v2 with IPv6 too). */
export interface AdvertV2 extends AdvertCommon {
  readonly version: 2;
  readonly family: 4;
  readonly adverIntSec: number;
  readonly authType: AuthType;
  /** The 8-octet password field, present exactly when authType is 'pass' (zero padded). */
  readonly authData?: Buffer;
}

/** RFC 5798. No authentication: the v2 auth fields became reserved bits and a wider interval. */
export interface AdvertV3 extends AdvertCommon {
  readonly version: 3;
  readonly family: IpFamily;
  readonly adverIntCs: number;
}

export type Advert = AdvertV2 | AdvertV3;

/** Where the packet goes (encode) or came from (decode): the v3 checksum covers a pseudo-header. */
export interface AddrContext {
  readonly srcAddr: string;
  readonly dstAddr: string;
}

/**
 * Why a packet was dropped. One union for every layer of decoding, so drop counters can be
 * keyed by it. The order is the order of the checks.
 */
export const DropReasons = [
  /** The caller's srcAddr/dstAddr are not two addresses of one family (a bug, not the peer's). */
  'bad-context',
  /** Fewer bytes than the fixed header (or the IPv4 header) needs. */
  'too-short',
  /** IPv4 header: version is not 4 or header length below 20. */
  'bad-ip-header',
  /** IPv4 total length differs from the bytes received. */
  'ip-length-mismatch',
  /** IP protocol is neither VRRP nor AH, or AH protects something other than VRRP. */
  'not-vrrp',
  /** An AH packet arrived but no AH key was given: the instance is not configured for AH. */
  'ah-not-configured',
  /** Version nibble is not 2 or 3 (RFC 3768 §7.1, RFC 5798 §7.1). */
  'bad-version',
  /** Type nibble is not 1, ADVERTISEMENT (RFC 3768 §5.3.2, RFC 5798 §5.2.2). */
  'bad-type',
  /** A VRRPv2 advert over IPv6, which RFC 3768 does not define. */
  'v2-over-ipv6',
  /** VRRPv2 auth type other than 0, 1, 2 (RFC 3768 §5.3.6). */
  'bad-auth-type',
  /** The length is not header + count addresses (+ 8 auth octets for v2). */
  'count-mismatch',
  /** The internet checksum does not verify. */
  'bad-checksum',
  /** Auth type 2 without an AH header, an AH header around anything else, or an AH length other than HMAC-MD5-96's. */
  'bad-auth-layout',
  /** The AH SPI is not the sender's address, keepalived's convention for its multicast SA. */
  'bad-ah-spi',
  /** The AH HMAC-MD5-96 ICV does not match: wrong key or a modified packet. */
  'bad-ah-icv',
] as const;
export type DropReason = (typeof DropReasons)[number];

/** Milliseconds for the interval an advert carries, whatever its version. */
export function adverIntMs(advert: Advert): number {
  return advert.version === 2 ? advert.adverIntSec * 1000 : advert.adverIntCs * 10;
}

/** The v3 wire value for an interval; truncates to whole centiseconds as keepalived does. */
export function adverIntCsFromMs(ms: number): number {
  return Math.trunc(ms / 10);
}

/** The v2 wire value for an interval; truncates to whole seconds as keepalived does. */
export function adverIntSecFromMs(ms: number): number {
  return Math.trunc(ms / 1000);
}

/** Bytes of the VRRP payload for `count` addresses. */
export function advertLength(version: VrrpVersion, family: IpFamily, count: number): number {
  return VRRP_HEADER_LEN + count * addrLen(family) + (version === 2 ? VRRP_V2_AUTH_LEN : 0);
}

function addrLen(family: IpFamily): number {
  return family === 4 ? 4 : 16;
}

/** Both context addresses, parsed, when they share a family. */
export function parseAddrContext(ctx: AddrContext): { src: IpAddr; dst: IpAddr } | undefined {
  const src = parseIp(ctx.srcAddr);
  const dst = parseIp(ctx.dstAddr);
  if (!src.ok || !dst.ok || src.value.family !== dst.value.family) return undefined;
  return { src: src.value, dst: dst.value };
}

function checkByte(name: string, v: number, max = 255): void {
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new RangeError(`VRRP ${name} ${v} is outside 0..${max}`);
}

/**
 * The VRRP payload for `advert`, checksum included. `ctx` is the IP source and destination the
 * packet will carry; only v3 uses them (the pseudo-header, RFC 5798 §5.2.8).
 * Throws RangeError when a field does not fit its wire width: that is a caller's bug, whereas
 * decode, which reads the network, never throws.
 */
export function encodeAdvert(advert: Advert, ctx: AddrContext): Buffer {
  checkByte('vrid', advert.vrid);
  checkByte('priority', advert.priority);
  if (advert.addresses.length > VRRP_MAX_ADDRS) {
    throw new RangeError(
      `VRRP advert carries ${advert.addresses.length} addresses, at most ${VRRP_MAX_ADDRS}`,
    );
  }
  const { version, family } = advert;
  if (version === 2 && family !== 4) throw new RangeError('VRRPv2 is defined for IPv4 only');
  const buf = Buffer.alloc(advertLength(version, family, advert.addresses.length));
  buf[0] = (version << 4) | VRRP_TYPE_ADVERT;
  buf[1] = advert.vrid;
  buf[2] = advert.priority;
  buf[3] = advert.addresses.length;
  advert.addresses.forEach((text, i) => {
    const a = parseIp(text);
    if (!a.ok || a.value.family !== family) throw new RangeError(`"${text}" is not an IPv${family} address`);
    a.value.bytes.copy(buf, VRRP_HEADER_LEN + i * addrLen(family));
  });
  if (advert.version === 2) {
    checkByte('v2 advert interval (s)', advert.adverIntSec, MAX_ADVER_INT_SEC);
    buf[4] = AUTH_CODES[advert.authType];
    buf[5] = advert.adverIntSec;
    if (advert.authData !== undefined) {
      if (advert.authType !== 'pass') throw new RangeError('authData goes only with authType "pass"');
      if (advert.authData.length > VRRP_V2_AUTH_LEN)
        throw new RangeError('VRRPv2 password is at most 8 octets');
      advert.authData.copy(buf, buf.length - VRRP_V2_AUTH_LEN);
    }
    // RFC 3768 §5.3.8: over the VRRP message only, no pseudo-header.
    buf.writeUInt16BE(internetChecksum(buf), 6);
    return buf;
  }
  checkByte('v3 advert interval (cs)', advert.adverIntCs, MAX_ADVER_INT_CS);
  buf.writeUInt16BE(advert.adverIntCs, 4); // the top 4 bits are reserved, zero (RFC 5798 §5.2.6)
  const addrs = parseAddrContext(ctx);
  if (addrs === undefined || addrs.src.family !== family) {
    throw new RangeError(
      `srcAddr/dstAddr "${ctx.srcAddr}"/"${ctx.dstAddr}" are not two IPv${family} addresses`,
    );
  }
  const ph = pseudoHeader(addrs.src, addrs.dst, IPPROTO_VRRP, buf.length);
  buf.writeUInt16BE(internetChecksum(ph ?? Buffer.alloc(0), buf), 6);
  return buf;
}

/**
 * Reads a VRRP payload. The family is the one of `ctx.srcAddr`; `ctx` also feeds the v3
 * pseudo-header. Returns a DropReason for any malformed input and never throws.
 * Auth type 2 is refused here: such a payload is only valid behind an AH header (auth.ts).
 */
export function decodeAdvert(bytes: Uint8Array, ctx: AddrContext): Result<Advert, DropReason> {
  const addrs = parseAddrContext(ctx);
  if (addrs === undefined) return err('bad-context');
  const r = decodePayload(toBuffer(bytes), addrs.src, addrs.dst);
  if (r.ok && r.value.version === 2 && r.value.authType === 'ah') return err('bad-auth-layout');
  return r;
}

/** Internal to the codec: the shared decoder; decodeAdvert and the AH path (auth.ts) each add their view of auth type 2. */
export function decodePayload(buf: Buffer, src: IpAddr, dst: IpAddr): Result<Advert, DropReason> {
  if (buf.length < VRRP_HEADER_LEN) return err('too-short');
  const b0 = buf[0] ?? 0;
  const version = b0 >> 4;
  if (version !== 2 && version !== 3) return err('bad-version');
  if ((b0 & 0x0f) !== VRRP_TYPE_ADVERT) return err('bad-type');
  const family = src.family;
  if (version === 2 && family !== 4) return err('v2-over-ipv6');
  const authType = version === 2 ? authTypeOf(buf[4] ?? 0) : undefined;
  if (version === 2 && authType === undefined) return err('bad-auth-type');
  const count = buf[3] ?? 0;
  if (buf.length !== advertLength(version, family, count)) return err('count-mismatch');
  const ph = version === 3 ? pseudoHeader(src, dst, IPPROTO_VRRP, buf.length) : undefined;
  if (!checksumIsValid(ph ?? Buffer.alloc(0), buf)) return err('bad-checksum');
  const addresses: string[] = [];
  const step = addrLen(family);
  for (let i = 0; i < count; i++) {
    const at = VRRP_HEADER_LEN + i * step;
    addresses.push(formatIp(buf.subarray(at, at + step)));
  }
  const common = { vrid: buf[1] ?? 0, priority: buf[2] ?? 0, addresses };
  if (version === 3) {
    // RFC 5798 §5.2.6: the 4 reserved bits are ignored on reception.
    return ok({ version: 3, family, ...common, adverIntCs: buf.readUInt16BE(4) & MAX_ADVER_INT_CS });
  }
  const base = { version: 2, family: 4, ...common, adverIntSec: buf[5] ?? 0 } as const;
  if (authType === 'pass') {
    // A copy, so the advert does not pin the receive buffer.
    return ok({ ...base, authType, authData: Buffer.from(buf.subarray(buf.length - VRRP_V2_AUTH_LEN)) });
  }
  // RFC 3768 §5.3.10: for other types the auth data is ignored on reception.
  return ok({ ...base, authType: authType ?? 'none' });
}

function authTypeOf(code: number): AuthType | undefined {
  if (code === AUTH_CODES.none) return 'none';
  if (code === AUTH_CODES.pass) return 'pass';
  if (code === AUTH_CODES.ah) return 'ah';
  return undefined;
}

/** A Buffer view of any byte array, without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
