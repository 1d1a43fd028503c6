/**
 * Waiting on the outside world in integration tests: poll a probe until it holds or a deadline
 * passes, and on timeout say what was awaited and what was seen last, so a red test explains
 * itself instead of reading "timeout".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

export interface PollOptions<T> {
  /** What is awaited, for the error: "VIP 192.0.2.100 on n1". */
  readonly what: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** When the observed value is good enough; by default when it is truthy. */
  readonly until?: (value: T) => boolean;
}

/** Thrown when a poll's deadline passes; `lastValue` is what the probe saw last. */
export class PollTimeoutError extends Error {
  readonly code = 'ERR_POLL_TIMEOUT';
  constructor(
    message: string,
    readonly lastValue: unknown,
  ) {
    super(message);
    this.name = 'PollTimeoutError';
  }
}

/**
 * Calls `probe` every `intervalMs` until `until(value)` holds and returns that value. A probe
 * that throws counts as "not yet" (a daemon that is still starting refuses connections); the
 * error is kept as the last observation. The probe always runs at least once, and once more
 * after the deadline would fall inside a sleep, so a short timeout cannot skip the check.
 */
export function pollUntil<T>(
  probe: () => T | Promise<T>,
  opts: PollOptions<T> & { readonly until: (value: T) => boolean },
): Promise<T>;
/** Without `until`, a truthy value ends the wait, so the result is never null or undefined. */
export function pollUntil<T>(
  probe: () => T | Promise<T>,
  opts: Omit<PollOptions<T>, 'until'>,
): Promise<NonNullable<T>>;
export async function pollUntil<T>(probe: () => T | Promise<T>, opts: PollOptions<T>): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const intervalMs = opts.intervalMs ?? 50;
  const until = opts.until ?? ((v: T) => Boolean(v));
  const deadline = performance.now() + timeoutMs;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (until(value)) return value;
      last = { value };
    } catch (error: unknown) {
      last = { error };
    }
    const left = deadline - performance.now();
    if (left <= 0) break;
    await sleep(Math.min(intervalMs, left));
  }
  const seen =
    last === undefined
      ? 'nothing'
      : 'value' in last
        ? inspect(last.value, { depth: 4, breakLength: Number.POSITIVE_INFINITY })
        : `error: ${last.error instanceof Error ? last.error.message : String(last.error)}`;
  throw new PollTimeoutError(
    `timed out after ${timeoutMs} ms waiting for ${opts.what}; last observed: ${seen}`,
    last !== undefined && 'value' in last ? last.value : undefined,
  );
}
