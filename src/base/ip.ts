/**
 * IPv4 / IPv6 text <-> bytes, pure and total: every parser returns a Result, so addresses from
 * config files and from the wire can be handled without try/catch.
 * Formatting follows RFC 5952 (canonical IPv6 text), parsing accepts RFC 4291 §2.2 forms.
 */
import { Buffer } from 'node:buffer';
import { err, ok, type Result } from './result.js';

export type IpFamily = 4 | 6;

/** An address in network byte order: 4 bytes for IPv4, 16 for IPv6. */
export interface IpAddr {
  readonly family: IpFamily;
  readonly bytes: Buffer;
}

export interface IpPrefix {
  readonly addr: IpAddr;
  /** 0..32 for IPv4, 0..128 for IPv6. Host bits may be set (a VIP is `192.0.2.1/24`). */
  readonly prefixLen: number;
}

export type IpParseError = 'empty' | 'bad-ipv4' | 'bad-ipv6' | 'bad-prefix-len';

export const IPV4_LEN = 4;
export const IPV6_LEN = 16;

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * Dotted quad only. Leading zeros are refused as glibc's inet_pton refuses them: "010" would be
 * octal to inet_aton and decimal to others, and an address must not mean two things.
 */
export function parseIpv4(text: string): Result<Buffer, IpParseError> {
  if (text === '') return err('empty');
  // One loop over the characters, no match array or substrings: a config reads thousands.
  let o0 = 0;
  let o1 = 0;
  let o2 = 0;
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // At most three digits, and no leading zero.
      if (digits === 3 || (digits === 1 && value === 0)) return err('bad-ipv4');
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && part < 3 && value <= 255) {
      if (part === 0) o0 = value;
      else if (part === 1) o1 = value;
      else o2 = value;
      part++;
      value = 0;
      digits = 0;
    } else return err('bad-ipv4');
  }
  if (part !== 3 || digits === 0 || value > 255) return err('bad-ipv4');
  // From Node's shared pool: a buffer of its own per address is slow to make by the thousand.
  const out = Buffer.allocUnsafe(IPV4_LEN);
  out[0] = o0;
  out[1] = o1;
  out[2] = o2;
  out[3] = value;
  return ok(out);
}

/** RFC 4291 §2.2: hex groups, at most one `::`, optionally a dotted quad in the last 32 bits. */
export function parseIpv6(text: string): Result<Buffer, IpParseError> {
  if (text === '') return err('empty');
  const halves = text.split('::');
  if (halves.length > 2) return err('bad-ipv6');
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return err('bad-ipv6');
  const groups = halves.length === 2 ? tail : head;
  // A dotted quad may only be the very last piece of the address.
  const last = groups[groups.length - 1];
  let v4: Buffer | undefined;
  if (last?.includes('.')) {
    const r = parseIpv4(last);
    if (!r.ok) return err('bad-ipv6');
    v4 = r.value;
    groups.pop();
  }
  const words = [...(halves.length === 2 ? head : []), ...groups];
  for (const w of words) if (!HEX_GROUP.test(w)) return err('bad-ipv6');
  const used = words.length + (v4 ? 2 : 0);
  if (halves.length === 2 ? used > 7 : used !== 8) return err('bad-ipv6');
  const out = Buffer.allocUnsafe(IPV6_LEN).fill(0);
  const headWords = halves.length === 2 ? head.length : words.length;
  for (let i = 0; i < headWords; i++) out.writeUInt16BE(Number.parseInt(words[i] ?? '0', 16), i * 2);
  const tailWords = words.slice(headWords);
  const tailStart = IPV6_LEN - (v4 ? 4 : 0) - tailWords.length * 2;
  tailWords.forEach((w, i) => {
    out.writeUInt16BE(Number.parseInt(w, 16), tailStart + i * 2);
  });
  if (v4) v4.copy(out, 12);
  return ok(out);
}

/** Splits `a:b:c` into groups; `''` (an empty side of `::`) is no groups; `a::` leaves `''` groups out. */
function groupsOf(side: string): string[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  return parts.some((p) => p === '') ? undefined : parts;
}

/** Family by syntax alone: a colon means IPv6 (even `::ffff:1.2.3.4`), else IPv4. */
export function parseIp(text: string): Result<IpAddr, IpParseError> {
  if (text === '') return err('empty');
  if (text.includes(':')) {
    const r = parseIpv6(text);
    return r.ok ? ok({ family: 6, bytes: r.value }) : r;
  }
  const r = parseIpv4(text);
  return r.ok ? ok({ family: 4, bytes: r.value }) : r;
}

/** The family of a valid address, or undefined when `text` is not one. */
export function ipFamily(text: string): IpFamily | undefined {
  const r = parseIp(text);
  return r.ok ? r.value.family : undefined;
}

/** `A/len`; a bare address is a host prefix (/32 or /128), as keepalived reads a VIP. */
export function parsePrefix(text: string): Result<IpPrefix, IpParseError> {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseIp(addrText);
  if (!addr.ok) return addr;
  const max = addr.value.family === 4 ? 32 : 128;
  if (slash < 0) return ok({ addr: addr.value, prefixLen: max });
  const lenText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText)) return err('bad-prefix-len');
  const prefixLen = Number(lenText);
  if (prefixLen > max) return err('bad-prefix-len');
  return ok({ addr: addr.value, prefixLen });
}

export function formatIpv4(bytes: Uint8Array): string {
  return `${bytes[0] ?? 0}.${bytes[1] ?? 0}.${bytes[2] ?? 0}.${bytes[3] ?? 0}`;
}

/** `::ffff:0:0/96` (RFC 4291 §2.5.5.2). */
export function isIpv4Mapped(bytes: Uint8Array): boolean {
  if (bytes.length !== IPV6_LEN) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * RFC 5952 §4: lowercase, no leading zeros, the longest run (first on a tie) of two or more
 * zero groups becomes `::`; §5: IPv4-mapped addresses end in a dotted quad.
 */
export function formatIpv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0));
  if (isIpv4Mapped(bytes)) return `::ffff:${formatIpv4(bytes.subarray(12))}`;
  let bestStart = -1;
  let bestLen = 1; // a single zero group is never compressed (RFC 5952 §4.2.2)
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** Formats 4 or 16 bytes by their length. */
export function formatIp(addr: IpAddr | Uint8Array): string {
  const bytes = addr instanceof Uint8Array ? addr : addr.bytes;
  return bytes.length === IPV4_LEN ? formatIpv4(bytes) : formatIpv6(bytes);
}

/** The canonical text of an address (`2001:DB8:0::1` -> `2001:db8::1`). */
export function canonicalIp(text: string): Result<string, IpParseError> {
  const r = parseIp(text);
  return r.ok ? ok(formatIp(r.value)) : r;
}

export function formatPrefix(p: IpPrefix): string {
  return `${formatIp(p.addr)}/${p.prefixLen}`;
}
