/**
 * The VipManager port (src/vrrp/ports.ts) over rtnetlink: VIPs are added and removed with
 * RTM_NEWADDR / RTM_DELADDR on one netlink socket, never by spawning `ip`.
 *  - addVips / delVips return at once; their requests join NetlinkRoute's queue in call order,
 *    and the kernel applies them in that order (FIFO across calls and instances);
 *  - like keepalived, adding an address that is there (EEXIST) and removing one that is not
 *    (EADDRNOTAVAIL, ENOENT, or ENODEV: its interface is gone) are successes, not errors;
 *  - failures are logged through `log` in keepalived's words and never thrown at the caller;
 *  - flush() waits for everything queued (shutdown must know its VIPs are gone before exit);
 *  - an instance's VIPs go to the kernel as one batch (NetlinkRoute.requestBatch: few
 *    datagrams, an answer per address), encoded once and reused while its VIPs resolve to the
 *    same details (until a reload or an interface appearing changes them): a takeover of 1,000
 *    VIPs parses and encodes nothing.
 * The manager keeps no record of what it added: the core decides when VIPs come and go, and
 * removeStale() cleans what a crashed earlier run left behind.
 */

import { Buffer } from 'node:buffer';
import { constants as osConstants } from 'node:os';
import type { VipManager, VipsEffect } from '../vrrp/ports.js';
import {
  errnoText,
  type NetlinkBatchResult,
  NetlinkRoute,
  type NetlinkRouteOptions,
  rtmName,
} from './netlink-route.js';
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

type Op = 'add' | 'del';

/** One VIP that goes to the kernel: the text the core named, and what it resolved to. */
interface Item {
  readonly vip: string;
  readonly detail: VipDetail;
}

/** An instance's requests for one direction, encoded. */
interface Batch {
  /** What each VIP text resolved to, in order (null: the resolver threw): the cache's key. */
  readonly resolved: readonly (VipDetail | undefined | null)[];
  /** The messages, one per item, for NetlinkRoute.requestBatch. */
  readonly bytes: Buffer;
  readonly items: readonly Item[];
  /** Details the kernel cannot be asked for, with the reason (logged at every use). */
  readonly invalid: readonly (Item & { readonly reason: string })[];
}

const E = osConstants.errno;
/** Removing an address that is not there: it is already as wanted. */
const ABSENT = new Set<number>([E.EADDRNOTAVAIL, E.ENOENT, E.ENODEV]);

export class NetlinkVipManager implements VipManager {
  readonly #resolve: NetlinkVipsOptions['resolve'];
  readonly #log: (text: string) => void;
  readonly #route: NetlinkRoute;
  readonly #ownsRoute: boolean;
  readonly #onRefused: ((instance: string, vip: string) => void) | undefined;
  /** The last batch per direction and instance, reused while its VIPs resolve the same. */
  readonly #batches = { add: new Map<string, Batch>(), del: new Map<string, Batch>() };
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
    const batch = this.#batchFor('add', instance, effect);
    const refused = (vip: string): void => {
      if (!this.#closed) this.#onRefused?.(instance, vip);
    };
    void this.#send('add', batch, `(${instance}) adding`, refused);
  }

  /** Removes the VIPs, then the excluded VIPs. */
  delVips(instance: string, effect: VipsEffect): void {
    // TODO(no_accept): remove the blockIncoming drop rules here once addVips sets them.
    void this.#send('del', this.#batchFor('del', instance, effect), `(${instance}) removing`);
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
    const present = details.filter((d) => d.ifindex !== 0);
    const outcomes = await this.#send(
      'del',
      encodeBatch(
        'del',
        present,
        present.map((d) => d.address),
      ),
      'removing stale',
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
    this.#batches.add.clear();
    this.#batches.del.clear();
    if (this.#ownsRoute) this.#route.close();
  }

  /**
   * The instance's batch for `op`: its VIPs, then its excluded VIPs, resolved now (a VIP whose
   * interface is missing is logged and left out); the cached encoding when they resolve to the
   * very same details as last time.
   */
  #batchFor(op: Op, instance: string, effect: VipsEffect): Batch {
    const resolved: (VipDetail | undefined | null)[] = [];
    for (const list of [effect.vips, effect.excludedVips]) {
      for (const vip of list) {
        const d = this.#detail(instance, vip);
        resolved.push(d);
        // keepalived: an interface that has gone took its addresses with it, nothing to remove.
        if (op === 'add' && d !== null && (d === undefined || d.ifindex === 0)) {
          this.#log(`(${instance}) Not adding address ${vip} since interface doesn't exist`);
        }
      }
    }
    const cache = this.#batches[op];
    const cached = cache.get(instance);
    if (cached !== undefined && sameDetails(cached.resolved, resolved)) return cached;
    const vips: string[] = [];
    const details: VipDetail[] = [];
    let k = 0;
    for (const list of [effect.vips, effect.excludedVips]) {
      for (const vip of list) {
        const d = resolved[k++];
        if (d === null || d === undefined || d.ifindex === 0) continue;
        vips.push(vip);
        details.push(d);
      }
    }
    const batch = { ...encodeBatch(op, details, vips), resolved };
    if (!this.#closed) cache.set(instance, batch);
    return batch;
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

  /**
   * Sends the batch; logs each failure with `what` and the VIP, calls `onFailed` with its text.
   * Resolves with every item's outcome: the invalid ones first, then the batch's in order.
   */
  async #send(
    op: Op,
    batch: Omit<Batch, 'resolved'>,
    what: string,
    onFailed?: (vip: string) => void,
  ): Promise<Outcome[]> {
    const context = (d: VipDetail): string => `${what} ${describeVip(d)}`;
    const outcomes: Outcome[] = [];
    if (this.#closed) {
      for (const { detail } of [...batch.invalid, ...batch.items]) {
        this.#log(`Netlink: not ${context(detail)}: the VIP manager is closed`);
        outcomes.push('failed');
      }
      return outcomes;
    }
    for (const { vip, detail, reason } of batch.invalid) {
      this.#log(`Netlink: not ${context(detail)}: ${reason}`);
      outcomes.push('failed');
      // Never from inside the caller's addVips: the core is still applying its effects.
      if (onFailed !== undefined) queueMicrotask(() => onFailed(vip));
    }
    if (batch.items.length === 0) return outcomes;
    this.#outstanding++;
    try {
      const result = await this.#route.requestBatch(batch.bytes);
      batch.items.forEach(({ vip, detail }, i) => {
        const o = this.#outcome(op, result, i, () => context(detail));
        outcomes.push(o);
        if (o === 'failed') onFailed?.(vip);
      });
      return outcomes;
    } finally {
      if (--this.#outstanding === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  /** What became of message `i`, logged in keepalived's words when it failed. */
  #outcome(op: Op, result: NetlinkBatchResult, i: number, context: () => string): Outcome {
    const errno = result.errnos[i] as number;
    if (errno === 0) return 'changed';
    if (errno < 0) {
      const e = result.errors.get(i);
      // After close() the queue is dropped on purpose: nothing to report.
      if (!(e?.code === 'ERR_NETLINK_CLOSED' && this.#closed)) {
        this.#log(`${e?.message ?? 'Netlink: no answer'} - ${context()}`);
      }
      return 'failed';
    }
    if (op === 'add' ? errno === E.EEXIST : ABSENT.has(errno)) return 'unchanged';
    const type = op === 'add' ? RTM.newAddr : RTM.delAddr;
    const extAck = result.extAcks.get(i);
    const why = extAck === undefined ? '' : ` - ${extAck}`;
    this.#log(
      `Netlink: error: ${errnoText(errno)}(${errno}), type=${rtmName(type)}, seq=${result.seqs[i]}, pid=0 - ${context()}${why}`,
    );
    return 'failed';
  }
}

/** Two resolutions name the very same details (identity: the resolver keeps its objects). */
function sameDetails(
  a: readonly (VipDetail | undefined | null)[],
  b: readonly (VipDetail | undefined | null)[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The messages for `details` (with their VIP texts); those that cannot be encoded, apart. */
function encodeBatch(
  op: Op,
  details: readonly VipDetail[],
  vips: readonly string[],
): Omit<Batch, 'resolved'> {
  const parts: Buffer[] = [];
  const items: Item[] = [];
  const invalid: (Item & { reason: string })[] = [];
  details.forEach((detail, i) => {
    const vip = vips[i] ?? detail.address;
    const req = addrRequestFor(detail, op);
    if (!req.ok) {
      invalid.push({ vip, detail, reason: req.reason });
      return;
    }
    // Sequence number 0 for now: NetlinkRoute writes the real one as it sends.
    parts.push(op === 'add' ? encodeNewAddr(req.value, 0) : encodeDelAddr(req.value, 0));
    items.push({ vip, detail });
  });
  return { bytes: Buffer.concat(parts), items, invalid };
}
