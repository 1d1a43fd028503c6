/**
 * Time as the cores and adapters see it: a monotonic clock in microseconds that can also run a
 * callback at an absolute time. The daemon uses the real one (src/sys/real-clock.ts); tests use
 * src/testing/fake-clock.ts, which has the same shape.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Monotonic microseconds, arbitrary origin. */
  nowUs(): number;
  /** Runs `fn` once the clock reaches `atUs` (soon, when already past). */
  schedule(atUs: number, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle | undefined): void;
}
