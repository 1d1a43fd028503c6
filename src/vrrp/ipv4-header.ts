/**
 * The little of IPv4 (RFC 791 §3.1) the VRRP core needs: a raw IPv4 socket hands us the IP
 * header, and AH (which covers that header) makes us build one for IP_HDRINCL.
 */
import { Buffer } from 'node:buffer';
import { internetChecksum } from '../base/inet-checksum.js';
import { formatIpv4, parseIpv4 } from '../base/ip.js';
import { err, ok, type Result } from '../base/result.js';
import type { DropReason } from './packet.js';

/** RFC 791 §3.1: a header without options is 5 words. */
export const IPV4_MIN_HEADER_LEN = 20;
/** RFC 4302 §2 (RFC 2402): IP protocol number of the Authentication Header. */
export const IPPROTO_AH = 51;

export interface Ipv4Header {
  /** Header length in bytes, options included (IHL * 4). */
  readonly headerLen: number;
  readonly tos: number;
  readonly totalLen: number;
  readonly id: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly srcAddr: string;
  readonly dstAddr: string;
}

/** Reads and length-checks the header of a received IPv4 packet. */
export function parseIpv4Header(buf: Buffer): Result<Ipv4Header, DropReason> {
  if (buf.length < IPV4_MIN_HEADER_LEN) return err('too-short');
  const b0 = buf[0] ?? 0;
  const headerLen = (b0 & 0x0f) * 4;
  if (b0 >> 4 !== 4 || headerLen < IPV4_MIN_HEADER_LEN) return err('bad-ip-header');
  if (buf.length < headerLen) return err('too-short');
  const totalLen = buf.readUInt16BE(2);
  // keepalived drops on any difference too ("ip_tot_len mismatch against received length").
  if (totalLen !== buf.length) return err('ip-length-mismatch');
  return ok({
    headerLen,
    tos: buf[1] ?? 0,
    totalLen,
    id: buf.readUInt16BE(4),
    ttl: buf[8] ?? 0,
    protocol: buf[9] ?? 0,
    srcAddr: formatIpv4(buf.subarray(12, 16)),
    dstAddr: formatIpv4(buf.subarray(16, 20)),
  });
}

export interface Ipv4HeaderFields {
  readonly tos: number;
  readonly id: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly srcAddr: string;
  readonly dstAddr: string;
  readonly payloadLen: number;
}

/**
 * A 20-byte header, DF clear, checksum filled in. Throws RangeError on a non-IPv4 address,
 * a caller's bug. The kernel rewrites the checksum under IP_HDRINCL anyway; filling it makes
 * the packet complete for captures and in-memory LANs.
 */
export function buildIpv4Header(f: Ipv4HeaderFields): Buffer {
  const src = parseIpv4(f.srcAddr);
  const dst = parseIpv4(f.dstAddr);
  if (!src.ok || !dst.ok)
    throw new RangeError(`"${f.srcAddr}" -> "${f.dstAddr}" is not an IPv4 address pair`);
  const h = Buffer.alloc(IPV4_MIN_HEADER_LEN);
  h[0] = 0x45;
  h[1] = f.tos;
  h.writeUInt16BE(IPV4_MIN_HEADER_LEN + f.payloadLen, 2);
  h.writeUInt16BE(f.id, 4);
  h[8] = f.ttl;
  h[9] = f.protocol;
  src.value.copy(h, 12);
  dst.value.copy(h, 16);
  h.writeUInt16BE(internetChecksum(h), 10);
  return h;
}

/**
 * Rewrites the identification of a packet that starts with a header built above, and its
 * checksum, in place: a reused advert differs from the last one only there.
 */
export function setIpv4Id(packet: Buffer, id: number): void {
  packet.writeUInt16BE(id, 4);
  packet.writeUInt16BE(0, 10);
  packet.writeUInt16BE(internetChecksum(packet.subarray(0, IPV4_MIN_HEADER_LEN)), 10);
}
