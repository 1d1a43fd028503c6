/**
 * vrrp_sync_group tracking (keepalived's sync_group_tracking_init): the track_interface,
 * track_script, track_file, track_process and track_bfd of a sync group are tracked by every
 * member, so one failure takes each member down (and the group with it) or moves every
 * member's priority by the same weight. An object the member tracks itself as well is tracked
 * once: with the group's weight, unless the member's line is unweighted (keepalived's
 * vrrp_tracked_* "configured on VRRP instance and sync group" rule). Pure.
 */
import type { VrrpInstanceConfig } from '../config/model/vrrp-instance.js';
import type { KeepalivedConfig } from '../config/model.js';

type Tracked = { readonly name: string; readonly weight: number; readonly weightReverse: boolean };

function merge<T extends Tracked>(own: readonly T[], group: readonly Tracked[]): T[] {
  const out = [...own];
  for (const g of group) {
    const at = out.findIndex((t) => t.name === g.name);
    if (at < 0) out.push({ ...g } as T);
    else if ((out[at] as T).weight !== 0)
      out[at] = { ...(out[at] as T), weight: g.weight, weightReverse: g.weightReverse };
  }
  return out;
}

/** The config with each sync group's tracked objects added to its members. */
export function withGroupTracking(config: KeepalivedConfig): KeepalivedConfig {
  const groups = config.vrrp.syncGroups;
  if (groups.length === 0) return config;
  const instances = config.vrrp.instances.map((v): VrrpInstanceConfig => {
    const g = groups.find((s) => s.instances.includes(v.name));
    if (g === undefined) return v;
    return {
      ...v,
      trackInterfaces: merge(v.trackInterfaces, g.trackInterfaces),
      trackScripts: merge(v.trackScripts, g.trackScripts),
      trackFiles: merge(v.trackFiles, g.trackFiles),
      trackProcesses: merge(v.trackProcesses, g.trackProcesses),
      trackBfds: merge(v.trackBfds, g.trackBfds),
    };
  });
  return { ...config, vrrp: { ...config.vrrp, instances } };
}
