/**
 * Addresses, routes and rules someone else deleted: a netlink socket on the IPv4 / IPv6
 * address, route and rule groups (keepalived's kernel reflection channel), passing each
 * RTM_DELADDR / RTM_DELROUTE / RTM_DELRULE on as a Deleted (rtnetlink-deleted.ts).
 * Notifications caused by our own requests carry our request socket's port id and are
 * skipped, as keepalived skips those of its command channel: only an operator's `ip addr del`
 * (or anything else outside the daemon) gets through.
 */
import type { RawSockAddon } from './rawsock.js';
import { splitMessages } from './rtnetlink.js';
import { type Deleted, decodeDeleted } from './rtnetlink-deleted.js';

const NETLINK_ROUTE = 0;
/** RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV4_RULE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE. */
const LEGACY_GROUPS = 0x10 | 0x40 | 0x80 | 0x100 | 0x400;
/** RTNLGRP_IPV6_RULE (19) has no RTMGRP_ constant; its bit in the bind mask. */
const IPV6_RULE_GROUP = 1 << (19 - 1);
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
/** Room for the notifications of a 1,000-VIP takeover, which arrive here too. */
const RCVBUF_BYTES = 4 * 1024 * 1024;

export interface DeletionMonitorOptions {
  readonly addon: RawSockAddon;
  /** The port id of the socket our own changes go out on (undefined: skip nothing). */
  readonly ownPortId: () => number | undefined;
  readonly onDeleted: (d: Deleted) => void;
  readonly log: (text: string) => void;
}

export class DeletionMonitor {
  readonly #opts: DeletionMonitorOptions;
  #fd: number | undefined;
  #stop: (() => void) | undefined;

  constructor(opts: DeletionMonitorOptions) {
    this.#opts = opts;
  }

  start(): void {
    const { addon } = this.#opts;
    const fd = addon.netlinkOpen(NETLINK_ROUTE);
    this.#fd = fd;
    try {
      addon.netlinkSetOption(fd, SOL_SOCKET, SO_RCVBUF, RCVBUF_BYTES);
    } catch {
      // The default buffer: a lost notification is logged below.
    }
    addon.netlinkBind(fd, LEGACY_GROUPS | IPV6_RULE_GROUP);
    this.#stop = addon.netlinkStartReceive(fd, (error, datagrams) => {
      if (error) {
        this.#opts.log(`Netlink: deletion monitor receive error: ${error.message}`);
        return;
      }
      for (const d of datagrams) this.#datagram(d);
    });
  }

  #datagram(datagram: Buffer): void {
    const own = this.#opts.ownPortId();
    for (const m of splitMessages(datagram).messages) {
      if (own !== undefined && own !== 0 && m.pid === own) continue;
      const d = decodeDeleted(m);
      if (d !== undefined) this.#opts.onDeleted(d);
    }
  }

  close(): void {
    this.#stop?.();
    this.#stop = undefined;
    if (this.#fd !== undefined) this.#opts.addon.close(this.#fd);
    this.#fd = undefined;
  }
}
