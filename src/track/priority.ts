/**
 * What an instance's tracked objects make of it, pure: the total priority (base + weights) and
 * the set of fault reasons, and the VRRP core inputs that move an instance from one such verdict
 * to the next. The core (src/vrrp/fsm.ts) clamps the total to 1..254 and leaves an address owner
 * at 255; this file does neither.
 *
 * keepalived 2.2.7 adds and subtracts weights as objects change (vrrp/vrrp_track.c
 * process_script_update_priority, initialise_track_script_state / initialise_*_priorities,
 * core/keepalived_netlink.c process_if_status_change, trackers/track_file.c
 * process_update_vrrp_track_file_status). Summing each object's contribution from its current
 * status gives the same totals, and one change at a time gives keepalived's deltas:
 *  - scripts, interfaces, processes, BFDs, with multiplier m = reverse ? -1 : 1:
 *      weight > 0: w·m while up, 0 while down;  weight < 0: 0 while up, w·m while down.
 *    So a positive weight is added while the object is up, a negative one while it is down, and
 *    `reverse` flips the sign of whichever applies.
 *  - weight 0: no priority change; a fault reason instead while the object is down (up when
 *    `reverse`): down_instance / try_up_instance.
 *  - a script that has not returned yet (status `init`) adds nothing, and with weight 0 holds the
 *    instance in FAULT whatever `reverse` says (vrrp_init_state, num_script_init).
 *  - track files: the file's integer value times weight times m, capped at 253; at -254 or below
 *    the instance faults instead (and the value adds nothing). Weight 0: a fault while the value
 *    is non-zero (zero when `reverse`).
 * Address owners (priority 255): keepalived skips the owner's script weights at start-up but
 * applies later deltas to total_priority, and vrrp_set_effective_priority never moves an owner's
 * effective priority; the total only matters if the owner is demoted to 254 after meeting
 * another owner. We always report the full sum; fsm.ts ignores it while the base is 255.
 */
import { initFaultReason } from '../base/fault-reasons.js';
import type { VrrpInstanceConfig } from '../config/model/vrrp-instance.js';

export type BinaryTrackedKind = 'script' | 'interface' | 'process' | 'bfd';
export type TrackedKind = BinaryTrackedKind | 'file';

/** An object that is up or down (or, for a script that has not returned yet, neither). */
export type BinaryStatus = 'init' | 'up' | 'down';

interface TrackedBase {
  readonly name: string;
  /** As tracked by this instance: the line's weight or the object's own. */
  readonly weight: number;
  readonly weightReverse: boolean;
}

export interface BinaryTracked extends TrackedBase {
  readonly kind: BinaryTrackedKind;
  readonly status: BinaryStatus;
}

export interface FileTracked extends TrackedBase {
  readonly kind: 'file';
  /** The integer the file holds (keepalived reads it with strtol; 0 when missing). */
  readonly value: number;
}

export type Tracked = BinaryTracked | FileTracked;

/** One object's share: a priority delta, or a fault reason (then the delta is 0). */
export interface TrackedEffect {
  readonly delta: number;
  readonly fault: string | undefined;
}

export interface TrackingVerdict {
  /** Base plus every delta, unclamped. */
  readonly totalPriority: number;
  /** Sorted, without duplicates. Empty = the trackers allow the instance up. */
  readonly faults: readonly string[];
}

/** The VRRP core inputs (a subset of fsm.ts VrrpInput). */
export type TrackingInput =
  | { readonly kind: 'priority'; readonly totalPriority: number }
  | { readonly kind: 'fault-set'; readonly reason: string }
  | { readonly kind: 'fault-clear'; readonly reason: string };

/** track_file statuses at or below this fault the instance (trackers/track_file.c). */
export const FILE_FAULT_STATUS = -254;
/** The largest share a track file adds. */
export const FILE_MAX_STATUS = 253;

/** The reason string an object's fault carries, e.g. "script chk_nginx". */
export function faultReason(kind: TrackedKind, name: string): string {
  return `${kind} ${name}`;
}

const NONE: TrackedEffect = { delta: 0, fault: undefined };

export function trackedEffect(t: Tracked): TrackedEffect {
  const m = t.weightReverse ? -1 : 1;
  const fault: TrackedEffect = { delta: 0, fault: faultReason(t.kind, t.name) };
  if (t.kind === 'file') {
    if (t.weight === 0) return (t.value !== 0) === (m === 1) ? fault : NONE;
    const status = t.value * t.weight * m;
    if (status <= FILE_FAULT_STATUS) return fault;
    return { delta: Math.min(status, FILE_MAX_STATUS), fault: undefined };
  }
  // A distinct reason: keepalived's FAULT while a script has not returned is silent (fault-reasons.ts).
  if (t.status === 'init')
    return t.weight === 0 ? { delta: 0, fault: initFaultReason(fault.fault ?? '') } : NONE;
  const up = t.status === 'up';
  if (t.weight === 0) return up !== (m === 1) ? fault : NONE;
  if (up) return t.weight > 0 ? { delta: t.weight * m, fault: undefined } : NONE;
  return t.weight < 0 ? { delta: t.weight * m, fault: undefined } : NONE;
}

/** Base plus every object's delta, and every object's fault reason. */
export function computeTracking(basePriority: number, tracked: readonly Tracked[]): TrackingVerdict {
  let total = basePriority;
  const faults = new Set<string>();
  for (const t of tracked) {
    const e = trackedEffect(t);
    total += e.delta;
    if (e.fault !== undefined) faults.add(e.fault);
  }
  return { totalPriority: total, faults: [...faults].sort() };
}

/**
 * The inputs that take the core from `prev` to `next`: new faults first (so an instance going
 * down does not act on a priority change first), then the priority, then cleared faults (so an
 * instance coming up starts its timers at the new priority). With no `prev` (start-up), every
 * fault and the priority are given; feed them before the core's 'start'.
 */
export function trackingInputs(prev: TrackingVerdict | undefined, next: TrackingVerdict): TrackingInput[] {
  const out: TrackingInput[] = [];
  const before = new Set(prev?.faults ?? []);
  const after = new Set(next.faults);
  for (const reason of next.faults) if (!before.has(reason)) out.push({ kind: 'fault-set', reason });
  if (prev === undefined || prev.totalPriority !== next.totalPriority) {
    out.push({ kind: 'priority', totalPriority: next.totalPriority });
  }
  for (const reason of prev?.faults ?? []) if (!after.has(reason)) out.push({ kind: 'fault-clear', reason });
  return out;
}

/** Where an instance's tracked objects stand; undefined = not known / not tracked (skipped). */
export interface TrackedStatusLookup {
  readonly script?: (name: string) => BinaryStatus | undefined;
  readonly interface?: (name: string) => BinaryStatus | undefined;
  readonly process?: (name: string) => BinaryStatus | undefined;
  readonly bfd?: (name: string) => BinaryStatus | undefined;
  readonly file?: (name: string) => number | undefined;
}

export type InstanceTrackingConfig = Pick<
  VrrpInstanceConfig,
  'trackScripts' | 'trackInterfaces' | 'trackProcesses' | 'trackBfds' | 'trackFiles'
>;

/**
 * An instance's tracked objects with their current status. Objects the lookup does not know are
 * left out, as keepalived drops a track_script whose script was disabled (insecure, not found).
 * Sync-group tracking (and sync_group_tracking_weight) is for the caller to merge in.
 */
export function trackedOf(config: InstanceTrackingConfig, lookup: TrackedStatusLookup): Tracked[] {
  const out: Tracked[] = [];
  const binary = (
    kind: BinaryTrackedKind,
    list: readonly { name: string; weight: number; weightReverse: boolean }[],
    get: ((name: string) => BinaryStatus | undefined) | undefined,
  ): void => {
    if (!get) return;
    for (const t of list) {
      const status = get(t.name);
      if (status !== undefined)
        out.push({ kind, name: t.name, weight: t.weight, weightReverse: t.weightReverse, status });
    }
  };
  binary('script', config.trackScripts, lookup.script);
  binary('interface', config.trackInterfaces, lookup.interface);
  binary('process', config.trackProcesses, lookup.process);
  binary('bfd', config.trackBfds, lookup.bfd);
  if (lookup.file) {
    for (const t of config.trackFiles) {
      const value = lookup.file(t.name);
      if (value !== undefined)
        out.push({ kind: 'file', name: t.name, weight: t.weight, weightReverse: t.weightReverse, value });
    }
  }
  return out;
}
