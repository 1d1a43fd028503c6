/**
 * One vrrp_script's verdict, pure: the outcome of each run goes in, the script's status
 * (init / up / down) and keepalived's log lines come out. No processes, no time: the scheduler
 * (script-scheduler.ts) runs the script and feeds the outcome here.
 *
 * Semantics are keepalived 2.2.7's (vrrp/vrrp_scheduler.c vrrp_init_script and
 * vrrp_script_child_thread, include/vrrp_track.h):
 *  - keepalived keeps one counter, `result`, in 0..rise+fall-1: below `rise` the script is
 *    failing, from `rise` up it is succeeding. A success counts up (and jumps to rise+fall-1
 *    once it reaches rise); a failure counts down while above rise and otherwise drops to 0. So
 *    `rise` consecutive successes bring it up and `fall` consecutive failures take it down; a
 *    single opposite result resets the count.
 *  - At start (init_state INIT) result is rise-1 and the first result decides at once, either way
 *    ("one success is enough"; one failure takes it down whatever `fall` is).
 *  - Success is exit status 0 and nothing else. Any other status fails, so does death by a
 *    signal; a run killed after its timeout fails as "timed_out". No exit status is special to
 *    the verdict (127/126 matter only in keepalived's system() path, which turns them into 0).
 *    A script that traps the timeout's SIGTERM and then exits 0 counts as a success, as in
 *    keepalived, which judges by the wait status alone.
 *  - `init_fail` (vrrp_parser.c vrrp_vscript_init_fail_handler) sets init_state FAILED, but every
 *    `track_script` line that refers to the script (vrrp_track.c alloc_track_script) resets it to
 *    INIT, and keepalived drops scripts nothing tracks; so in 2.2.7 init_fail never has an
 *    effect. `honourInitFail` gives its documented meaning (start down with result 0, `rise`
 *    successes to come up) for those who want it; the default follows keepalived.
 * Reload (INIT_RELOAD and clear_diff_script's carrying of results) is not modelled here yet.
 */
import type { VrrpScriptConfig } from '../config/model/vrrp-extras.js';

/** `init` until the first result; keepalived's init_state INIT. */
export type ScriptStatus = 'init' | 'up' | 'down';

/** How one run ended, as the process adapter reports it. */
export type ScriptRunResult =
  /** The script exited on its own with this status. */
  | { readonly exitCode: number }
  /** Killed by a signal we did not send (number, as keepalived logs it). */
  | { readonly signal: number }
  /** Killed after its timeout (or when the scheduler stopped). */
  | { readonly timedOut: true }
  /** Never ran: exec failed (ENOENT, EACCES, setuid refused, ...). `spawnError` names the errno. */
  | { readonly spawnError: string };

export type ScriptTrackerInput = { readonly kind: 'result' } & ScriptRunResult;

export type ScriptTrackerParams = Pick<VrrpScriptConfig, 'name' | 'rise' | 'fall'>;

export interface ScriptTrackerState {
  /** keepalived's result: 0..rise-1 failing, rise..rise+fall-1 succeeding. */
  readonly result: number;
  readonly status: ScriptStatus;
  /** The last exit status; keepalived's starts at 0 so a first success is not logged. */
  readonly lastExitCode: number;
}

export interface ScriptStatusChange {
  readonly from: ScriptStatus;
  readonly to: 'up' | 'down';
}

export interface ScriptTrackerStep {
  readonly state: ScriptTrackerState;
  /** Set when the status changed; the instances tracking the script must be recomputed. */
  readonly change: ScriptStatusChange | undefined;
  /** keepalived's log lines for this result, in order. */
  readonly logs: readonly string[];
}

export interface ScriptTrackerOptions {
  /** Give init_fail its documented meaning (see the file comment); keepalived 2.2.7 ignores it. */
  readonly honourInitFail?: boolean;
}

/** vrrp_init_script: result rise-1 in INIT ("one success is enough"), 0 when failed by config. */
export function initialScriptState(
  config: Pick<VrrpScriptConfig, 'rise' | 'initFail'>,
  options: ScriptTrackerOptions = {},
): ScriptTrackerState {
  if (config.initFail && options.honourInitFail) return { result: 0, status: 'down', lastExitCode: 0 };
  return { result: config.rise - 1, status: 'init', lastExitCode: 0 };
}

/** Whether the counter says "succeeding" (keepalived's `result >= rise`, dump's GOOD/BAD). */
export function isSucceeding(params: Pick<VrrpScriptConfig, 'rise'>, state: ScriptTrackerState): boolean {
  return state.result >= params.rise;
}

/** What keepalived's vrrp_script_child_thread makes of one wait status. */
function judge(input: ScriptRunResult): { success: boolean; exitType: string; reason?: string } {
  if ('exitCode' in input) {
    return input.exitCode === 0
      ? { success: true, exitType: 'succeeded' }
      : { success: false, exitType: 'failed', reason: `exited with status ${input.exitCode}` };
  }
  if ('signal' in input)
    return { success: false, exitType: 'failed', reason: `due to signal ${input.signal}` };
  if ('timedOut' in input) return { success: false, exitType: 'timed_out' };
  // Not a keepalived case: its child exits 0 after a failed execve. We count it as a failure.
  return { success: false, exitType: 'failed', reason: `could not be run: ${input.spawnError}` };
}

/** One run's outcome: keepalived's rise/fall counting, its log lines, and any status change. */
export function stepScript(
  params: ScriptTrackerParams,
  state: ScriptTrackerState,
  input: ScriptTrackerInput,
): ScriptTrackerStep {
  const logs: string[] = [];
  const { rise, fall, name } = params;
  const full = rise + fall - 1;
  let { result, lastExitCode } = state;
  let to: 'up' | 'down' | undefined;

  if ('exitCode' in input) {
    if (input.exitCode !== lastExitCode) logs.push(`Script \`${name}\` now returning ${input.exitCode}`);
    lastExitCode = input.exitCode;
  }

  const verdict = judge(input);
  if (verdict.success) {
    if (result < rise - 1) result++;
    else if (result !== full) {
      if (result < rise) {
        logs.push(`VRRP_Script(${name}) ${verdict.exitType}`);
        to = 'up';
      }
      result = full;
    }
  } else if (result > rise) {
    result--;
  } else {
    if (result === rise || state.status === 'init') {
      logs.push(
        verdict.reason === undefined
          ? `VRRP_Script(${name}) ${verdict.exitType}`
          : `VRRP_Script(${name}) ${verdict.exitType} (${verdict.reason})`,
      );
      to = 'down';
    }
    result = 0;
  }

  // From init (result rise-1) every outcome sets `to`: keepalived's first result always decides.
  const status = to ?? state.status;
  const change = to !== undefined && to !== state.status ? { from: state.status, to } : undefined;
  return { state: { result, status, lastExitCode }, change, logs };
}
