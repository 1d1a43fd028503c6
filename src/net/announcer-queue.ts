/**
 * The throttle behind the announcer, pure: time is an argument, nothing is sent or scheduled here.
 *
 * keepalived keeps one "next allowed send" time per base interface and message kind
 * (garp_next_time / gna_next_time, set to now + vrrp_garp_interval / vrrp_gna_interval after
 * every send; vrrp_arp.c, vrrp_ndisc.c). A message asked for before that time waits. Here each
 * such (interface, kind) pair is a lane; a lane sends its items in the order they were pushed,
 * one per interval, and lanes do not hold each other up. Among items due at the same instant the
 * one pushed first goes first, so with no interval the whole queue is plain FIFO.
 *
 * Unlike keepalived 2.2.7, which keeps a single "pending" flag per address and so collapses the
 * queued repeats of a burst into one (its own capture in test/fixtures/announce: 3 GARPs on the
 * wire for 2 VIPs × repeat 3 with vrrp_garp_interval set), every pushed item is sent.
 */

interface Item<T> {
  readonly seq: number;
  readonly payload: T;
}

interface Lane<T> {
  intervalUs: number;
  /** The earliest time the lane may send again. */
  nextFreeUs: number;
  /** FIFO with a moving head, so a long burst is not shifted on every send. */
  items: Item<T>[];
  head: number;
}

export interface Taken<T> {
  readonly lane: string;
  readonly payload: T;
}

export class AnnounceQueue<T> {
  #seq = 0;
  #size = 0;
  readonly #lanes = new Map<string, Lane<T>>();

  get size(): number {
    return this.#size;
  }

  /**
   * Appends `payload` to `lane`. `intervalUs` is the lane's spacing from now on (the latest value
   * wins, as a reload that changes vrrp_garp_interval would have it); 0 means no spacing.
   */
  push(lane: string, intervalUs: number, payload: T): void {
    let l = this.#lanes.get(lane);
    if (l === undefined) {
      l = { intervalUs, nextFreeUs: Number.NEGATIVE_INFINITY, items: [], head: 0 };
      this.#lanes.set(lane, l);
    }
    l.intervalUs = Math.max(0, intervalUs);
    l.items.push({ seq: ++this.#seq, payload });
    this.#size++;
  }

  /**
   * Removes and returns the earliest-pushed item that may go at `nowUs`, or undefined when none
   * may. The lane is then closed for its interval from `nowUs`; call `sentAt` once the frame is
   * really out to measure the gap from the send itself, as keepalived does.
   */
  takeNext(nowUs: number): Taken<T> | undefined {
    let best: { name: string; lane: Lane<T>; seq: number } | undefined;
    for (const [name, lane] of this.#lanes) {
      const head = lane.items[lane.head];
      if (head === undefined) {
        // An idle lane whose gap has passed carries no state worth keeping.
        if (lane.nextFreeUs <= nowUs) this.#lanes.delete(name);
        continue;
      }
      if (lane.nextFreeUs > nowUs) continue;
      if (best === undefined || head.seq < best.seq) best = { name, lane, seq: head.seq };
    }
    if (best === undefined) return undefined;
    const { lane } = best;
    const item = lane.items[lane.head] as Item<T>;
    lane.head++;
    if (lane.head === lane.items.length) {
      lane.items = [];
      lane.head = 0;
    } else if (lane.head > 1024 && lane.head * 2 > lane.items.length) {
      lane.items = lane.items.slice(lane.head);
      lane.head = 0;
    }
    this.#size--;
    lane.nextFreeUs = nowUs + lane.intervalUs;
    return { lane: best.name, payload: item.payload };
  }

  /** Restarts `lane`'s gap at `sentUs` (never earlier than takeNext put it). */
  sentAt(lane: string, sentUs: number): void {
    const l = this.#lanes.get(lane);
    if (l !== undefined) l.nextFreeUs = Math.max(l.nextFreeUs, sentUs + l.intervalUs);
  }

  /** When the next item may go (a time already past means at once); undefined when nothing is queued. */
  nextDueUs(): number | undefined {
    let next: number | undefined;
    for (const lane of this.#lanes.values()) {
      if (lane.head === lane.items.length) continue;
      if (next === undefined || lane.nextFreeUs < next) next = lane.nextFreeUs;
    }
    return next;
  }

  /** Drops the queued items `pred` selects (an instance that left MASTER); returns how many. */
  drop(pred: (payload: T) => boolean): number {
    let dropped = 0;
    for (const lane of this.#lanes.values()) {
      const kept = lane.items.slice(lane.head).filter((i) => !pred(i.payload));
      dropped += lane.items.length - lane.head - kept.length;
      lane.items = kept;
      lane.head = 0;
    }
    this.#size -= dropped;
    return dropped;
  }
}
