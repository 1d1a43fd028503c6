/**
 * The instances that wait for their interface (waiting-instances.ts) as the state dumps show
 * them: keepalived with dynamic_interfaces has such an instance in FAULT, and its
 * keepalived.data lists it like the others (measured with keepalived 2.2.7 and an instance
 * on a missing eth9):
 *   State = FAULT, Wantstate = FAULT, "interface and track script faults" 2 (the interface is
 *   down and has no address; 1 when it exists without an address), the master down timer of
 *   its own priority and interval, "Using src_ip = (none)", its VIPs on that interface, not set.
 * The worker does not run them, so the main thread adds them to the worker's snapshot, in
 * config order. Pure.
 */
import type { KeepalivedConfig } from '../config/model.js';
import type { InstanceDump } from '../status/vrrp-data-file.js';
import { initialState } from '../vrrp/fsm.js';
import { masterDownUs } from '../vrrp/timers.js';
import { instanceParams } from './vrrp-plan.js';

/** The worker's dumps plus one for every configured instance that waits, in config order. */
export function withWaitingInstances(
  running: readonly InstanceDump[],
  config: KeepalivedConfig,
  interfaceExists: (ifname: string) => boolean,
): InstanceDump[] {
  const byName = new Map(running.map((d) => [d.params.name, d]));
  const out: InstanceDump[] = [];
  for (const v of config.vrrp.instances) {
    const d = byName.get(v.name);
    if (d !== undefined) {
      out.push(d);
      byName.delete(v.name);
      continue;
    }
    if (v.interface === undefined) continue;
    const { params } = instanceParams(config, v, v.interface, '');
    const base = initialState(params).runtime;
    const faults = interfaceExists(v.interface) ? ['no address'] : ['interface down', 'no address'];
    out.push({
      params,
      runtime: {
        ...base,
        state: 'FAULT',
        wantState: 'FAULT',
        started: true,
        faults: new Set(faults),
        msDownTimerUs: masterDownUs({
          version: params.version,
          effectivePriority: params.basePriority,
          masterAdverIntUs: params.adverIntUs,
          downTimerAdverts: params.downTimerAdverts,
        }),
      },
      stats: {
        advertRcvd: 0,
        advertSent: 0,
        becomeMaster: 0,
        releaseMaster: 0,
        priZeroRcvd: 0,
        priZeroSent: 0,
        splitBrain: 0,
        drops: new Map(),
      },
      syncGroup: config.vrrp.syncGroups.find((g) => g.instances.includes(v.name))?.name,
      ifindex: 0,
    });
  }
  // Anything the worker runs that the config no longer names (mid-reload) stays listed.
  out.push(...byName.values());
  return out;
}
