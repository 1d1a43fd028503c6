/**
 * virtual_routes and virtual_rules through rtnetlink (RTM_NEWROUTE / RTM_DELROUTE,
 * RTM_NEWRULE / RTM_DELRULE) on a NetlinkRoute shared with the VIP manager, so that requests
 * of both keep one FIFO order (a route after the address it needs, a rule before the route it
 * leads to is removed).
 *  - calls return at once; failures are logged in keepalived's words, never thrown;
 *  - adding what is there (EEXIST) and removing what is not (ESRCH, ENOENT) are successes:
 *    keepalived ignores EEXIST on routes, and tracks what it set so that it never removes a
 *    missing route or rule; we keep no record, so both directions must be idempotent;
 *  - interfaces are looked up by name when a request is made, so one created after the start
 *    is found.
 */
import { constants as osConstants } from 'node:os';
import type { RouteConfig } from '../config/model/vrrp-extras.js';
import { errnoText, NetlinkError, type NetlinkRoute, rtmName } from './netlink-route.js';
import { type IfindexOf, type PlannedRule, routeRequestFor, ruleRequestFor } from './netlink-route-detail.js';
import {
  DEL_FLAGS,
  encodeRoute,
  encodeRule,
  NEWRULE_FLAGS,
  newRouteFlags,
  RTM_ROUTE,
} from './rtnetlink-route.js';

const E = osConstants.errno;

export type Outcome = 'changed' | 'unchanged' | 'failed';

export interface NetlinkRoutesOptions {
  readonly route: NetlinkRoute;
  readonly ifindex: IfindexOf;
  readonly log: (text: string) => void;
}

export class NetlinkRouteManager {
  readonly #route: NetlinkRoute;
  readonly #ifindex: IfindexOf;
  readonly #log: (text: string) => void;
  #outstanding = 0;
  #idle: (() => void)[] = [];
  #closed = false;

  constructor(opts: NetlinkRoutesOptions) {
    this.#route = opts.route;
    this.#ifindex = opts.ifindex;
    this.#log = opts.log;
  }

  route(op: 'add' | 'del', text: string, r: RouteConfig, who: string): Promise<Outcome> {
    const what = `${who} ${op === 'add' ? 'adding' : 'removing'} route ${text}`;
    const req = routeRequestFor(r, op, this.#ifindex);
    if (!req.ok) {
      // A route on an interface that is gone went with it: nothing to remove.
      if (op === 'del') return Promise.resolve('unchanged');
      this.#log(`Netlink: not ${what}: ${req.reason}`);
      return Promise.resolve('failed');
    }
    const type = op === 'add' ? RTM_ROUTE.newRoute : RTM_ROUTE.delRoute;
    const flags = op === 'add' ? newRouteFlags(r.mode) : DEL_FLAGS;
    const ignore = op === 'add' ? [E.EEXIST] : [E.ESRCH, E.ENOENT, E.ENODEV];
    return this.#send(type, (seq) => encodeRoute(type, req.value, seq, flags), ignore, what);
  }

  rule(op: 'add' | 'del', text: string, r: PlannedRule, who: string): Promise<Outcome> {
    const what = `${who} ${op === 'add' ? 'adding' : 'removing'} rule ${text}`;
    const req = ruleRequestFor(r);
    if (!req.ok) {
      this.#log(`Netlink: not ${what}: ${req.reason}`);
      return Promise.resolve('failed');
    }
    const type = op === 'add' ? RTM_ROUTE.newRule : RTM_ROUTE.delRule;
    const flags = op === 'add' ? NEWRULE_FLAGS : DEL_FLAGS;
    const ignore = op === 'add' ? [E.EEXIST] : [E.ENOENT, E.ESRCH];
    return this.#send(type, (seq) => encodeRule(type, req.value, seq, flags), ignore, what);
  }

  /** Resolves when every request made so far has been answered. */
  flush(): Promise<void> {
    if (this.#outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Requests made after this fail silently (the shared socket is closed by its owner). */
  close(): void {
    this.#closed = true;
  }

  #send(
    type: number,
    build: (seq: number) => Buffer,
    ignore: readonly number[],
    what: string,
  ): Promise<Outcome> {
    if (this.#closed) return Promise.resolve('failed');
    const done = this.#route.request(build).then(
      (ack): Outcome => {
        if (ack.errno === 0) return 'changed';
        if (ignore.includes(ack.errno)) return 'unchanged';
        const why = ack.extAck === undefined ? '' : ` - ${ack.extAck}`;
        this.#log(
          `Netlink: error: ${errnoText(ack.errno)}(${ack.errno}), type=${rtmName(type)}, seq=${ack.seq}, pid=0 - ${what}${why}`,
        );
        return 'failed';
      },
      (e: unknown): Outcome => {
        if (!(e instanceof NetlinkError && e.code === 'ERR_NETLINK_CLOSED')) {
          this.#log(`${e instanceof Error ? e.message : String(e)} - ${what}`);
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
