/**
 * Interface state from the kernel as it changes: a netlink socket subscribed to RTMGRP_LINK
 * (keepalived's "netlink reflector"), decoding RTM_NEWLINK / RTM_DELLINK. An interface is
 * usable when it is up with carrier (IFF_UP and IFF_RUNNING), keepalived's IF_ISUP. With
 * onAddress, also RTMGRP_*_IFADDR for added addresses.
 */
import type { RawSockAddon } from './rawsock.js';
import { RTM, readU32, splitMessages } from './rtnetlink.js';
import { decodeLink } from './rtnetlink-link.js';

/** linux/rtnetlink.h: RTMGRP_LINK, the multicast group of link changes. */
const RTMGRP_LINK = 0x1;
/** RTMGRP_IPV4_IFADDR and RTMGRP_IPV6_IFADDR: address changes (only with onAddress). */
const RTMGRP_IFADDR = 0x10 | 0x100;
/** sizeof(struct ifaddrmsg): family, prefixlen, flags, scope (u8 each), ifa_index (u32). */
const IFADDRMSG_LEN = 8;
const NETLINK_ROUTE = 0;

export interface LinkEvent {
  readonly ifindex: number;
  readonly name: string;
  /** Up with carrier; false too when the link was deleted. */
  readonly usable: boolean;
}

export interface LinkMonitorOptions {
  readonly addon: RawSockAddon;
  readonly onLink: (event: LinkEvent) => void;
  /** An address was added on this interface (RTM_NEWADDR). */
  readonly onAddress?: (ifindex: number) => void;
  readonly log: (text: string) => void;
}

export class LinkMonitor {
  readonly #opts: LinkMonitorOptions;
  #fd: number | undefined;
  #stop: (() => void) | undefined;

  constructor(opts: LinkMonitorOptions) {
    this.#opts = opts;
  }

  start(): void {
    const { addon } = this.#opts;
    const fd = addon.netlinkOpen(NETLINK_ROUTE);
    this.#fd = fd;
    addon.netlinkBind(fd, RTMGRP_LINK | (this.#opts.onAddress === undefined ? 0 : RTMGRP_IFADDR));
    this.#stop = addon.netlinkStartReceive(fd, (error, datagrams) => {
      if (error) {
        // ENOBUFS: events were lost; the next change of each link reports its state again.
        this.#opts.log(`Netlink: link monitor receive error: ${error.message}`);
        return;
      }
      for (const d of datagrams) this.#datagram(d);
    });
  }

  #datagram(datagram: Buffer): void {
    for (const m of splitMessages(datagram).messages) {
      if (m.type === RTM.newAddr && this.#opts.onAddress !== undefined) {
        // Only ifaddrmsg's ifa_index: every VIP this daemon adds comes back here, so the rest
        // is not decoded.
        if (m.payload.length >= IFADDRMSG_LEN) this.#opts.onAddress(readU32(m.payload, 4));
        continue;
      }
      if (m.type !== RTM.newLink && m.type !== RTM.delLink) continue;
      const link = decodeLink(m);
      if (!link.ok) continue;
      const { ifindex, name, up, running } = link.value;
      this.#opts.onLink({ ifindex, name, usable: m.type === RTM.newLink && up && running });
    }
  }

  close(): void {
    this.#stop?.();
    this.#stop = undefined;
    if (this.#fd !== undefined) this.#opts.addon.close(this.#fd);
    this.#fd = undefined;
  }
}
