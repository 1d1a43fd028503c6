/**
 * A monotonic clock in microseconds that moves only when told to, with a queue of scheduled
 * callbacks run in time order (FIFO among equal times). Tests and benches run whole elections
 * in microseconds of real time with it.
 */

export type TimerHandle = number;

interface Scheduled {
  readonly atUs: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** More callbacks than this at one instant means a livelock (e.g. two nodes answering each other forever). */
export const MAX_CALLBACKS_PER_INSTANT = 100_000;

export class FakeClock {
  #nowUs: number;
  #instantUs = Number.NaN;
  #atInstant = 0;
  #seq = 0;
  /** Sorted by (atUs, seq). */
  #queue: Scheduled[] = [];

  constructor(startUs = 0) {
    this.#nowUs = startUs;
  }

  nowUs(): number {
    return this.#nowUs;
  }

  /** Runs `fn` when the clock reaches `atUs` (at once on the next advance if already past). */
  schedule(atUs: number, fn: () => void): TimerHandle {
    const item = { atUs: Math.max(atUs, this.#nowUs), seq: ++this.#seq, fn };
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.#queue[mid];
      if (m !== undefined && (m.atUs < item.atUs || (m.atUs === item.atUs && m.seq < item.seq))) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, item);
    return item.seq;
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const i = this.#queue.findIndex((s) => s.seq === handle);
    if (i >= 0) this.#queue.splice(i, 1);
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** The time of the next scheduled callback. */
  nextUs(): number | undefined {
    return this.#queue[0]?.atUs;
  }

  /** Runs everything due up to `tUs` in order, then leaves the clock at `tUs`. */
  advanceTo(tUs: number): void {
    for (;;) {
      const next = this.#queue[0];
      if (next === undefined || next.atUs > tUs) break;
      this.#run(next);
    }
    if (tUs > this.#nowUs) this.#nowUs = tUs;
  }

  advanceBy(dUs: number): void {
    this.advanceTo(this.#nowUs + dUs);
  }

  /**
   * Runs callbacks one at a time until `done()` holds (checked before each) or the clock would
   * pass `limitUs`. Returns whether `done()` held.
   */
  runUntil(done: () => boolean, limitUs: number): boolean {
    for (;;) {
      if (done()) return true;
      const next = this.#queue[0];
      if (next === undefined || next.atUs > limitUs) {
        this.advanceTo(limitUs);
        return done();
      }
      this.#run(next);
    }
  }

  #run(next: Scheduled): void {
    this.#queue.shift();
    this.#nowUs = next.atUs;
    if (next.atUs !== this.#instantUs) {
      this.#instantUs = next.atUs;
      this.#atInstant = 0;
    }
    if (++this.#atInstant > MAX_CALLBACKS_PER_INSTANT) {
      throw new Error(
        `FakeClock: more than ${MAX_CALLBACKS_PER_INSTANT} callbacks at ${next.atUs} us (a livelock?)`,
      );
    }
    next.fn();
  }
}
