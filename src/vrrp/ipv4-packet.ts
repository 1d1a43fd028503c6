/**
 * Decoding what a raw IPv4 socket delivers: the IP header, then either VRRP (protocol 112) or
 * AH + VRRP (protocol 51). IPv6 raw sockets deliver the payload alone: use decodeAdvert there.
 */
import type { Result } from '../base/result.js';
import { err, ok } from '../base/result.js';
import { type AhFields, type AhKeyContext, decodeAhPayload } from './auth.js';
import { IPPROTO_AH, parseIpv4Header } from './ipv4-header.js';
import { type Advert, type DropReason, decodeAdvert, IPPROTO_VRRP, toBuffer } from './packet.js';

export interface ReceivedAdvert {
  readonly advert: Advert;
  readonly srcAddr: string;
  readonly dstAddr: string;
  /** For the instance's TTL check (RFC 3768 §7.1, RFC 5798 §7.1). */
  readonly ttl: number;
  /** Present for AH packets; the instance checks `seq` against replay. */
  readonly ah?: AhFields;
}

export interface Ipv4DecodeOptions {
  /** Given when the instance uses AH; without it an AH packet is 'ah-not-configured'. */
  readonly ah?: AhKeyContext;
}

/** Never throws, whatever the bytes. */
export function decodeIpv4Packet(
  bytes: Uint8Array,
  opts: Ipv4DecodeOptions = {},
): Result<ReceivedAdvert, DropReason> {
  const packet = toBuffer(bytes);
  const h = parseIpv4Header(packet);
  if (!h.ok) return h;
  const ip = h.value;
  const where = { srcAddr: ip.srcAddr, dstAddr: ip.dstAddr, ttl: ip.ttl };
  if (ip.protocol === IPPROTO_VRRP) {
    const r = decodeAdvert(packet.subarray(ip.headerLen), ip);
    return r.ok ? ok({ advert: r.value, ...where }) : r;
  }
  if (ip.protocol !== IPPROTO_AH) return err('not-vrrp');
  if (opts.ah === undefined) return err('ah-not-configured');
  const r = decodeAhPayload(packet, ip, opts.ah);
  return r.ok ? ok({ advert: r.value.advert, ah: r.value.ah, ...where }) : r;
}
