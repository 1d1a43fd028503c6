/**
 * Log lines the trackers give at start, as keepalived 2.2.7 words them
 * (vrrp/vrrp_track.c initialise_vrrp_file_tracking_priorities,
 * initialise_process_tracking_priorities), and the notice for track_bfd, which keepalived-ts
 * parses (so -t reports as keepalived) but cannot follow: it has no BFD.
 */
import type { VrrpInstanceConfig } from '../config/model/vrrp-instance.js';
import { type BinaryStatus, FILE_FAULT_STATUS } from '../track/priority.js';

export interface InitialLookup {
  readonly file: (name: string) => number | undefined;
  readonly process: (name: string) => BinaryStatus | undefined;
}

/** The "entering FAULT state" lines for the track files and processes that hold `v` down. */
export function initialFaultLines(
  v: Pick<VrrpInstanceConfig, 'name' | 'trackFiles' | 'trackProcesses'>,
  lookup: InitialLookup,
): string[] {
  const out: string[] = [];
  for (const t of v.trackFiles) {
    const value = lookup.file(t.name);
    if (value === undefined) continue;
    const m = t.weightReverse ? -1 : 1;
    const status =
      t.weight === 0 ? ((value !== 0) === (m === 1) ? FILE_FAULT_STATUS : 0) : value * t.weight * m;
    if (status <= FILE_FAULT_STATUS)
      out.push(`(${v.name}): entering FAULT state (tracked file ${t.name} has status ${status})`);
  }
  for (const t of v.trackProcesses) {
    const status = lookup.process(t.name);
    if (status === undefined || t.weight !== 0) continue;
    if ((status === 'up') !== !t.weightReverse)
      out.push(`(${v.name}) entering FAULT state (tracked process ${t.name} quorum not achieved)`);
  }
  return out;
}

export function bfdNotSupportedLines(
  instances: readonly Pick<VrrpInstanceConfig, 'name' | 'trackBfds'>[],
): string[] {
  return instances.flatMap((v) =>
    v.trackBfds.map(
      (t) =>
        `(${v.name}) track_bfd ${t.name}: BFD is not supported by keepalived-ts - not tracked, no effect on priority`,
    ),
  );
}
