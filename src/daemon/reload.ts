/**
 * SIGHUP, the main thread's half: read and check the new configuration (a config with errors
 * is refused and the running one kept), plan it against the interfaces as they are now, diff
 * it with the running plan (plan-diff.ts), and turn the diff into the worker's reload message.
 */
import { formatDiagnostic } from '../base/diagnostics.js';
import type { KeepalivedConfig } from '../config/model.js';
import { readInterfacesAtStart } from '../sys/interface-table.js';
import { vrrpSchedulingOf } from '../sys/worker-scheduling.js';
import type { CliOptions } from './args.js';
import { diffPlans, formatPlanDiff, isNoop, type PlanDiff, type RunningPlan } from './plan-diff.js';
import { readConfig } from './read-config.js';
import { type InterfaceInfo, planVrrp, syncGroupSpecs, type VmacBinding } from './vrrp-plan.js';
import type { WorkerReload } from './worker-protocol.js';

export interface PreparedReload {
  readonly config: KeepalivedConfig;
  readonly interfaces: ReadonlyMap<string, InterfaceInfo>;
  readonly running: RunningPlan;
  readonly diff: PlanDiff;
}

/** The running plan of a config as planned (what the snapshot holds and a reload compares). */
export function runningPlanOf(config: KeepalivedConfig, instances: RunningPlan['instances']): RunningPlan {
  return { instances, scripts: config.vrrp.scripts };
}

/**
 * Reads the config the command line names and diffs it with `running`; undefined (after
 * logging why) when it has errors: keepalived's reload keeps the running config then.
 */
export async function prepareReload(
  o: CliOptions,
  running: RunningPlan,
  log: (text: string) => void,
  /** The config already read (the daemon sets its VMACs up between reading and planning). */
  read?: { readonly loaded: ReturnType<typeof readConfig>; readonly vmacs: ReadonlyMap<string, VmacBinding> },
  /** How the log lines name it: a SIGHUP, or the daemon re-planning the running config. */
  what: 'Reload' | 'Re-plan' = 'Reload',
): Promise<PreparedReload | undefined> {
  const loaded = read?.loaded ?? readConfig(o);
  if (loaded.config === undefined || loaded.exitStatus >= 4) {
    for (const d of loaded.diagnostics) log(formatDiagnostic(d));
    log('Reload failed: the configuration has errors - keeping the running one');
    return undefined;
  }
  // As at start: an instance added on a link that is down is planned (it starts in FAULT).
  const interfaces = await readInterfacesAtStart();
  const plan = planVrrp(loaded.config, interfaces, read?.vmacs);
  for (const m of plan.messages) log(m);
  const next = runningPlanOf(loaded.config, o.checkOnly ? [] : plan.instances);
  const diff = diffPlans(running, next);
  for (const line of formatPlanDiff(diff)) if (!line.endsWith(': unchanged')) log(`${what}: ${line}`);
  log(isNoop(diff) ? `${what} complete: no VRRP change` : `${what} complete`);
  return { config: loaded.config, interfaces, running: next, diff };
}

/** Names the new plan starts afresh: added, and restarted under a kept identity. */
export function freshInstances(diff: PlanDiff): Set<string> {
  return new Set(
    diff.instances.filter((c) => c.kind === 'added' || c.kind === 'replaced').map((c) => c.name),
  );
}

/** The worker's message; `previous` is the config the leaving instances come from. */
export function workerReload(
  r: PreparedReload,
  previous: KeepalivedConfig,
  events: WorkerReload['events'],
): WorkerReload {
  const notifyDeleted = (name: string) =>
    previous.vrrp.instances.find((v) => v.name === name)?.notify.notifyDeleted ?? false;
  const removed: WorkerReload['removed'][number][] = [];
  const changed: WorkerReload['changed'][number][] = [];
  for (const c of r.diff.instances) {
    if (c.kind === 'removed') removed.push({ name: c.name, notifyDeleted: notifyDeleted(c.name) });
    else if (c.kind === 'replaced')
      removed.push({ name: c.oldName, notifyDeleted: notifyDeleted(c.oldName) });
    else if (c.kind === 'changed')
      changed.push({ name: c.name, delta: { added: c.vipsAdded, removed: c.vipsRemoved } });
  }
  return {
    instances: r.running.instances,
    interfaces: [...r.interfaces.values()],
    removed,
    changed,
    added: [...freshInstances(r.diff)],
    events,
    syncGroups: syncGroupSpecs(r.config, r.running.instances),
    scheduling: vrrpSchedulingOf(r.config.global),
  };
}
