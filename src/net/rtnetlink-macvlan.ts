/**
 * rtnetlink requests for a VMAC (keepalived's use_vmac), pure: Buffer out, no I/O.
 *  - RTM_NEWLINK creating a macvlan in private mode on a base interface, with its own MAC
 *    (00:00:5e:00:01:VRID, RFC 5798 §7.3) and name, as `ip link add link eth0 name vrrp.51
 *    address 00:00:5e:00:01:33 type macvlan mode private` would;
 *  - RTM_NEWLINK updating an existing macvlan's MAC and mode; RTM_DELLINK;
 *  - RTM_NEWLINK setting IFF_UP on or off;
 *  - IPv4 per-interface settings (arp_ignore, arp_filter, ...) through IFLA_AF_SPEC, as
 *    keepalived does instead of writing /proc/sys;
 *  - IPv6 address generation off (IFLA_INET6_ADDR_GEN_MODE none): no EUI-64 link-local from
 *    the virtual MAC (RFC 5798 §7.4 wants adverts from the real link-local).
 * Every request asks for an ack (NetlinkRoute matches it by sequence number).
 */
import { Buffer } from 'node:buffer';
import {
  encodeAttr,
  encodeAttrString,
  encodeAttrU32,
  encodeMessage,
  NLM_F,
  RTM,
  writeI32,
  writeU32,
} from './rtnetlink.js';
import {
  AF_INET,
  AF_INET6,
  IFF,
  IFINFOMSG_LEN,
  IFLA,
  IFLA_INET_CONF,
  IFLA_INFO,
  IFLA_MACVLAN_MODE,
  MACVLAN_MODE,
} from './rtnetlink-link.js';

/** IFLA_INET6_ADDR_GEN_MODE (enum IFLA_INET6_*) and IN6_ADDR_GEN_MODE_NONE. */
const IFLA_INET6_ADDR_GEN_MODE = 8;
const IN6_ADDR_GEN_MODE_NONE = 1;

/** struct ifinfomsg: AF_UNSPEC, the index (0 = a new link), flags and the bits they change. */
function ifinfomsg(ifindex: number, flags = 0, change = 0): Buffer {
  const b = Buffer.alloc(IFINFOMSG_LEN);
  writeI32(b, ifindex, 4);
  writeU32(b, flags, 8);
  writeU32(b, change, 12);
  return b;
}

function nest(type: number, children: readonly Uint8Array[]): Buffer {
  return encodeAttr(type, Buffer.concat(children));
}

/** `aa:bb:cc:dd:ee:ff` as 6 bytes; throws on anything else (a programming error, not input). */
export function macBytes(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) {
    throw new RangeError(`"${mac}" is not a MAC address`);
  }
  return Buffer.from(parts.map((p) => Number.parseInt(p, 16)));
}

/** IFLA_LINKINFO { kind "macvlan", data { mode private } }. */
function macvlanInfo(): Buffer {
  return nest(IFLA.linkinfo, [
    encodeAttrString(IFLA_INFO.kind, 'macvlan'),
    nest(IFLA_INFO.data, [encodeAttrU32(IFLA_MACVLAN_MODE, MACVLAN_MODE.private)]),
  ]);
}

export interface NewMacvlan {
  readonly name: string;
  /** The base interface's index (IFLA_LINK). */
  readonly link: number;
  readonly mac: string;
}

/** Creates the macvlan; EEXIST when a link of that name exists (NLM_F_EXCL). */
export function encodeNewMacvlan(req: NewMacvlan, seq: number): Buffer {
  const flags = NLM_F.request | NLM_F.ack | NLM_F.create | NLM_F.excl;
  return encodeMessage({ type: RTM.newLink, flags, seq }, [
    ifinfomsg(0),
    macvlanInfo(),
    encodeAttrU32(IFLA.link, req.link),
    encodeAttrString(IFLA.ifname, req.name),
    encodeAttr(IFLA.address, macBytes(req.mac)),
  ]);
}

/** Gives an existing macvlan the MAC and the private mode (keepalived's "Update old VMAC"). */
export function encodeUpdateMacvlan(ifindex: number, mac: string, seq: number): Buffer {
  return encodeMessage({ type: RTM.newLink, flags: NLM_F.request | NLM_F.ack, seq }, [
    ifinfomsg(ifindex),
    macvlanInfo(),
    encodeAttr(IFLA.address, macBytes(mac)),
  ]);
}

export function encodeDelLink(ifindex: number, seq: number): Buffer {
  return encodeMessage({ type: RTM.delLink, flags: NLM_F.request | NLM_F.ack, seq }, [ifinfomsg(ifindex)]);
}

/** IFF_UP on or off, nothing else changed. */
export function encodeSetLinkUp(ifindex: number, up: boolean, seq: number): Buffer {
  return encodeMessage({ type: RTM.newLink, flags: NLM_F.request | NLM_F.ack, seq }, [
    ifinfomsg(ifindex, up ? IFF.up : 0, IFF.up),
  ]);
}

/** net.ipv4.conf.<if>.<setting> through IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF. */
export function encodeSetIpv4Conf(
  ifindex: number,
  settings: readonly (readonly [devconf: number, value: number])[],
  seq: number,
): Buffer {
  const conf = settings.map(([param, value]) => encodeAttrU32(param, value));
  return encodeMessage({ type: RTM.newLink, flags: NLM_F.request | NLM_F.ack, seq }, [
    ifinfomsg(ifindex),
    nest(IFLA.afSpec, [nest(AF_INET, [nest(IFLA_INET_CONF, conf)])]),
  ]);
}

/** No automatic IPv6 link-local: the kernel would derive one from the virtual MAC. */
export function encodeAddrGenModeNone(ifindex: number, seq: number): Buffer {
  return encodeMessage({ type: RTM.newLink, flags: NLM_F.request | NLM_F.ack, seq }, [
    ifinfomsg(ifindex),
    nest(IFLA.afSpec, [
      nest(AF_INET6, [encodeAttr(IFLA_INET6_ADDR_GEN_MODE, Buffer.from([IN6_ADDR_GEN_MODE_NONE]))]),
    ]),
  ]);
}
