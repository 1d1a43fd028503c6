/**
 * Runs every vrrp_script on its interval and keeps each one's status (script-tracker.ts). Time
 * and processes come in through two ports, a Clock and an executor, so tests drive it with
 * src/testing/fake-clock.ts and a fake executor; the daemon passes src/sys/real-clock.ts and
 * src/sys/script-runner.ts.
 *
 * keepalived 2.2.7 (vrrp/vrrp_scheduler.c):
 *  - vrrp_init_script queues every script to run at once at start-up; vrrp_script_thread then
 *    re-arms itself `interval` after each tick (measured from the tick, not from the script's end).
 *  - A run gets `timeout` (or `interval` when timeout is 0) before it is terminated; the executor
 *    carries out keepalived's SIGTERM, 2 s, SIGKILL sequence on the process group.
 *  - When a tick finds the previous run still going, keepalived logs "Track script X is already
 *    running, expect idle - skipping run" (or "being timed out"). 2.2.7 lost the `return` after
 *    that line and starts a second copy anyway (1.x and 2.0 returned); we skip, as the message
 *    says, so one script never runs twice at once.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import type { VrrpScriptConfig } from '../config/model/vrrp-extras.js';
import {
  initialScriptState,
  type ScriptRunResult,
  type ScriptStatus,
  type ScriptStatusChange,
  type ScriptTrackerOptions,
  type ScriptTrackerState,
  stepScript,
} from './script-tracker.js';

export interface ScriptRunRequest {
  /** The vrrp_script name, for log lines. */
  readonly name: string;
  /** argv as keepalived split the `script` line. */
  readonly args: readonly string[];
  readonly uid?: number;
  readonly gid?: number;
  readonly timeoutUs: number;
  /** Aborting ends the run early (shutdown): the executor terminates the process group. */
  readonly signal?: AbortSignal;
  /** Called once the process exists (keepalived's script debug "Running script ... with pid"). */
  readonly onSpawn?: (pid: number) => void;
  /** Called when the timeout fires and termination starts. */
  readonly onTerminating?: () => void;
}

/** Runs one script to its end. Never rejects: every failure is a ScriptRunResult. */
export interface ScriptExecutor {
  run(request: ScriptRunRequest): Promise<ScriptRunResult>;
}

export interface ScheduledScript {
  readonly config: VrrpScriptConfig;
  /** Resolved `user [group]` (or the default script user); absent = run as ourselves. */
  readonly ids?: { readonly uid: number; readonly gid: number };
  /** The verdict to start from (a reload carries it over, script-reload.ts); default initial. */
  readonly tracker?: ScriptTrackerState;
}

export interface ScriptChangeEvent extends ScriptStatusChange {
  readonly name: string;
}

export interface ScriptSchedulerOptions extends ScriptTrackerOptions {
  /** src/sys/real-clock.ts in the daemon, src/testing/fake-clock.ts in tests. */
  readonly timer: Clock;
  readonly executor: ScriptExecutor;
  readonly log: (line: string) => void;
  /** A script's status changed; recompute the instances that track it (priority.ts). */
  readonly onChange: (event: ScriptChangeEvent) => void;
}

export interface ScriptRuntimeView {
  readonly tracker: ScriptTrackerState;
  readonly running: boolean;
  readonly runs: number;
  readonly skipped: number;
}

interface Entry {
  readonly script: ScheduledScript;
  tracker: ScriptTrackerState;
  handle: TimerHandle;
  running: boolean;
  terminating: boolean;
  runs: number;
  skipped: number;
  inFlight: Promise<void> | undefined;
}

export class ScriptScheduler {
  readonly #opts: ScriptSchedulerOptions;
  readonly #entries = new Map<string, Entry>();
  #started = false;
  #stopped = false;
  #abort = new AbortController();

  constructor(scripts: readonly ScheduledScript[], options: ScriptSchedulerOptions) {
    this.#opts = options;
    for (const script of scripts) {
      this.#entries.set(script.config.name, {
        script,
        tracker: script.tracker ?? initialScriptState(script.config, options),
        handle: undefined,
        running: false,
        terminating: false,
        runs: 0,
        skipped: 0,
        inFlight: undefined,
      });
    }
  }

  /** Every script runs now, then each `interval`. Idempotent; no restart after stop(). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    const now = this.#opts.timer.nowUs();
    for (const e of this.#entries.values()) e.handle = this.#opts.timer.schedule(now, () => this.#tick(e));
  }

  /**
   * Cancels the timers and ends running scripts (keepalived's script_killall at shutdown).
   * Resolves once every run has ended; results arriving after stop() change nothing. Idempotent.
   */
  stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      for (const e of this.#entries.values()) this.#opts.timer.cancel(e.handle);
      this.#abort.abort();
    }
    const pending = [...this.#entries.values()].map((e) => e.inFlight).filter((p) => p !== undefined);
    return Promise.all(pending).then(() => undefined);
  }

  status(name: string): ScriptStatus | undefined {
    return this.#entries.get(name)?.tracker.status;
  }

  /** For status dumps and tests. */
  view(name: string): ScriptRuntimeView | undefined {
    const e = this.#entries.get(name);
    return e && { tracker: e.tracker, running: e.running, runs: e.runs, skipped: e.skipped };
  }

  #tick(e: Entry): void {
    if (this.#stopped) return;
    const { config } = e.script;
    const timer = this.#opts.timer;
    e.handle = timer.schedule(timer.nowUs() + config.intervalUs, () => this.#tick(e));
    if (e.running) {
      e.skipped++;
      this.#opts.log(
        `Track script ${config.name} is ${e.terminating ? 'being timed out' : 'already running'}, expect idle - skipping run`,
      );
      return;
    }
    e.running = true;
    e.terminating = false;
    e.runs++;
    const ids = e.script.ids;
    const request: ScriptRunRequest = {
      name: config.name,
      args: config.script.args,
      ...(ids && { uid: ids.uid, gid: ids.gid }),
      timeoutUs: config.timeoutUs > 0 ? config.timeoutUs : config.intervalUs,
      signal: this.#abort.signal,
      onTerminating: () => {
        e.terminating = true;
      },
    };
    let run: Promise<ScriptRunResult>;
    try {
      run = this.#opts.executor.run(request);
    } catch (err) {
      run = Promise.resolve({ spawnError: String(err) });
    }
    e.inFlight = run
      .catch((err: unknown): ScriptRunResult => ({ spawnError: String(err) }))
      .then((result) => this.#complete(e, result))
      .catch((err: unknown) => {
        // A listener's throw must not become an unhandled rejection that ends the daemon.
        e.running = false;
        e.inFlight = undefined;
        this.#opts.log(`Track script ${config.name}: result handler failed: ${String(err)}`);
      });
  }

  #complete(e: Entry, result: ScriptRunResult): void {
    e.running = false;
    e.terminating = false;
    e.inFlight = undefined;
    if (this.#stopped) return;
    const step = stepScript(e.script.config, e.tracker, { kind: 'result', ...result });
    e.tracker = step.state;
    for (const line of step.logs) this.#opts.log(line);
    if (step.change) this.#opts.onChange({ name: e.script.config.name, ...step.change });
  }
}
