/**
 * Counted, rate-limited drops: every refused packet bumps its reason's counter; the first one of
 * a reason is logged, later ones at most once per interval (with how many were kept quiet).
 * Pure apart from its own counters: time comes in as an argument, the log line goes back out.
 */
import type { DropReason } from './packet.js';
import type { InstanceDropReason } from './validate.js';

/** Anything an instance counts as dropped: a codec refusal or an instance refusal. */
export type AnyDropReason = DropReason | InstanceDropReason;

/** keepalived logs every drop; we log a reason at most once a minute by default. */
export const DEFAULT_DROP_LOG_INTERVAL_US = 60_000_000;

interface Entry {
  count: number;
  lastLoggedUs: number;
  suppressed: number;
}

export class DropLog<R extends string = AnyDropReason> {
  readonly #intervalUs: number;
  readonly #entries = new Map<R, Entry>();

  constructor(opts: { readonly intervalUs?: number } = {}) {
    this.#intervalUs = opts.intervalUs ?? DEFAULT_DROP_LOG_INTERVAL_US;
  }

  /** Counts one drop; returns the line to log now, or undefined when rate-limited. */
  record(reason: R, text: string, nowUs: number): string | undefined {
    const e = this.#entries.get(reason);
    if (e === undefined) {
      this.#entries.set(reason, { count: 1, lastLoggedUs: nowUs, suppressed: 0 });
      return text;
    }
    e.count++;
    if (nowUs - e.lastLoggedUs < this.#intervalUs) {
      e.suppressed++;
      return undefined;
    }
    const line = e.suppressed > 0 ? `${text} (${e.suppressed} similar suppressed)` : text;
    e.lastLoggedUs = nowUs;
    e.suppressed = 0;
    return line;
  }

  count(reason: R): number {
    return this.#entries.get(reason)?.count ?? 0;
  }

  get total(): number {
    let n = 0;
    for (const e of this.#entries.values()) n += e.count;
    return n;
  }

  /** Non-zero counters, in first-seen order. */
  counts(): ReadonlyMap<R, number> {
    return new Map([...this.#entries].filter(([, e]) => e.count > 0).map(([r, e]) => [r, e.count]));
  }

  /** Counters back to 0 (keepalived's STATS_CLEAR); the log's rate limiting carries on. */
  clearCounts(): void {
    for (const e of this.#entries.values()) e.count = 0;
  }
}

/** keepalived's wording for codec refusals where it has one; ours otherwise. */
export function codecDropText(name: string, reason: DropReason, srcAddr: string | undefined): string {
  const from = srcAddr === undefined ? '' : ` from ${srcAddr}`;
  switch (reason) {
    case 'bad-checksum':
      return `(${name}) Invalid VRRP checksum${from}`;
    case 'bad-version':
      return `(${name}) wrong version${from}`;
    case 'bad-type':
      return `(${name}) Invalid packet type${from}`;
    case 'bad-auth-type':
      return `(${name}) Invalid auth type${from}`;
    case 'count-mismatch':
    case 'too-short':
    case 'ip-length-mismatch':
      return `(${name}) vrrp packet length mismatch${from}`;
    case 'bad-ah-icv':
    case 'bad-ah-spi':
      return `(${name}) IPSEC-AH authentication failed${from}`;
    default:
      return `(${name}) dropped packet${from}: ${reason}`;
  }
}
