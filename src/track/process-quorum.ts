/**
 * A vrrp_track_process's quorum, pure: whether the number of matching processes is within
 * quorum..quorum_max, with keepalived 2.2.7's fork_delay and terminate_delay
 * (core/track_process.c check_process, check_process_fork, check_process_termination and the
 * two quorum timers). keepalived looks at the count only when it crosses a bound, and the delay
 * used depends on what moved the count, not on the direction of the status:
 *  - a new matching process seen through fork of a counted one: a pending terminate timer is
 *    cancelled and the status updated now; otherwise with fork_delay a timer is armed and the
 *    status is updated when it fires; otherwise now;
 *  - a new matching process seen through exec (or a rename, or the initial scan): a pending
 *    terminate timer is cancelled and the status updated now (no fork_delay);
 *  - a process gone: a pending fork timer is cancelled and the status updated now; otherwise
 *    with terminate_delay a timer is armed; otherwise now.
 * "Updated" means up = quorum <= count <= quorum_max, computed when the update happens. Here the
 * count comes from periodic scans, so it may move by more than one at a time: a scan that
 * leaves the count on the same side of the bounds changes nothing, as in keepalived.
 */
import type { TrackProcessConfig } from '../config/model/vrrp-extras.js';

export type QuorumParams = Pick<
  TrackProcessConfig,
  'quorum' | 'quorumMax' | 'forkDelayUs' | 'terminateDelayUs'
>;

export interface QuorumTimer {
  readonly kind: 'fork' | 'terminate';
  readonly atUs: number;
}

export interface QuorumState {
  readonly count: number;
  /** have_quorum: what the instances see. */
  readonly up: boolean;
  readonly timer: QuorumTimer | undefined;
}

export type QuorumInput =
  /** A scan's count; `forked`: the new processes are children of counted ones. */
  | { readonly kind: 'count'; readonly count: number; readonly forked: boolean; readonly nowUs: number }
  | { readonly kind: 'timer'; readonly nowUs: number };

export const inQuorum = (p: QuorumParams, count: number): boolean =>
  count >= p.quorum && count <= p.quorumMax;

/** The state after the initial scan: no delays (initialise_process_tracking_priorities). */
export function initialQuorum(p: QuorumParams, count: number): QuorumState {
  return { count, up: inQuorum(p, count), timer: undefined };
}

export function stepQuorum(p: QuorumParams, s: QuorumState, input: QuorumInput): QuorumState {
  const now = (count: number): QuorumState => ({ count, up: inQuorum(p, count), timer: undefined });
  if (input.kind === 'timer') {
    if (s.timer === undefined || input.nowUs < s.timer.atUs) return s;
    return now(s.count);
  }
  const { count } = input;
  if (count === s.count) return s;
  if (inQuorum(p, count) === inQuorum(p, s.count)) return { ...s, count };
  if (count > s.count) {
    if (s.timer?.kind === 'terminate' || !input.forked || p.forkDelayUs === 0) return now(count);
    return { count, up: s.up, timer: { kind: 'fork', atUs: input.nowUs + p.forkDelayUs } };
  }
  if (s.timer?.kind === 'fork' || p.terminateDelayUs === 0) return now(count);
  return { count, up: s.up, timer: { kind: 'terminate', atUs: input.nowUs + p.terminateDelayUs } };
}
