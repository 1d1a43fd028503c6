/**
 * Notify scripts (notify_master / _backup / _fault / _stop, notify, notify_master_rx_lower_pri)
 * run as keepalived 2.2.7's notify_exec runs them (lib/notify.c system_call_script without a
 * callback): through the ScriptRunner, so as the script's `user [group]` or else script_user
 * (uid, gid, supplementary groups cleared), cwd /, in a process group of its own, with the
 * daemon's environment, stdio on /dev/null; asynchronously on the main thread (the VRRP worker
 * sends adverts meanwhile), never timed out, always reaped; a failed exec logs keepalived's
 * "Error exec-ing command 'PATH', error N: TEXT".
 * keepalived sets PR_SET_PDEATHSIG(SIGTERM) so an exec'd notify script is signalled when the
 * VRRP process ends; Node cannot, and killing a notify_stop script as the daemon exits is
 * rarely wanted, so running scripts are left to finish and do not hold the daemon's exit.
 */
import type { ScriptUser } from '../config/model/global.js';
import type { NotifyRun } from '../notify/instance-notify.js';
import { ScriptRunner } from '../sys/script-runner.js';
import type { ScriptExecutor } from '../track/script-scheduler.js';
import { idsOf } from './tracking.js';

export interface NotifyScriptsOptions {
  readonly log: (line: string) => void;
  /** global_defs script_user (undefined: the daemon's own user). */
  readonly scriptUser: ScriptUser | undefined;
  /** Tests pass a fake. */
  readonly executor?: ScriptExecutor;
}

export class NotifyScripts {
  readonly #opts: NotifyScriptsOptions;
  readonly #executor: ScriptExecutor;

  constructor(opts: NotifyScriptsOptions) {
    this.#opts = opts;
    this.#executor = opts.executor ?? new ScriptRunner({ log: opts.log, unref: true });
  }

  /** Starts the script and returns at once. */
  run(r: NotifyRun): void {
    const ids = idsOf(r.script.runAs ?? this.#opts.scriptUser);
    const name = r.args[0] ?? '';
    void this.#executor.run({ name, args: r.args, timeoutUs: Number.POSITIVE_INFINITY, ...ids });
  }
}
