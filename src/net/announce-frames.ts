/**
 * The two frames a new master sends so that its neighbours re-point the VIPs at its MAC, built
 * byte for byte as keepalived 2.2.7 builds them (checked against a capture of keepalived itself,
 * test/fixtures/announce/keepalived-capture.json):
 *  - gratuitous ARP (RFC 5227 §3 "ARP Announcement" shape, as keepalived's vrrp_arp.c sends it):
 *    an ARP *request* to the broadcast MAC whose sender and target protocol addresses are both the
 *    VIP and whose target hardware address is the broadcast address (not zeros as RFC 5227 has);
 *  - unsolicited neighbour advertisement (RFC 4861 §4.4, §7.2.6, as vrrp_ndisc.c sends it): from
 *    the VIP itself to ff02::1 (33:33:00:00:00:01), hop limit 255, Override set, Solicited clear,
 *    Router as the interface forwards, with a target link-layer address option.
 * Ethernet only (keepalived also has an InfiniBand GARP; we have no such links). Pure: Buffers in,
 * Buffers out. Frames are not padded to 60 bytes: keepalived leaves that to the NIC, and so do we.
 */
import { Buffer } from 'node:buffer';
import { internetChecksum, pseudoHeader } from '../base/inet-checksum.js';
import { type IpAddr, parseIpv4, parseIpv6 } from '../base/ip.js';

export const ETH_ALEN = 6;
export const ETH_HLEN = 14;
/** IEEE 802 EtherTypes. */
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
/** RFC 826 / IANA ARP parameters: hardware type Ethernet, opcode REQUEST. */
export const ARPHRD_ETHER = 1;
export const ARPOP_REQUEST = 1;
/** RFC 4443 §2.1 / RFC 4861 §4.4. */
export const IPPROTO_ICMPV6 = 58;
export const ICMPV6_NEIGHBOR_ADVERT = 136;
/** RFC 4861 §4.4 flag bits in the first octet after the checksum. */
export const NA_FLAG_ROUTER = 0x80;
export const NA_FLAG_SOLICITED = 0x40;
export const NA_FLAG_OVERRIDE = 0x20;
/** RFC 4861 §4.6.1: Target Link-Layer Address option, length in units of 8 octets. */
export const ND_OPT_TARGET_LINKADDR = 2;
/** RFC 4861 §7.1.2: receivers drop ND messages whose hop limit is not 255. */
export const ND_HOP_LIMIT = 255;

const BROADCAST_MAC = Buffer.alloc(ETH_ALEN, 0xff);
/** RFC 4291 §2.7.1 all-nodes multicast, RFC 2464 §7 maps it to 33:33 + its low 32 bits. */
const ALL_NODES: IpAddr = { family: 6, bytes: ipv6('ff02::1') };
const ALL_NODES_MAC = Buffer.from([0x33, 0x33, 0, 0, 0, 1]);

/** ARP over Ethernet: 8 fixed octets + 2 × (6 hardware + 4 protocol). */
export const GARP_FRAME_LEN = ETH_HLEN + 28;
/** ICMPv6 NA (24) + target link-layer option (8). */
const NA_LEN = 32;
export const NA_FRAME_LEN = ETH_HLEN + 40 + NA_LEN;

export interface NaOptions {
  /** RFC 4861 §4.4 R flag; keepalived sets it when net.ipv6.conf.IF.forwarding is on. */
  readonly router: boolean;
}

/** `aa:bb:cc:dd:ee:ff` (as in /sys/class/net/IF/address) to 6 bytes; undefined when it is not one. */
export function parseMac(text: string): Buffer | undefined {
  const m = /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i.exec(
    text.trim(),
  );
  return m ? Buffer.from(m.slice(1).join(''), 'hex') : undefined;
}

export function formatMac(mac: Uint8Array): string {
  return Buffer.from(mac)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1:');
}

/**
 * keepalived's gratuitous ARP for `ipv4` from `srcMac`: Ethernet broadcast, ARP request,
 * sender = (srcMac, ipv4), target = (ff:ff:ff:ff:ff:ff, ipv4). 42 bytes.
 * Throws RangeError on a MAC that is not 6 bytes or an address that is not IPv4 (callers pass
 * addresses they have already parsed; a bad one is a programming error).
 */
export function gratuitousArpFrame(srcMac: Uint8Array, ipv4: string): Buffer {
  checkMac(srcMac);
  const ip = parseIpv4(ipv4);
  if (!ip.ok) throw new RangeError(`gratuitousArpFrame: "${ipv4}" is not an IPv4 address`);
  const f = Buffer.alloc(GARP_FRAME_LEN);
  BROADCAST_MAC.copy(f, 0);
  f.set(srcMac, 6);
  f.writeUInt16BE(ETHERTYPE_ARP, 12);
  f.writeUInt16BE(ARPHRD_ETHER, 14);
  f.writeUInt16BE(ETHERTYPE_IPV4, 16);
  f[18] = ETH_ALEN;
  f[19] = 4;
  f.writeUInt16BE(ARPOP_REQUEST, 20);
  f.set(srcMac, 22); // sender hardware address
  ip.value.copy(f, 28); // sender protocol address
  BROADCAST_MAC.copy(f, 32); // target hardware address: keepalived copies the link broadcast here
  ip.value.copy(f, 38); // target protocol address = sender's: what makes it gratuitous
  return f;
}

/**
 * An unsolicited NA for `target` from `srcMac`, sent from `srcIpv6` to ff02::1. keepalived uses
 * the target (the VIP) itself as `srcIpv6`, as the Linux kernel does for its own addresses;
 * the announcer does the same. 86 bytes. Throws RangeError on bad arguments.
 */
export function unsolicitedNaFrame(
  srcMac: Uint8Array,
  srcIpv6: string,
  target: string,
  opts: NaOptions,
): Buffer {
  checkMac(srcMac);
  const src = ipv6(srcIpv6);
  const tgt = ipv6(target);
  // RFC 4861 §7.1.2: a multicast target is invalid; receivers would drop the advert.
  if (tgt[0] === 0xff) throw new RangeError(`unsolicitedNaFrame: target ${target} is multicast`);
  const f = Buffer.alloc(NA_FRAME_LEN);
  ALL_NODES_MAC.copy(f, 0);
  f.set(srcMac, 6);
  f.writeUInt16BE(ETHERTYPE_IPV6, 12);
  // IPv6 header (RFC 8200 §3): version 6, traffic class 0, flow label 0, as keepalived leaves them.
  const ip = ETH_HLEN;
  f.writeUInt32BE(0x60000000, ip);
  f.writeUInt16BE(NA_LEN, ip + 4);
  f[ip + 6] = IPPROTO_ICMPV6;
  f[ip + 7] = ND_HOP_LIMIT;
  src.copy(f, ip + 8);
  ALL_NODES.bytes.copy(f, ip + 24);
  // ICMPv6 Neighbor Advertisement (RFC 4861 §4.4). Solicited stays clear: §7.2.4 reserves it
  // for replies, and §7.1.2 makes receivers drop a multicast NA that has it.
  const na = ip + 40;
  f[na] = ICMPV6_NEIGHBOR_ADVERT;
  f[na + 1] = 0;
  f[na + 4] = NA_FLAG_OVERRIDE | (opts.router ? NA_FLAG_ROUTER : 0);
  tgt.copy(f, na + 8);
  f[na + 24] = ND_OPT_TARGET_LINKADDR;
  f[na + 25] = 1;
  f.set(srcMac, na + 26);
  const pseudo = pseudoHeader({ family: 6, bytes: src }, ALL_NODES, IPPROTO_ICMPV6, NA_LEN);
  if (pseudo === undefined) throw new Error('unreachable: both pseudo-header addresses are IPv6');
  f.writeUInt16BE(internetChecksum(pseudo, f.subarray(na)), na + 2);
  return f;
}

function checkMac(mac: Uint8Array): void {
  if (mac.length !== ETH_ALEN)
    throw new RangeError(`MAC address must be ${ETH_ALEN} bytes, got ${mac.length}`);
}

function ipv6(text: string): Buffer {
  const r = parseIpv6(text);
  if (!r.ok) throw new RangeError(`"${text}" is not an IPv6 address`);
  return r.value;
}
