/**
 * `keepalived-ts --reload-plan -f NEW [-p PIDFILE]`: what a SIGHUP with NEW would change in the
 * running daemon, without touching it (keepalived has no dry run). The running plan comes from
 * the snapshot the daemon keeps beside its pid file (plan-snapshot.ts), the new one is planned
 * here against this machine's interfaces, as the daemon's reload would.
 * Exit status: 0 the plan is printed; 3 no keepalived-ts daemon runs under that pid file (or it
 * left no snapshot); otherwise a reload would refuse the config: -t's status (4 or more).
 */
import { formatDiagnostic } from '../base/diagnostics.js';
import { readInterfacesAtStart } from '../sys/interface-table.js';
import type { CliOptions } from './args.js';
import { DEFAULT_PID_FILE } from './daemon.js';
import { diffPlans, formatPlanDiff, isNoop } from './plan-diff.js';
import { type PlanSnapshot, readSnapshot, snapshotPath } from './plan-snapshot.js';
import { readConfig } from './read-config.js';
import { runningPlanOf } from './reload.js';
import { expectedVmacs } from './vmac-plan.js';
import { planVrrp } from './vrrp-plan.js';

export const EXIT_NOT_RUNNING = 3;

export interface ReloadPlanIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function livePid(pidFile: string, read: (path: string) => string): number | undefined {
  try {
    const pid = Number(read(pidFile).trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? -1 : undefined;
  }
}

export async function runReloadPlan(
  o: CliOptions,
  io: ReloadPlanIo,
  read: (path: string) => string,
): Promise<number> {
  const pidFile = o.pidFile ?? DEFAULT_PID_FILE;
  const pid = livePid(pidFile, read);
  if (pid === undefined) {
    io.stderr(`keepalived-ts: no daemon is running (no live process in ${pidFile}) - nothing to reload\n`);
    return EXIT_NOT_RUNNING;
  }
  const path = snapshotPath(pidFile);
  let snapshot: PlanSnapshot;
  try {
    snapshot = readSnapshot(path);
  } catch (e) {
    io.stderr(
      `keepalived-ts: the daemon of ${pidFile} left no running plan in ${path} (${(e as Error).message}); is it keepalived-ts?\n`,
    );
    return EXIT_NOT_RUNNING;
  }
  const loaded = readConfig(o);
  for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (loaded.config === undefined || loaded.exitStatus >= 4) {
    io.stderr(
      `keepalived-ts: a reload would refuse ${o.configFile} (it has errors) and keep the running configuration\n`,
    );
    return Math.max(4, loaded.exitStatus);
  }
  const vmacs = expectedVmacs(
    loaded.config.vrrp.instances,
    snapshot.plan.instances,
    // As the daemon's reload: with the addresses of links that are down.
    await readInterfacesAtStart(),
    loaded.config.global.vmacPrefix,
  );
  const plan = planVrrp(loaded.config, vmacs.interfaces, vmacs.bindings);
  for (const m of plan.messages) io.stderr(`${m}\n`);
  const diff = diffPlans(snapshot.plan, runningPlanOf(loaded.config, plan.instances));
  io.stdout(`Reload of ${o.configFile} into the daemon ${snapshot.pid} (running ${snapshot.configFile}):\n`);
  for (const line of formatPlanDiff(diff)) io.stdout(`  ${line}\n`);
  io.stdout(
    isNoop(diff) ? 'No VRRP change.\n' : 'Unchanged instances keep their state; nothing else is touched.\n',
  );
  return 0;
}
