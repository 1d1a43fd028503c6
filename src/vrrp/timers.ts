/**
 * VRRP's two derived times, computed exactly as keepalived 2.2.7 does (include/vrrp.h
 * VRRP_TIMER_SKEW_CALC, VRRP_MS_DOWN_TIMER), in integer microseconds so that our backup gives
 * up on a master at the same instant keepalived's would.
 *
 * RFC 3768 §6.1 (v2): Skew_Time = (256 - Priority) / 256 seconds, whatever the interval.
 * RFC 5798 §6.1 (v3): Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256, where the
 * interval is the one the master advertises (centiseconds on the wire).
 * Master_Down_Interval = down_timer_adverts (3 by default) * Master_Adver_Interval + Skew_Time.
 */

export const US_PER_SECOND = 1_000_000;
/** keepalived's TIMER_CENTI_HZ: microseconds in a centisecond. */
const US_PER_CS = 10_000;
/** RFC 5798 §6.1: the number of missed adverts before a backup takes over. */
export const DEFAULT_DOWN_TIMER_ADVERTS = 3;

export interface TimerParams {
  readonly version: 2 | 3;
  /** The priority in effect (base plus tracking weights). */
  readonly effectivePriority: number;
  /** v3: the master's advertised interval; v2: our configured interval. */
  readonly masterAdverIntUs: number;
  readonly downTimerAdverts?: number;
}

function skewFor(p: TimerParams, priorityValue: number): number {
  if (p.version === 3) {
    // keepalived: pri * (interval / TIMER_CENTI_HZ) * 625 / 16, integer arithmetic.
    const cs = Math.floor(p.masterAdverIntUs / US_PER_CS);
    return Math.floor((priorityValue * cs * 625) / 16);
  }
  return Math.floor((priorityValue * US_PER_SECOND) / 256);
}

/** Skew_Time in microseconds. */
export function skewUs(p: TimerParams): number {
  return skewFor(p, 256 - p.effectivePriority);
}

/** The smallest skew (priority 255): how soon a backup answers a priority-0 advert at most. */
export function minSkewUs(p: TimerParams): number {
  return skewFor(p, 1);
}

/** Master_Down_Interval in microseconds. */
export function masterDownUs(p: TimerParams): number {
  return (p.downTimerAdverts ?? DEFAULT_DOWN_TIMER_ADVERTS) * p.masterAdverIntUs + skewUs(p);
}
