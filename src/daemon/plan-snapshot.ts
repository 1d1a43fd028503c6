/**
 * The running plan on disk, for `--reload-plan`: the daemon writes what it runs next to its
 * pid file (`keepalived.pid` -> `keepalived.plan.json`) at start and after every reload, and
 * removes it at stop. JSON, with each instance's VIP map as a list of pairs.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { RunningPlan } from './plan-diff.js';
import type { PlannedInstance, PlannedVip } from './vrrp-plan.js';

const FORMAT = 'keepalived-ts plan 1';

export interface PlanSnapshot {
  /** The daemon that runs the plan. */
  readonly pid: number;
  readonly configFile: string;
  readonly plan: RunningPlan;
}

/** `/run/keepalived.pid` -> `/run/keepalived.plan.json`; a name without `.pid` gets the suffix. */
export function snapshotPath(pidFile: string): string {
  return `${pidFile.endsWith('.pid') ? pidFile.slice(0, -4) : pidFile}.plan.json`;
}

export function encodeSnapshot(s: PlanSnapshot): string {
  const instances = s.plan.instances.map((i) => ({
    params: i.params,
    wiring: { ...i.wiring, vips: [...i.wiring.vips] },
  }));
  return `${JSON.stringify({ format: FORMAT, pid: s.pid, configFile: s.configFile, instances, scripts: s.plan.scripts })}\n`;
}

/** Throws a readable Error when the text is not a snapshot this version wrote. */
export function decodeSnapshot(text: string): PlanSnapshot {
  const raw = JSON.parse(text) as {
    format?: unknown;
    pid?: unknown;
    configFile?: unknown;
    instances?: {
      params: PlannedInstance['params'];
      wiring: Omit<PlannedInstance['wiring'], 'vips'> & { vips: [string, PlannedVip][] };
    }[];
    scripts?: RunningPlan['scripts'];
  };
  if (raw.format !== FORMAT || typeof raw.pid !== 'number' || !Array.isArray(raw.instances))
    throw new Error(`not a ${FORMAT} snapshot`);
  const instances: PlannedInstance[] = raw.instances.map((i) => ({
    params: i.params,
    wiring: { ...i.wiring, vips: new Map(i.wiring.vips) },
  }));
  return {
    pid: raw.pid,
    configFile: typeof raw.configFile === 'string' ? raw.configFile : '',
    plan: { instances, scripts: raw.scripts ?? [] },
  };
}

/** Written beside and renamed over, so a reader never sees half a file. */
export function writeSnapshot(path: string, s: PlanSnapshot): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, encodeSnapshot(s));
  renameSync(tmp, path);
}

export function readSnapshot(path: string): PlanSnapshot {
  return decodeSnapshot(readFileSync(path, 'utf8'));
}

export function removeSnapshot(path: string): void {
  rmSync(path, { force: true });
}
