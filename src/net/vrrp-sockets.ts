/**
 * The VRRP socket adapter: one raw protocol-112 socket per (family, interface), bound to the
 * device, joined to the multicast groups its instances use, receiving with recvmsg through the
 * addon's libuv poll (so source, destination, TTL and ifindex come with every packet), and
 * sending adverts built by the pure codec.
 *
 * IPv4 goes out with IP_HDRINCL, as keepalived's do: we write the header ourselves (TOS 0xc0,
 * an incrementing id, TTL 255 or unicast_ttl, the configured source), which AH needs anyway
 * since its ICV covers the header. IPv6 lets the kernel build the header and compute the
 * checksum (IPV6_CHECKSUM), with the socket bound to the instance's link-local source.
 */
import { authKeyFromPass, encodeAhPacket, VRRP_TOS } from '../vrrp/auth.js';
import type { RawRx } from '../vrrp/engine.js';
import { buildIpv4Header, IPPROTO_AH, setIpv4Id } from '../vrrp/ipv4-header.js';
import { type Advert, encodeAdvert, IPPROTO_VRRP } from '../vrrp/packet.js';
import type { AdvertTransport, SendAdvertEffect } from '../vrrp/ports.js';
import type { RawSockAddon } from './rawsock.js';

/** What the adapter needs to know of one instance. */
export interface SocketWiring {
  readonly name: string;
  readonly ifname: string;
  readonly ifindex: number;
  readonly family: 4 | 6;
  readonly destinations: readonly string[];
  readonly multicast: boolean;
  readonly srcAddr: string;
  readonly ttl: number;
  /** The AH key source (auth_pass) when the instance uses AH. */
  readonly ahPass?: string;
}

interface OpenSocket {
  readonly fd: number;
  readonly family: 4 | 6;
  readonly ifname: string;
  readonly ifindex: number;
  readonly groups: Set<string>;
  stop?: () => void;
}

interface InstanceTx {
  readonly wiring: SocketWiring;
  readonly socket: OpenSocket;
  /** The AH key, derived once from auth_pass; undefined without AH. */
  readonly ahKey: Buffer | undefined;
  /** IPv4 identification, 1..65535, per instance. */
  ipId: number;
  /** The last packet built per destination, reused while the advert is the same (see #packet). */
  readonly lastPacket: Map<string, { readonly advert: Advert; readonly packet: Buffer }>;
}

/**
 * Whether two adverts encode to the same bytes. The addresses are compared by identity: fsm.ts
 * hands out one frozen list per instance configuration, and a reload that changes the VIPs or
 * the auth data brings a new configuration, hence a new list.
 */
function sameAdvertBytes(a: Advert, b: Advert): boolean {
  if (a.addresses !== b.addresses || a.priority !== b.priority || a.vrid !== b.vrid) return false;
  if (a.version === 3) return b.version === 3 && a.adverIntCs === b.adverIntCs && a.family === b.family;
  return b.version === 2 && a.adverIntSec === b.adverIntSec && a.authType === b.authType;
}

const SEND_ERROR_LOG_INTERVAL_MS = 60_000;

export interface VrrpSocketsOptions {
  readonly addon: RawSockAddon;
  readonly onPacket: (rx: RawRx) => void;
  /** Errors worth an operator's attention; never thrown into the engine. */
  readonly log: (text: string) => void;
}

export class VrrpSockets implements AdvertTransport {
  readonly #opts: VrrpSocketsOptions;
  readonly #sockets = new Map<string, OpenSocket>();
  readonly #tx = new Map<string, InstanceTx>();
  #sendErrors = 0;
  readonly #lastSendErrorLogMs = new Map<string, number>();

  constructor(opts: VrrpSocketsOptions) {
    this.#opts = opts;
  }

  get sendErrors(): number {
    return this.#sendErrors;
  }

  /** Opens (or reuses) the socket of each instance and joins its group. Throws on failure: a daemon that cannot open its sockets must not pretend to run. */
  open(wirings: readonly SocketWiring[]): void {
    const { addon } = this.#opts;
    for (const w of wirings) {
      // AH adverts arrive as IP protocol 51: an AH instance needs a socket of that protocol
      // (keepalived opens one too); sending is the same, the header is ours.
      const protocol = w.ahPass === undefined ? IPPROTO_VRRP : IPPROTO_AH;
      const key = `${w.family}/${w.ifname}/${protocol}`;
      let s = this.#sockets.get(key);
      if (s === undefined) {
        const fd = addon.openRaw(w.family, protocol, w.ifname);
        s = { fd, family: w.family, ifname: w.ifname, ifindex: w.ifindex, groups: new Set() };
        this.#sockets.set(key, s);
        if (w.family === 4) addon.setHeaderIncluded(fd, 1);
        else addon.bindAddress(fd, 6, w.srcAddr);
        addon.setMulticastInterface(fd, w.family, w.ifindex, w.family === 4 ? w.srcAddr : null);
        const sock = s;
        s.stop = addon.startReceive(fd, w.family, (error, packets) => {
          if (error) {
            this.#opts.log(`VRRP socket on ${sock.ifname}: ${error.message}`);
            return;
          }
          for (const p of packets) {
            // A truncated packet cannot verify; the codec would count it as a length error.
            this.#opts.onPacket({
              family: sock.family,
              bytes: p.data,
              srcAddr: p.src,
              dstAddr: p.dst,
              ttl: p.ttl,
              ifindex: p.ifindex,
            });
          }
        });
      }
      if (w.multicast) {
        for (const group of w.destinations) {
          if (s.groups.has(group)) continue;
          addon.membership(s.fd, w.family, group, w.ifindex, true);
          s.groups.add(group);
        }
      }
      this.#tx.set(w.name, {
        wiring: w,
        socket: s,
        ahKey: w.ahPass === undefined ? undefined : authKeyFromPass(w.ahPass),
        ipId: 0,
        lastPacket: new Map(),
      });
    }
  }

  /**
   * Reload: the instances are now exactly `wirings`. Unchanged ones keep their socket and IP
   * id; changed and new ones are (re)opened as open() does; sockets and multicast groups no
   * instance uses any more are left and closed (keepalived closes an unused socket too).
   */
  sync(wirings: readonly SocketWiring[]): void {
    const names = new Set(wirings.map((w) => w.name));
    for (const name of this.#tx.keys()) if (!names.has(name)) this.#tx.delete(name);
    this.open(wirings.filter((w) => JSON.stringify(this.#tx.get(w.name)?.wiring) !== JSON.stringify(w)));
    const { addon } = this.#opts;
    for (const [key, s] of this.#sockets) {
      const users = [...this.#tx.values()].filter((t) => t.socket === s).map((t) => t.wiring);
      const groups = new Set(users.filter((w) => w.multicast).flatMap((w) => w.destinations));
      for (const group of [...s.groups].filter((g) => !groups.has(g))) {
        try {
          addon.membership(s.fd, s.family, group, s.ifindex, false);
        } catch {
          // The interface may be gone; the membership went with it.
        }
        s.groups.delete(group);
      }
      if (users.length > 0) continue;
      s.stop?.();
      addon.close(s.fd);
      this.#sockets.delete(key);
    }
  }

  sendAdvert(instance: string, effect: SendAdvertEffect): void {
    const tx = this.#tx.get(instance);
    if (tx === undefined) return;
    for (const dst of tx.wiring.destinations) {
      try {
        const packet = this.#packet(tx, effect, dst);
        this.#opts.addon.send(tx.socket.fd, tx.wiring.family, packet, dst, tx.wiring.ifindex);
      } catch (e) {
        this.#sendErrors++;
        this.#logSendError(instance, `(${instance}) Cant send advert to ${dst} (${(e as Error).message})`);
      }
    }
  }

  /** One line per instance per SEND_ERROR_LOG_INTERVAL_MS: a downed link fails every advert. */
  #logSendError(instance: string, text: string): void {
    const now = performance.now();
    const last = this.#lastSendErrorLogMs.get(instance);
    if (last !== undefined && now - last < SEND_ERROR_LOG_INTERVAL_MS) return;
    this.#lastSendErrorLogMs.set(instance, now);
    this.#opts.log(text);
  }

  /**
   * The bytes of one advert. A master sends the same advert every interval, so the packet built
   * last time is reused when the advert is unchanged; only the IPv4 identification (and with it
   * the header checksum) changes. AH packets carry a sequence number and are built every time.
   */
  #packet(tx: InstanceTx, effect: SendAdvertEffect, dst: string): Buffer {
    const w = tx.wiring;
    const advert = effect.advert;
    if (w.family === 4) tx.ipId = (tx.ipId % 0xffff) + 1;
    if (w.family === 4 && advert.version === 2 && advert.authType === 'ah' && tx.ahKey !== undefined) {
      return encodeAhPacket(advert, {
        srcAddr: w.srcAddr,
        dstAddr: dst,
        key: tx.ahKey,
        unicast: !w.multicast,
        ipId: tx.ipId,
        seq: effect.ahSeq ?? 1,
        ttl: w.ttl,
      });
    }
    const last = tx.lastPacket.get(dst);
    if (last !== undefined && sameAdvertBytes(last.advert, advert)) {
      if (w.family === 4) setIpv4Id(last.packet, tx.ipId);
      return last.packet;
    }
    const packet = this.#build(tx, advert, dst);
    tx.lastPacket.set(dst, { advert, packet });
    return packet;
  }

  #build(tx: InstanceTx, advert: Advert, dst: string): Buffer {
    const w = tx.wiring;
    const payload = encodeAdvert(advert, { srcAddr: w.srcAddr, dstAddr: dst });
    if (w.family === 6) return payload;
    const header = buildIpv4Header({
      tos: VRRP_TOS,
      id: tx.ipId,
      ttl: w.ttl,
      protocol: IPPROTO_VRRP,
      srcAddr: w.srcAddr,
      dstAddr: dst,
      payloadLen: payload.length,
    });
    return Buffer.concat([header, payload]);
  }

  /** Leaves the groups and closes every socket. Idempotent. */
  close(): void {
    const { addon } = this.#opts;
    for (const s of this.#sockets.values()) {
      s.stop?.();
      for (const group of s.groups) {
        try {
          addon.membership(s.fd, s.family, group, s.ifindex, false);
        } catch {
          // The interface may be gone; closing the socket drops the membership anyway.
        }
      }
      addon.close(s.fd);
    }
    this.#sockets.clear();
    this.#tx.clear();
  }
}
