/**
 * VRRPv2 authentication (RFC 2338 §5.3.6, kept by keepalived although RFC 3768 dropped it):
 * the PASS key helper and IPSEC-AH exactly as keepalived 2.2.7 does it, so the two interoperate.
 *
 * keepalived's AH, read from vrrp.c (vrrp_build_ip4, vrrp_build_ipsecah, vrrp_update_pkt,
 * vrrp_in_chk_ipsecah):
 *  - the IPv4 header says protocol 51, TOS 0xc0, DF clear, a non-zero id (IP_HDRINCL would let
 *    the kernel overwrite an id of 0 after the ICV was computed);
 *  - a 24-byte AH (RFC 2402 §2) follows: next header 112, payload length 4, reserved 0,
 *    SPI = the IPv4 source address (as raw bytes), sequence number, 12 bytes of ICV;
 *  - then the VRRPv2 payload with auth type 2 and its 8 auth octets zero;
 *  - ICV = first 96 bits of HMAC-MD5(key, IP header || AH || VRRP) with, in the copy hashed,
 *    TOS, fragment field, header checksum and the ICV zeroed, and the TTL zeroed only for
 *    unicast peers (multicast adverts always carry TTL 255, so keepalived hashes it as is);
 *  - key = the 8-octet auth_pass field (truncated, zero padded);
 *  - on receipt: next header must be 112, ICV must match, then SPI must equal the source;
 *    the sequence-number replay check is stateful and belongs to the instance.
 */

import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../base/result.js';
import { buildIpv4Header, IPPROTO_AH, type Ipv4Header } from './ipv4-header.js';
import {
  type AdvertV2,
  type DropReason,
  decodePayload,
  encodeAdvert,
  IPPROTO_VRRP,
  parseAddrContext,
  VRRP_TTL,
  VRRP_V2_AUTH_LEN,
} from './packet.js';

/** RFC 2403 §2: HMAC-MD5-96 truncates the digest to 96 bits. */
export const AH_ICV_LEN = 12;
/** RFC 2402 §2: next header, payload length, reserved (2), SPI (4), sequence (4), ICV. */
export const AH_LEN = 12 + AH_ICV_LEN;
/** RFC 2402 §2.2: AH length in 32-bit words minus 2: (24 / 4) - 2. */
export const AH_PAYLOAD_LEN = AH_LEN / 4 - 2;
/** keepalived vrrp_build_ip4: TOS "internet network control". */
export const VRRP_TOS = 0xc0;

/**
 * keepalived's auth_data from an `auth_pass` string: its first 8 octets, zero padded. Both the
 * PASS field and the AH HMAC key are this value.
 */
export function authKeyFromPass(pass: string): Buffer {
  const key = Buffer.alloc(VRRP_V2_AUTH_LEN);
  Buffer.from(pass, 'utf8').copy(key, 0, 0, VRRP_V2_AUTH_LEN);
  return key;
}

export interface AhKeyContext {
  /** The 8-octet key, see authKeyFromPass. */
  readonly key: Buffer;
  /** keepalived zeroes the TTL in the ICV input only when sending to unicast peers. */
  readonly unicast: boolean;
}

export interface AhEncodeContext extends AhKeyContext {
  readonly srcAddr: string;
  readonly dstAddr: string;
  /** IPv4 identification, 1..65535: 0 would be replaced by the kernel after hashing. */
  readonly ipId: number;
  /** AH sequence number; keepalived's first advert carries 1. */
  readonly seq: number;
  /** Defaults to 255 (RFC 3768 §5.2.3); unicast peers may be configured otherwise. */
  readonly ttl?: number;
}

export interface AhFields {
  readonly spi: number;
  readonly seq: number;
}

/**
 * The whole IPv4 packet (IP header + AH + VRRP) of an AH-authenticated v2 advert, to send on a
 * raw socket with IP_HDRINCL. Throws RangeError on out-of-range fields, a caller's bug.
 */
export function encodeAhPacket(advert: AdvertV2, ctx: AhEncodeContext): Buffer {
  if (advert.authType !== 'ah') throw new RangeError('encodeAhPacket needs an advert with authType "ah"');
  if (!Number.isInteger(ctx.ipId) || ctx.ipId < 1 || ctx.ipId > 0xffff) {
    throw new RangeError(`IPv4 id ${ctx.ipId} is outside 1..65535`);
  }
  if (!Number.isInteger(ctx.seq) || ctx.seq < 0 || ctx.seq > 0xffffffff) {
    throw new RangeError(`AH sequence ${ctx.seq} is outside 0..2^32-1`);
  }
  const vrrp = encodeAdvert(advert, ctx);
  const addrs = parseAddrContext(ctx);
  if (addrs === undefined || addrs.src.family !== 4) throw new RangeError('AH needs IPv4 srcAddr/dstAddr');
  const ip = buildIpv4Header({
    tos: VRRP_TOS,
    id: ctx.ipId,
    ttl: ctx.ttl ?? VRRP_TTL,
    protocol: IPPROTO_AH,
    srcAddr: ctx.srcAddr,
    dstAddr: ctx.dstAddr,
    payloadLen: AH_LEN + vrrp.length,
  });
  const ah = Buffer.alloc(AH_LEN);
  ah[0] = IPPROTO_VRRP;
  ah[1] = AH_PAYLOAD_LEN;
  addrs.src.bytes.copy(ah, 4); // SPI = source address, keepalived's choice for a multicast SA
  ah.writeUInt32BE(ctx.seq, 8);
  const packet = Buffer.concat([ip, ah, vrrp]);
  computeIcv(packet, ip.length, ctx).copy(packet, ip.length + 12);
  return packet;
}

/**
 * Verifies and decodes the AH part of a received IPv4 packet whose header has been parsed
 * (the AH packets arm of decodeIpv4Packet). Never throws.
 */
export function decodeAhPayload(
  packet: Buffer,
  ip: Ipv4Header,
  ctx: AhKeyContext,
): Result<{ advert: AdvertV2; ah: AhFields }, DropReason> {
  const ahAt = ip.headerLen;
  if (packet.length < ahAt + AH_LEN) return err('too-short');
  // keepalived drops AH for other protocols silently: it is not a VRRP packet at all.
  if (packet[ahAt] !== IPPROTO_VRRP) return err('not-vrrp');
  if (packet[ahAt + 1] !== AH_PAYLOAD_LEN) return err('bad-auth-layout');
  const icv = packet.subarray(ahAt + 12, ahAt + AH_LEN);
  if (!timingSafeEqual(icv, computeIcv(packet, ahAt, ctx))) return err('bad-ah-icv');
  // After the ICV, as keepalived does: fields mean nothing until the packet is authentic.
  if (!packet.subarray(ahAt + 4, ahAt + 8).equals(packet.subarray(12, 16))) return err('bad-ah-spi');
  const addrs = parseAddrContext(ip);
  if (addrs === undefined) return err('bad-context');
  const r = decodePayload(packet.subarray(ahAt + AH_LEN), addrs.src, addrs.dst);
  if (!r.ok) return r;
  const advert = r.value;
  if (advert.version !== 2 || advert.authType !== 'ah') return err('bad-auth-layout');
  return ok({ advert, ah: { spi: packet.readUInt32BE(ahAt + 4), seq: packet.readUInt32BE(ahAt + 8) } });
}

/** HMAC-MD5-96 over the packet with the mutable fields and the ICV zeroed (in a copy). */
function computeIcv(packet: Buffer, ahAt: number, ctx: AhKeyContext): Buffer {
  const masked = Buffer.from(packet);
  masked[1] = 0; // TOS
  masked.writeUInt16BE(0, 6); // flags + fragment offset
  masked.writeUInt16BE(0, 10); // header checksum
  if (ctx.unicast) masked[8] = 0; // TTL
  masked.fill(0, ahAt + 12, ahAt + AH_LEN);
  return createHmac('md5', ctx.key).update(masked).digest().subarray(0, AH_ICV_LEN);
}
