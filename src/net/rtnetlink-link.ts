/**
 * rtnetlink link messages (linux/if_link.h), pure: the RTM_GETLINK dump request and the
 * RTM_NEWLINK messages it returns, read into what the daemon needs of an interface: its index,
 * name, hardware address (the source of gratuitous ARPs), flags and MTU, its kind (macvlan and
 * its mode) and IPv4 settings (arp_ignore, arp_filter). The requests a VMAC needs (create,
 * update, delete a macvlan; up/down; IPv4 devconf; IPv6 address generation off) are in
 * rtnetlink-macvlan.ts.
 */
import { Buffer } from 'node:buffer';
import { err, ok, type Result } from '../base/result.js';
import {
  attrString,
  encodeAttrU32,
  encodeMessage,
  NLM_F,
  type NlMessage,
  parseAttrs,
  RTM,
  readU16,
  readU32,
} from './rtnetlink.js';

/** sizeof(struct ifinfomsg): family, pad, type (u16), index (i32), flags, change (u32). */
export const IFINFOMSG_LEN = 16;

/** Link attributes (enum IFLA_*). */
export const IFLA = {
  address: 1,
  broadcast: 2,
  ifname: 3,
  mtu: 4,
  link: 5,
  master: 10,
  operstate: 16,
  linkinfo: 18,
  afSpec: 26,
  extMask: 29,
} as const;

/** IFLA_LINKINFO's nested attributes (IFLA_INFO_*). */
export const IFLA_INFO = { kind: 1, data: 2 } as const;

/** IFLA_INFO_DATA of a macvlan (IFLA_MACVLAN_*). */
export const IFLA_MACVLAN_MODE = 1;

/** enum macvlan_mode: keepalived's VMACs are private (no traffic with sibling macvlans). */
export const MACVLAN_MODE = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 } as const;

/** Address families as IFLA_AF_SPEC nests them. */
export const AF_INET = 2;
export const AF_INET6 = 10;

/** IFLA_AF_SPEC / AF_INET: IFLA_INET_CONF, an array of u32 indexed by IPV4_DEVCONF_* - 1. */
export const IFLA_INET_CONF = 1;

/** IPv4 per-interface settings (linux/ip.h IPV4_DEVCONF_*), the ones a VMAC touches. */
export const IPV4_DEVCONF = {
  rpFilter: 8,
  arpFilter: 13,
  arpIgnore: 19,
  promoteSecondaries: 20,
  acceptLocal: 23,
} as const;

/** Interface flags (linux/if.h IFF_*). */
export const IFF = {
  up: 0x1,
  broadcast: 0x2,
  loopback: 0x8,
  pointopoint: 0x10,
  running: 0x40,
  noarp: 0x80,
  multicast: 0x1000,
  lowerUp: 0x10000,
} as const;

/** RTEXT_FILTER_SKIP_STATS: leave the counters out, a dump of many links stays small (as keepalived). */
const RTEXT_FILTER_SKIP_STATS = 1 << 3;

/** RTM_GETLINK dump of every link. */
export function encodeGetLinkDump(seq: number): Buffer {
  return encodeMessage({ type: RTM.getLink, flags: NLM_F.request | NLM_F.dump, seq }, [
    Buffer.alloc(IFINFOMSG_LEN),
    encodeAttrU32(IFLA.extMask, RTEXT_FILTER_SKIP_STATS),
  ]);
}

export interface LinkInfo {
  readonly ifindex: number;
  readonly name: string;
  /** ARPHRD_* (1 = Ethernet, 772 = loopback). */
  readonly type: number;
  /** IFF_* bits. */
  readonly flags: number;
  /** IFF_UP: administratively up. */
  readonly up: boolean;
  /** IFF_RUNNING: up with carrier (keepalived needs both for an interface to be usable). */
  readonly running: boolean;
  readonly mtu: number;
  /** The hardware address as `aa:bb:cc:dd:ee:ff`; absent for links without one. */
  readonly mac?: string;
  /** IFLA_LINK: the lower link of a veth / vlan / macvlan (the VMAC's parent). */
  readonly link?: number;
  /** IFLA_MASTER: the bridge or VRF it is enslaved to. */
  readonly master?: number;
  /** IFLA_INFO_KIND: "macvlan", "veth", "bridge"...; absent for plain devices. */
  readonly kind?: string;
  /** IFLA_MACVLAN_MODE of a macvlan (MACVLAN_MODE.*). */
  readonly macvlanMode?: number;
  /** The IPv4 devconf values (IPV4_DEVCONF_* -> value), when the kernel sent them. */
  readonly ipv4Conf?: ReadonlyMap<number, number>;
}

/** An RTM_NEWLINK message's content, or why it cannot be read. */
export function decodeLink(m: NlMessage): Result<LinkInfo, string> {
  if (m.type !== RTM.newLink && m.type !== RTM.delLink) return err(`message type ${m.type} is not a link`);
  const p = m.payload;
  if (p.length < IFINFOMSG_LEN) return err(`ifinfomsg of ${p.length} bytes`);
  const { attrs, malformed } = parseAttrs(p, IFINFOMSG_LEN);
  if (malformed) return err(`link attributes: ${malformed}`);
  const name = attrs.get(IFLA.ifname);
  if (name === undefined) return err('link without IFLA_IFNAME');
  const flags = readU32(p, 8);
  const u32 = (type: number): number | undefined => {
    const v = attrs.get(type);
    return v !== undefined && v.length >= 4 ? readU32(v, 0) : undefined;
  };
  const hw = attrs.get(IFLA.address);
  const link = u32(IFLA.link);
  const master = u32(IFLA.master);
  return ok({
    ifindex: readU32(p, 4),
    name: attrString(name),
    type: readU16(p, 2),
    flags,
    up: (flags & IFF.up) !== 0,
    running: (flags & IFF.running) !== 0,
    mtu: u32(IFLA.mtu) ?? 0,
    ...(hw !== undefined && hw.length > 0 && { mac: formatMac(hw) }),
    ...(link !== undefined && { link }),
    ...(master !== undefined && { master }),
    ...linkKind(attrs.get(IFLA.linkinfo)),
    ...ipv4ConfOf(attrs.get(IFLA.afSpec)),
  });
}

/** IFLA_LINKINFO: the kind and, for a macvlan, its mode. */
function linkKind(info: Buffer | undefined): { kind?: string; macvlanMode?: number } {
  if (info === undefined) return {};
  const { attrs } = parseAttrs(info, 0);
  const kind = attrs.get(IFLA_INFO.kind);
  if (kind === undefined) return {};
  const name = attrString(kind);
  const data = attrs.get(IFLA_INFO.data);
  if (name !== 'macvlan' || data === undefined) return { kind: name };
  const mode = parseAttrs(data, 0).attrs.get(IFLA_MACVLAN_MODE);
  return mode !== undefined && mode.length >= 4
    ? { kind: name, macvlanMode: readU32(mode, 0) }
    : { kind: name };
}

/** IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF: the interface's IPv4 settings. */
function ipv4ConfOf(spec: Buffer | undefined): { ipv4Conf?: ReadonlyMap<number, number> } {
  if (spec === undefined) return {};
  const inet = parseAttrs(spec, 0).attrs.get(AF_INET);
  if (inet === undefined) return {};
  const conf = parseAttrs(inet, 0).attrs.get(IFLA_INET_CONF);
  if (conf === undefined) return {};
  const values = new Map<number, number>();
  for (let i = 0; i + 4 <= conf.length; i += 4) values.set(i / 4 + 1, readU32(conf, i));
  return { ipv4Conf: values };
}

/** Lower-case hex octets joined by colons, as iproute2 prints them. */
export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}
