/**
 * Production wiring for PacketAnnouncer: the frame sink over the native addon's AF_PACKET sockets,
 * and the facts about an interface that the announcer needs, read from sysfs / procfs of the
 * caller's network namespace.
 */
import type { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { parseMac } from './announce-frames.js';
import type { AnnounceInterface } from './announcer.js';
import { type RawSockAddon, rawsock } from './rawsock.js';

export interface PacketSender {
  /** Sends one whole Ethernet frame on `ifindex`; throws the addon's errno error (`code` set). */
  send(ifindex: number, frame: Buffer): void;
  /** Closes every socket; a later send opens a new one. Idempotent. */
  close(): void;
}

/** errno codes after which the socket's bound interface is gone: reopen on the next send. */
const DEVICE_GONE = new Set(['ENODEV', 'ENXIO']);

/**
 * One send-only AF_PACKET socket per ifindex, opened on first use (keepalived shares one socket
 * per kind; one per interface lets the addon bind it, so nothing is ever received on it).
 * `addon` is injectable for tests; by default the native addon is loaded on the first send.
 */
export function createPacketSender(
  addon: () => Pick<RawSockAddon, 'openPacket' | 'sendFrame' | 'close'> = rawsock,
): PacketSender {
  const fds = new Map<number, number>();
  const closeFd = (ifindex: number): void => {
    const fd = fds.get(ifindex);
    if (fd === undefined) return;
    fds.delete(ifindex);
    try {
      addon().close(fd);
    } catch {
      // Closing a socket cannot usefully fail; the fd is forgotten either way.
    }
  };
  return {
    send(ifindex, frame) {
      let fd = fds.get(ifindex);
      if (fd === undefined) {
        fd = addon().openPacket(ifindex);
        fds.set(ifindex, fd);
      }
      try {
        addon().sendFrame(fd, ifindex, frame);
      } catch (e: unknown) {
        const code = (e as { code?: unknown } | null)?.code;
        if (typeof code === 'string' && DEVICE_GONE.has(code)) closeFd(ifindex);
        throw e;
      }
    },
    close() {
      for (const ifindex of [...fds.keys()]) closeFd(ifindex);
    },
  };
}

/** IFF_NOARP from <linux/if.h>. */
const IFF_NOARP = 0x80;

/**
 * ifindex, MAC, NOARP and IPv6 forwarding (the NA Router flag, which keepalived reads from
 * net.ipv6.conf.IF.forwarding) of `ifname` in this namespace; undefined when it does not exist
 * or has no Ethernet-style address. `root` is for tests.
 */
export function interfaceFromSysfs(ifname: string, root = ''): AnnounceInterface | undefined {
  if (ifname === '' || ifname.includes('/') || ifname === '.' || ifname === '..') return undefined;
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(`${root}${path}`, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const ifindex = Number(read(`/sys/class/net/${ifname}/ifindex`));
  const mac = parseMac(read(`/sys/class/net/${ifname}/address`) ?? '');
  if (!Number.isInteger(ifindex) || ifindex <= 0 || mac === undefined) return undefined;
  const flags = Number.parseInt(read(`/sys/class/net/${ifname}/flags`) ?? '0', 16);
  const forwarding = read(`/proc/sys/net/ipv6/conf/${ifname}/forwarding`);
  return {
    ifindex,
    mac,
    name: ifname,
    noArp: (flags & IFF_NOARP) !== 0,
    ipv6Router: forwarding !== undefined && forwarding !== '0',
  };
}
