/**
 * Typed access to the native addon (native/src/rawsock.c, native/src/netlink.c): raw IP sockets
 * received with their metadata, multicast membership, AF_PACKET frames, netlink sockets and
 * syslog(3). The only module that loads it.
 */
import { createRequire } from 'node:module';

export interface RawPacket {
  /** IPv4: the whole IP packet (header included); IPv6: the payload only. */
  readonly data: Buffer;
  readonly src: string;
  readonly dst: string;
  /** TTL (IPv4) or hop limit (IPv6) as received; -1 when the kernel gave none. */
  readonly ttl: number;
  readonly ifindex: number;
  /** 1 when the packet was larger than the receive buffer. */
  readonly truncated: number;
}

export interface RawSockAddon {
  openRaw(family: 4 | 6, protocol: number, ifname?: string | null): number;
  setHeaderIncluded(fd: number, on: 0 | 1): void;
  membership(fd: number, family: 4 | 6, group: string, ifindex: number, join: boolean): void;
  setMulticastInterface(fd: number, family: 4 | 6, ifindex: number, src?: string | null): void;
  bindAddress(fd: number, family: 4 | 6, address: string): void;
  send(fd: number, family: 4 | 6, payload: Buffer, dst: string, ifindex?: number): number;
  /** Calls back with batches of packets as the socket becomes readable; returns stop(). */
  startReceive(fd: number, family: 4 | 6, cb: (err: Error | null, packets: RawPacket[]) => void): () => void;
  openPacket(ifindex: number): number;
  sendFrame(fd: number, ifindex: number, frame: Buffer): number;
  close(fd: number): void;
  /** An AF_NETLINK socket, non-blocking; `protocol` 0 is NETLINK_ROUTE. Close it with close(). */
  netlinkOpen(protocol: number): number;
  /** Binds to the multicast `groups` (a bit mask; 0 for none) and returns the kernel-chosen port id. */
  netlinkBind(fd: number, groups: number): number;
  /** setsockopt(fd, level, name, int value): SO_RCVBUF, NETLINK_EXT_ACK, NETLINK_CAP_ACK... */
  netlinkSetOption(fd: number, level: number, name: number, value: number): void;
  /** Sends one datagram (one or more netlink messages) to the kernel; returns the bytes sent. */
  netlinkSend(fd: number, message: Buffer): number;
  /**
   * Calls back with batches of whole datagrams from the kernel as the socket becomes readable
   * (datagrams from other ports are dropped); `err` carries ENOBUFS / EMSGSIZE with no loss of the
   * socket. Returns stop().
   */
  netlinkStartReceive(fd: number, cb: (err: Error | null, datagrams: Buffer[]) => void): () => void;
  /**
   * syslog(3) under `ident` (openlog'ed when it changes, with LOG_PID as keepalived):
   * `facility` is the shifted LOG_* code (LOG_DAEMON = 24), `priority` 0..7 (LOG_EMERG..LOG_DEBUG).
   */
  syslog(facility: number, priority: number, ident: string, message: string): void;
  /**
   * Calls `cb(signum)` on each delivery of `signum` (any number, real-time ones included, which
   * process.on() cannot name), through libuv on the calling thread's loop; never keeps the
   * process alive.
   */
  onSignal(signum: number, cb: (signum: number) => void): void;
  /** This libc's SIGRTMIN and SIGRTMAX. */
  realtimeSignals(): { min: number; max: number };
  // Scheduling (native/src/thread_sched.c): each returns 0 or the errno it failed with.
  /** setpriority() on the calling thread. */
  setThreadNice(nice: number): number;
  /** SCHED_RR at `priority` for the calling thread (reset in forked children); 0: SCHED_OTHER. */
  setThreadRealtime(priority: number): number;
  /** The calling thread runs only on `cpus`. */
  setThreadAffinity(cpus: readonly number[]): number;
  /** mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT). */
  lockMemory(): number;
  /** sched_get_priority_min/max(SCHED_RR). */
  realtimePriorityRange(): { min: number; max: number };
  /** strerror(errno). */
  errorText(errno: number): string;
}

let loaded: RawSockAddon | undefined;

/** Loads build/Release/rawsock.node (built by `npm ci`). */
export function rawsock(): RawSockAddon {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = require('../../../build/Release/rawsock.node') as RawSockAddon;
  }
  return loaded;
}
