/**
 * RFC 1071 internet checksum, and the pseudo-headers that VRRPv3 (RFC 5798 §5.2.8) prepends:
 * RFC 768 / RFC 791 style for IPv4, RFC 8200 §8.1 for IPv6.
 */
import { Buffer } from 'node:buffer';
import type { IpAddr } from './ip.js';

/**
 * The ones'-complement checksum of the concatenation of `parts`, as it goes in the packet.
 * Parts may have odd lengths: bytes are paired across part boundaries as in one buffer.
 * Over data that already carries a correct checksum the result is 0 (RFC 1071 §1 (4)).
 */
export function internetChecksum(...parts: readonly Uint8Array[]): number {
  let sum = 0;
  let high = true; // whether the next byte is the high half of a 16-bit word
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      const b = part[i] ?? 0;
      sum += high ? b << 8 : b;
      high = !high;
    }
    // Fold now and then so `sum` stays far below 2^53 whatever the input size.
    sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** True when `parts` (which include the checksum field) sum to all ones. */
export function checksumIsValid(...parts: readonly Uint8Array[]): boolean {
  return internetChecksum(...parts) === 0;
}

/**
 * Pseudo-header for an upper-layer checksum. `src` and `dst` must be of one family; a mix is a
 * programming error, reported by returning undefined rather than by guessing.
 */
export function pseudoHeader(
  src: IpAddr,
  dst: IpAddr,
  protocol: number,
  upperLen: number,
): Buffer | undefined {
  if (src.family !== dst.family) return undefined;
  if (src.family === 4) {
    // src(4) dst(4) zero(1) protocol(1) length(2)
    const b = Buffer.alloc(12);
    src.bytes.copy(b, 0, 0, 4);
    dst.bytes.copy(b, 4, 0, 4);
    b[9] = protocol & 0xff;
    b.writeUInt16BE(upperLen & 0xffff, 10);
    return b;
  }
  // src(16) dst(16) upper-layer length(4) zero(3) next header(1)
  const b = Buffer.alloc(40);
  src.bytes.copy(b, 0, 0, 16);
  dst.bytes.copy(b, 16, 0, 16);
  b.writeUInt32BE(upperLen >>> 0, 32);
  b[39] = protocol & 0xff;
  return b;
}
