/** The process's monotonic clock (CLOCK_MONOTONIC through hrtime) with Node timers behind schedule(). */
import type { Clock, TimerHandle } from '../base/clock.js';

const NS_PER_US = 1000n;

export const realClock: Clock = {
  nowUs: () => Number(process.hrtime.bigint() / NS_PER_US),
  schedule(atUs: number, fn: () => void): TimerHandle {
    // Node timers have millisecond resolution and never fire early: round up, so a deadline
    // is never seen as "not yet" when the callback runs.
    const delayMs = Math.max(0, Math.ceil((atUs - realClock.nowUs()) / 1000));
    return setTimeout(fn, delayMs);
  },
  cancel(handle: TimerHandle | undefined): void {
    if (handle !== undefined) clearTimeout(handle as NodeJS.Timeout);
  },
};
