/**
 * Socket addresses as the checker section reads and prints them (keepalived lib/utils.c
 * inet_stosockaddr, inet_sockaddrtotrio, sockstorage_equal).
 */
import { Buffer } from 'node:buffer';
import { formatIp, type IpFamily, parseIpv4, parseIpv6 } from '../../base/ip.js';
import { readUnsigned, type ValueReport } from '../values.js';

/** family 0 is keepalived's AF_UNSPEC: a group or fwmark service whose family is not known yet. */
export interface SockAddr {
  family: IpFamily | 0;
  bytes: Buffer;
  port: number;
}

export function unspecAddr(): SockAddr {
  return { family: 0, bytes: Buffer.allocUnsafe(4).fill(0), port: 0 };
}

/**
 * keepalived passes no port when it is absent or all zeros ("0", "00"), since its parser
 * rejects port 0 but old configs wrote it.
 */
export function meaningfulPort(port: string | undefined): string | undefined {
  return port !== undefined && /[^0]/.test(port) ? port : undefined;
}

/**
 * inet_stosockaddr: the family is IPv6 when the text has a colon anywhere; a `-range` or
 * `/mask` suffix is ignored; the port is read as a number in [1, 65535] (which reports).
 */
export function parseSockAddr(r: ValueReport, ip: string, port: string | undefined): SockAddr | undefined {
  const family: IpFamily = ip.includes(':') ? 6 : 4;
  let portNum = 0;
  if (port !== undefined) {
    const p = readUnsigned(r, port, 1, 65535, true);
    if (p === undefined) return undefined;
    portNum = p;
  }
  const cut = ip.indexOf('-') >= 0 ? ip.indexOf('-') : ip.indexOf('/');
  const text = cut >= 0 ? ip.slice(0, cut) : ip;
  const bytes = family === 6 ? parseIpv6(text) : parseIpv4(text);
  if (!bytes.ok) return undefined;
  return { family, bytes: bytes.value, port: portNum };
}

export function addrText(a: SockAddr): string {
  return a.family === 0 ? '0.0.0.0' : formatIp({ family: a.family, bytes: a.bytes });
}

/** `[addr]:proto:port`, keepalived's inet_sockaddrtotrio. */
export function formatTrio(a: SockAddr, proto: number): string {
  const p =
    proto === PROTO.tcp
      ? 'tcp'
      : proto === PROTO.udp
        ? 'udp'
        : proto === PROTO.sctp
          ? 'sctp'
          : proto === 0
            ? 'none'
            : '?';
  // inet_ntop fails for AF_UNSPEC (a `fwmark 0` service): keepalived prints nothing.
  return `[${a.family === 0 ? '' : addrText(a)}]:${p}:${a.port}`;
}

/** A string equal for two addresses exactly when sameSockAddr() holds. */
export function sockAddrKey(a: SockAddr): string {
  const b = a.bytes;
  const addr =
    b.length === 4
      ? String(
          (((b[0] as number) << 24) |
            ((b[1] as number) << 16) |
            ((b[2] as number) << 8) |
            (b[3] as number)) >>>
            0,
        )
      : b.toString('hex');
  return `${a.family}/${a.port}/${addr}`;
}

/** Address and port equality (sockstorage_equal). */
export function sameSockAddr(a: SockAddr, b: SockAddr): boolean {
  return a.family === b.family && a.port === b.port && a.bytes.equals(b.bytes);
}

export const PROTO = { tcp: 6, udp: 17, sctp: 132 } as const;
