/**
 * The VipManager port (src/vrrp/ports.ts) over rtnetlink: VIPs are added and removed with
 * RTM_NEWADDR / RTM_DELADDR on one netlink socket, never by spawning `ip`.
 *  - addVips / delVips return at once; their requests join NetlinkRoute's queue in call order,
 *    and the kernel applies them in that order (FIFO across calls and instances);
 *  - like keepalived, adding an address that is there (EEXIST) and removing one that is not
 *    (EADDRNOTAVAIL, ENOENT, or ENODEV: its interface is gone) are successes, not errors;
 *  - failures are logged through `log` in keepalived's words and never thrown at the caller;
 *  - flush() waits for everything queued (shutdown must know its VIPs are gone before exit).
 * The manager keeps no record of what it added: the core decides when VIPs come and go, and
 * removeStale() cleans what a crashed earlier run left behind.
 */
import { constants as osConstants } from 'node:os';
import type { VipManager, VipsEffect } from '../vrrp/ports.js';
import { errnoText, NetlinkError, NetlinkRoute, type NetlinkRouteOptions, rtmName } from './netlink-route.js';
import { addrRequestFor, describeVip, type VipDetail } from './netlink-vip-detail.js';
import { RTM } from './rtnetlink.js';
import { type AddrInfo, encodeDelAddr, encodeNewAddr } from './rtnetlink-addr.js';

export type { VipDetail } from './netlink-vip-detail.js';

export interface NetlinkVipsOptions {
  /** The detail of one VIP string (`addr` or `addr/len`) of `instance`; undefined if unknown. */
  readonly resolve: (instance: string, vip: string) => VipDetail | undefined;
  /** One log line per failure, keepalived's wording. */
  readonly log: (text: string) => void;
  /** The kernel refused to add a VIP of `instance` (after the log line); not for EEXIST. */
  readonly onRefused?: (instance: string, vip: string) => void;
  /** A client to share (the daemon's socket); without one the manager opens and owns its own. */
  readonly route?: NetlinkRoute;
  /** For the manager's own client. */
  readonly routeOptions?: Omit<NetlinkRouteOptions, 'log'>;
}

/** What became of one request. */
type Outcome = 'changed' | 'unchanged' | 'failed';

const E = osConstants.errno;
/** Removing an address that is not there: it is already as wanted. */
const ABSENT = new Set<number>([E.EADDRNOTAVAIL, E.ENOENT, E.ENODEV]);

export class NetlinkVipManager implements VipManager {
  readonly #resolve: NetlinkVipsOptions['resolve'];
  readonly #log: (text: string) => void;
  readonly #route: NetlinkRoute;
  readonly #ownsRoute: boolean;
  readonly #onRefused: ((instance: string, vip: string) => void) | undefined;
  #outstanding = 0;
  #idle: (() => void)[] = [];
  #closed = false;

  constructor(opts: NetlinkVipsOptions) {
    this.#resolve = opts.resolve;
    this.#log = (text) => {
      try {
        opts.log(text);
      } catch {
        // A failing logger must not turn into an unhandled rejection that ends the daemon.
      }
    };
    this.#onRefused = opts.onRefused;
    this.#ownsRoute = opts.route === undefined;
    this.#route = opts.route ?? new NetlinkRoute({ ...opts.routeOptions, log: this.#log });
  }

  /** Adds the VIPs, then the excluded VIPs (keepalived's order). */
  addVips(instance: string, effect: VipsEffect): void {
    // TODO(no_accept): effect.blockIncoming asks for firewall rules that drop traffic to the VIPs
    // while they are ours (keepalived's vrrp_handle_accept_mode); not done here yet.
    for (const vip of [...effect.vips, ...effect.excludedVips]) {
      const d = this.#detail(instance, vip);
      if (d === null) continue;
      if (d === undefined || d.ifindex === 0) {
        this.#log(`(${instance}) Not adding address ${vip} since interface doesn't exist`);
        continue;
      }
      void this.#apply('add', d, `(${instance}) adding`).then((o) => {
        if (o === 'failed' && !this.#closed) this.#onRefused?.(instance, vip);
      });
    }
  }

  /** Removes the VIPs, then the excluded VIPs. */
  delVips(instance: string, effect: VipsEffect): void {
    // TODO(no_accept): remove the blockIncoming drop rules here once addVips sets them.
    for (const vip of [...effect.vips, ...effect.excludedVips]) {
      const d = this.#detail(instance, vip);
      // keepalived: an interface that has gone took its addresses with it, nothing to remove.
      if (d === null || d === undefined || d.ifindex === 0) continue;
      void this.#apply('del', d, `(${instance}) removing`);
    }
  }

  /** Resolves when every request queued so far has been answered (or has failed). */
  flush(): Promise<void> {
    if (this.#outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Removes these addresses where present: at start, so that VIPs a crashed earlier run left
   * behind cannot answer for a master elsewhere. Resolves with how many were there.
   */
  async removeStale(details: readonly VipDetail[]): Promise<number> {
    const outcomes = await Promise.all(
      details.filter((d) => d.ifindex !== 0).map((d) => this.#apply('del', d, 'removing stale')),
    );
    return outcomes.filter((o) => o === 'changed').length;
  }

  /** The kernel's addresses, of one interface or all. */
  async listAddresses(ifindex?: number): Promise<AddrInfo[]> {
    const all = await this.#route.listAddresses();
    return ifindex === undefined ? all : all.filter((a) => a.ifindex === ifindex);
  }

  /** Stops: requests still queued fail silently; a shared route stays open. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsRoute) this.#route.close();
  }

  /** The resolver's answer; null (logged) when it threw, so one bad VIP cannot stop the rest. */
  #detail(instance: string, vip: string): VipDetail | undefined | null {
    try {
      return this.#resolve(instance, vip);
    } catch (e) {
      this.#log(`(${instance}) cannot resolve address ${vip}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }

  #apply(op: 'add' | 'del', d: VipDetail, what: string): Promise<Outcome> {
    const context = `${what} ${describeVip(d)}`;
    if (this.#closed) {
      this.#log(`Netlink: not ${context}: the VIP manager is closed`);
      return Promise.resolve('failed');
    }
    const req = addrRequestFor(d, op);
    if (!req.ok) {
      this.#log(`Netlink: not ${context}: ${req.reason}`);
      return Promise.resolve('failed');
    }
    const type = op === 'add' ? RTM.newAddr : RTM.delAddr;
    const request = req.value;
    const done = this.#route
      .request((seq) => (op === 'add' ? encodeNewAddr(request, seq) : encodeDelAddr(request, seq)))
      .then(
        (ack): Outcome => {
          if (ack.errno === 0) return 'changed';
          if (op === 'add' ? ack.errno === E.EEXIST : ABSENT.has(ack.errno)) return 'unchanged';
          const why = ack.extAck === undefined ? '' : ` - ${ack.extAck}`;
          this.#log(
            `Netlink: error: ${errnoText(ack.errno)}(${ack.errno}), type=${rtmName(type)}, seq=${ack.seq}, pid=0 - ${context}${why}`,
          );
          return 'failed';
        },
        (e: unknown): Outcome => {
          // After close() the queue is dropped on purpose: nothing to report.
          if (!(e instanceof NetlinkError && e.code === 'ERR_NETLINK_CLOSED' && this.#closed)) {
            this.#log(`${e instanceof Error ? e.message : String(e)} - ${context}`);
          }
          return 'failed';
        },
      );
    this.#outstanding++;
    return done.finally(() => {
      if (--this.#outstanding === 0) for (const wake of this.#idle.splice(0)) wake();
    });
  }
}
