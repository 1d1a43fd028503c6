/**
 * The outcome of anything that reads untrusted input: decoders return a Result instead of
 * throwing, so one bad packet or line can never unwind the caller's loop.
 */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(reason: E): { readonly ok: false; readonly reason: E } {
  return { ok: false, reason };
}

/** Applies `f` to a success, passes a failure through unchanged. */
export function mapResult<T, U, E>(r: Result<T, E>, f: (value: T) => U): Result<U, E> {
  return r.ok ? ok(f(r.value)) : r;
}

/** The value of a success, or `fallback` for a failure. */
export function unwrapOr<T, E>(r: Result<T, E>, fallback: T): T {
  return r.ok ? r.value : fallback;
}
