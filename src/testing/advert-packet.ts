/** A VRRP advert as the IPv4 packet a raw socket would hand over, for tests and fakes. */
import { Buffer } from 'node:buffer';
import { VRRP_TOS } from '../vrrp/auth.js';
import { buildIpv4Header } from '../vrrp/ipv4-header.js';
import { type Advert, encodeAdvert, IPPROTO_VRRP } from '../vrrp/packet.js';

export function ipv4AdvertPacket(
  advert: Advert,
  srcAddr: string,
  dstAddr: string,
  { id = 1, ttl = 255 }: { readonly id?: number; readonly ttl?: number } = {},
): Buffer {
  const payload = encodeAdvert(advert, { srcAddr, dstAddr });
  const header = buildIpv4Header({
    tos: VRRP_TOS,
    id,
    ttl,
    protocol: IPPROTO_VRRP,
    srcAddr,
    dstAddr,
    payloadLen: payload.length,
  });
  return Buffer.concat([header, payload]);
}
