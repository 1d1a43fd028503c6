/**
 * VipDetail: everything the kernel needs to add or remove one virtual address, and the policy
 * keepalived 2.2.7 follows when it turns one into a request (vrrp_ipaddress.c
 * netlink_ipaddress): NODAD for IPv6 unless `-nodad`, a preferred lifetime through
 * IFA_CACHEINFO, broadcast / label / flags only when adding. Pure.
 */
import { type IpFamily, parseIp } from '../base/ip.js';
import { err, ok, type Result } from '../base/result.js';
import type { IpAddressConfig } from '../config/model/vrrp-instance.js';
import { type AddrRequest, IFA_F, INFINITY_LIFE_TIME, MAX_LABEL_BYTES, RT_SCOPE } from './rtnetlink-addr.js';

export interface VipDetail {
  /** The interface the address goes on; 0 when it does not exist (nothing can be added). */
  readonly ifindex: number;
  /** The interface's name, for log lines only. */
  readonly ifname?: string;
  readonly family: IpFamily;
  /** The address, without prefix length. */
  readonly address: string;
  readonly prefixLen: number;
  /** IPv4 broadcast address (`brd`). */
  readonly broadcast?: string;
  /** rtnetlink scope: 0 global, 200 site, 253 link, 254 host. */
  readonly scope: number;
  /** `label` (IPv4; at most 15 bytes). */
  readonly label?: string;
  /** `peer`: the other end of a point-to-point address. */
  readonly peer?: string;
  /** IFA_F_* bits to set when adding, final (vipDetailFromConfig already added NODAD). */
  readonly ifaFlags: number;
  /** IPv6 preferred lifetime in seconds (0 = deprecated at once); absent = forever. */
  readonly preferredLftSec?: number;
}

/**
 * The detail for a virtual_ipaddress line of the config model on the interface `ifindex`.
 * keepalived sets IFA_F_NODAD on IPv6 VIPs unless the line says `-nodad`: a VRRP pair has its
 * own duplicate detection, and DAD would leave the VIP tentative (unusable) for a second, or
 * "dadfailed" for good after a transient split brain.
 */
export function vipDetailFromConfig(ip: IpAddressConfig, ifindex: number, ifname?: string): VipDetail {
  const nodad = ip.family === 6 && (ip.ifaFlagMask & IFA_F.nodad) === 0 ? IFA_F.nodad : 0;
  const preferred =
    ip.family === 6 && ip.preferredLft !== undefined && ip.preferredLft !== INFINITY_LIFE_TIME
      ? ip.preferredLft
      : undefined;
  return {
    ifindex,
    ...(ifname !== undefined && { ifname }),
    family: ip.family,
    address: ip.address,
    prefixLen: ip.prefixLen,
    ...(ip.family === 4 && ip.broadcast !== undefined && { broadcast: ip.broadcast }),
    scope: ip.scope,
    ...(ip.label !== undefined && { label: ip.label }),
    ...(ip.peer !== undefined && { peer: ip.peer }),
    ifaFlags: ip.ifaFlags | nodad,
    ...(preferred !== undefined && { preferredLftSec: preferred }),
  };
}

/** The request that adds (`add`) or removes (`del`) the address `d` describes. */
export function addrRequestFor(d: VipDetail, op: 'add' | 'del'): Result<AddrRequest, string> {
  const bytes = (what: string, text: string): Result<Buffer, string> => {
    const r = parseIp(text);
    if (!r.ok) return err(`${what} "${text}" is not an address`);
    if (r.value.family !== d.family) return err(`${what} "${text}" is not IPv${d.family}`);
    return ok(r.value.bytes);
  };
  const local = bytes('address', d.address);
  if (!local.ok) return local;
  const max = d.family === 4 ? 32 : 128;
  if (!Number.isInteger(d.prefixLen) || d.prefixLen < 0 || d.prefixLen > max) {
    return err(`prefix length ${d.prefixLen} is outside 0..${max}`);
  }
  const peer = d.peer === undefined ? undefined : bytes('peer', d.peer);
  if (peer !== undefined && !peer.ok) return peer;
  const base = {
    family: d.family,
    ifindex: d.ifindex,
    prefixLen: d.prefixLen,
    scope: d.scope,
    local: local.value,
  };
  if (op === 'del') {
    // The kernel deletes an IPv4 address only if IFA_ADDRESS matches it too (keepalived sends
    // the local address there, which misses a point-to-point address; its peer is what matches).
    if (d.family === 4) return ok({ ...base, ifaFlags: 0, address: peer?.value ?? local.value });
    return ok({ ...base, ifaFlags: 0 });
  }
  let broadcast: Buffer | undefined;
  if (d.broadcast !== undefined) {
    if (d.family === 6) return err('IPv6 has no broadcast address');
    const b = bytes('broadcast', d.broadcast);
    if (!b.ok) return b;
    broadcast = b.value;
  }
  if (d.label !== undefined && Buffer.byteLength(d.label) > MAX_LABEL_BYTES) {
    return err(`label "${d.label}" is longer than ${MAX_LABEL_BYTES} bytes`);
  }
  return ok({
    ...base,
    ifaFlags: d.ifaFlags >>> 0,
    ...(peer !== undefined && { address: peer.value }),
    ...(broadcast !== undefined && { broadcast }),
    ...(d.label !== undefined && { label: d.label }),
    // keepalived sends IFA_CACHEINFO for IPv6 only, and only for a finite preferred lifetime.
    ...(d.family === 6 &&
      d.preferredLftSec !== undefined && {
        cacheInfo: { preferredSec: d.preferredLftSec, validSec: INFINITY_LIFE_TIME },
      }),
  });
}

const SCOPE_NAMES: Readonly<Record<number, string>> = {
  [RT_SCOPE.universe]: 'global',
  [RT_SCOPE.site]: 'site',
  [RT_SCOPE.link]: 'link',
  [RT_SCOPE.host]: 'host',
  [RT_SCOPE.nowhere]: 'nowhere',
};

/** keepalived's layout of an address (format_ipaddress): `192.0.2.1/24 brd ... dev eth0 scope global`. */
export function describeVip(d: VipDetail): string {
  const full = d.family === 4 ? 32 : 128;
  let s = d.prefixLen === full ? d.address : `${d.address}/${d.prefixLen}`;
  if (d.broadcast !== undefined) s += ` brd ${d.broadcast}`;
  s += ` dev ${d.ifname ?? `#${d.ifindex}`} scope ${SCOPE_NAMES[d.scope] ?? String(d.scope)}`;
  if (d.label !== undefined) s += ` label ${d.label}`;
  if (d.peer !== undefined) s += ` peer ${d.peer}/${d.prefixLen}`;
  return s;
}
