/**
 * Runs one script as keepalived 2.2.7 runs a vrrp_script (lib/notify.c system_call_script,
 * vrrp/vrrp_scheduler.c vrrp_script_child_thread, lib/notify.c script_killall):
 *  - argv is exec'd directly (execve), never through a shell, except keepalived's file test form
 *    `</path` (check_script_secure's SC_SYSTEM), which only /bin/sh can run; keepalived passes
 *    it to system() with every word but a leading `<`/`>` one put in single quotes (cmd_str_r).
 *  - In the child: the script's gid (supplementary groups cleared) and uid, default signal
 *    dispositions, stdin/stdout/stderr on /dev/null (the daemon's own stdio is /dev/null and
 *    set_std_fd redirects them in foreground mode), cwd "/" (xdaemon's chdir), our environment,
 *    and a process group of its own so the whole tree can be signalled. Node's `detached` gives
 *    a new session rather than just a new group (setsid vs setpgid); the group id is the pid
 *    either way.
 *  - At the timeout: SIGTERM to the group; 2 s later SIGKILL to the group; then SIGKILL again
 *    every 10 s, logging "failed to terminate after kill". A run that then dies of SIGTERM (or
 *    of SIGKILL/SIGTERM once forcing) is "timed out"; one that exits with a status is judged by
 *    the status, as keepalived does.
 *  - When a terminated script's leader dies, keepalived SIGKILLs the group so its children go
 *    too (only when the leader died of SIGTERM); we do so whenever we had started terminating,
 *    so a timed-out run never leaves processes behind. A script that ends on its own is left
 *    alone, with any background children it chose to leave, as keepalived leaves them.
 *  - Shutdown (abort): SIGTERM to the group, SIGKILL 1 s later (script_killall + child_killed_thread).
 * Differences: keepalived's child logs a failed execve and exits 0 (a success: "Script errors
 * aren't server errors"); here it is a failure result with the same log line. keepalived sets
 * PR_SET_PDEATHSIG so scripts die with the daemon; Node cannot, so stop() must be called.
 * Node reaps every child it spawns, so no run leaves a zombie.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import type { ScriptExecutor, ScriptRunRequest } from '../track/script-scheduler.js';
import type { ScriptRunResult } from '../track/script-tracker.js';

export interface ScriptRunnerOptions {
  readonly log?: (line: string) => void;
  /** keepalived: 2 s between the timeout's SIGTERM and the SIGKILL. */
  readonly termGraceUs?: number;
  /** keepalived: SIGKILL repeated every 10 s while the script survives. */
  readonly killRetryUs?: number;
  /** keepalived: 1 s between the shutdown SIGTERM and SIGKILL. */
  readonly abortGraceUs?: number;
  /** Children do not keep the daemon alive (notify scripts may outlive its stop). */
  readonly unref?: boolean;
}

export const SCRIPT_RUNNER_DEFAULTS = {
  termGraceUs: 2_000_000,
  killRetryUs: 10_000_000,
  abortGraceUs: 1_000_000,
} as const;

/** The executable and its arguments as keepalived would run `args`. */
export function scriptArgv(args: readonly string[]): { file: string; args: string[] } {
  const first = args[0] ?? '';
  // check_script_secure: "<" then optional blanks then "/" is a file test for system().
  if (/^<[ \t]*\//.test(first)) {
    const words = args.map((w, i) => (i === 0 && (w.startsWith('<') || w.startsWith('>')) ? w : `'${w}'`));
    return { file: '/bin/sh', args: ['-c', words.join(' ')] };
  }
  return { file: first, args: args.slice(1) };
}

/** setTimeout's limit; longer delays would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const usToMs = (us: number): number => Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(us / 1000)));

/** Runs a caller's hook; a throw there must not leave a run unattended or crash a timer. */
function safely<A extends unknown[]>(hook: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    hook?.(...args);
  } catch {
    // The hook's own problem.
  }
}

function errnoText(err: unknown): { code: string; errno: number; text: string } {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : 'UNKNOWN';
  const errnoNeg =
    typeof e?.errno === 'number' ? e.errno : -((constants.errno as Record<string, number>)[code] ?? 0);
  const uvText = getSystemErrorMap().get(errnoNeg)?.[1] ?? String(e?.message ?? err);
  // libuv words errors as strerror(3) does, in lower case; keepalived's %m starts upper case.
  const text = uvText.charAt(0).toUpperCase() + uvText.slice(1);
  return { code, errno: Math.abs(errnoNeg), text };
}

type Phase = 'running' | 'terminating' | 'forcing';

export class ScriptRunner implements ScriptExecutor {
  readonly #log: (line: string) => void;
  readonly #termGraceMs: number;
  readonly #killRetryMs: number;
  readonly #abortGraceMs: number;
  readonly #unref: boolean;
  #active = 0;

  constructor(options: ScriptRunnerOptions = {}) {
    this.#log = options.log ?? (() => {});
    this.#termGraceMs = usToMs(options.termGraceUs ?? SCRIPT_RUNNER_DEFAULTS.termGraceUs);
    this.#killRetryMs = usToMs(options.killRetryUs ?? SCRIPT_RUNNER_DEFAULTS.killRetryUs);
    this.#abortGraceMs = usToMs(options.abortGraceUs ?? SCRIPT_RUNNER_DEFAULTS.abortGraceUs);
    this.#unref = options.unref ?? false;
  }

  /** Runs in progress (spawned and not yet reaped). */
  get active(): number {
    return this.#active;
  }

  run(request: ScriptRunRequest): Promise<ScriptRunResult> {
    return new Promise((resolve) => this.#start(request, resolve));
  }

  #start(req: ScriptRunRequest, resolve: (r: ScriptRunResult) => void): void {
    const { file, args } = scriptArgv(req.args);
    const spawnFailed = (err: unknown): void => {
      const { code, errno, text } = errnoText(err);
      // keepalived's line, then what we make of it.
      this.#log(`Error exec-ing command '${file}', error ${errno}: ${text}`);
      resolve({ spawnError: code });
    };
    if (req.signal?.aborted) {
      resolve({ timedOut: true });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        detached: true,
        stdio: 'ignore',
        cwd: '/',
        env: process.env,
        ...(req.uid !== undefined && { uid: req.uid }),
        ...(req.gid !== undefined && { gid: req.gid }),
      });
    } catch (err) {
      // Errors other than ENOENT/EACCES/EAGAIN/EMFILE/ENFILE (e.g. EPERM from setuid) throw.
      spawnFailed(err);
      return;
    }
    const pid = child.pid;
    if (pid === undefined) {
      // ENOENT & co. arrive as an 'error' event on the next tick; nothing was forked.
      child.once('error', spawnFailed);
      return;
    }
    this.#active++;
    if (this.#unref) child.unref();
    let phase: Phase = 'running';
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, fn: () => void): void => {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
    const force = (): void => {
      phase = 'forcing';
      this.#killGroup(pid, 'SIGKILL');
      arm(this.#killRetryMs, () => {
        this.#log(`Script ${req.name} child (PID ${pid}) failed to terminate after kill`);
        force();
      });
    };
    const terminate = (graceMs: number): void => {
      if (phase !== 'running') return;
      phase = 'terminating';
      safely(req.onTerminating);
      this.#killGroup(pid, 'SIGTERM');
      // Armed even if kill failed: the exit handler clears it, and a survivor gets SIGKILL.
      arm(graceMs, force);
    };
    const onAbort = (): void => terminate(this.#abortGraceMs);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    // Notify scripts have no timeout (keepalived's notify_exec): Infinity arms nothing.
    if (Number.isFinite(req.timeoutUs)) arm(usToMs(req.timeoutUs), () => terminate(this.#termGraceMs));

    child.on('error', (err) => {
      // After a successful spawn only kill() reports here, and we do not use child.kill().
      this.#log(`Script ${req.name} child (PID ${pid}): ${String(err)}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      this.#active--;
      // The leader is reaped; take the rest of a terminated script's group with it.
      if (phase !== 'running') this.#killGroup(pid, 'SIGKILL');
      if (code !== null) {
        resolve({ exitCode: code });
        return;
      }
      const timedOut =
        (phase === 'terminating' && signal === 'SIGTERM') ||
        (phase === 'forcing' && (signal === 'SIGKILL' || signal === 'SIGTERM'));
      if (timedOut) resolve({ timedOut: true });
      else resolve({ signal: (signal && constants.signals[signal]) || 0 });
    });
    safely(req.onSpawn, pid);
  }

  /** kill(-pgid): false when the group is gone (ESRCH) or out of reach. */
  #killGroup(pgid: number, signal: NodeJS.Signals): boolean {
    try {
      process.kill(-pgid, signal);
      return true;
    } catch (err) {
      const { code } = errnoText(err);
      if (code !== 'ESRCH')
        this.#log(`kill -${constants.signals[signal]} of process group ${pgid} failed: ${code}`);
      return false;
    }
  }
}
