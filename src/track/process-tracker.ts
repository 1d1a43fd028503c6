/**
 * Every vrrp_track_process the instances use, fed with snapshots of the process table (the
 * scanner, src/sys/proc-scan.ts, provides them): which processes match each one
 * (process-match.ts), and its quorum with the fork / terminate delays (process-quorum.ts),
 * whose timers run on the injected Clock. Reports "Quorum gained/lost for tracked process NAME"
 * as keepalived does, and each change of status to the caller.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import type { TrackProcessConfig } from '../config/model/vrrp-extras.js';
import { type ProcessInfo, type ProcessMatcher, processMatcher } from './process-match.js';
import { initialQuorum, type QuorumState, stepQuorum } from './process-quorum.js';

export interface ProcessTrackerOptions {
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly onChange: (name: string, up: boolean) => void;
}

interface Entry {
  readonly config: TrackProcessConfig;
  readonly match: ProcessMatcher;
  pids: ReadonlySet<number>;
  state: QuorumState;
  timer: TimerHandle | undefined;
}

export class ProcessTracker {
  readonly #opts: ProcessTrackerOptions;
  readonly #entries: Entry[];

  /** `initial` is the first snapshot: each process's status as keepalived has it at start. */
  constructor(
    configs: readonly TrackProcessConfig[],
    initial: readonly ProcessInfo[],
    opts: ProcessTrackerOptions,
  ) {
    this.#opts = opts;
    this.#entries = configs.map((config) => {
      const match = processMatcher(config);
      const pids = new Set(initial.filter(match).map((p) => p.pid));
      return { config, match, pids, state: initialQuorum(config, pids.size), timer: undefined };
    });
  }

  /** Whether the process has its quorum; undefined for a name not tracked. */
  status(name: string): boolean | undefined {
    return this.#entries.find((e) => e.config.name === name)?.state.up;
  }

  /** The matching pids (for diagnostics and tests). */
  pids(name: string): readonly number[] {
    return [...(this.#entries.find((e) => e.config.name === name)?.pids ?? [])];
  }

  /** A new snapshot of the process table. */
  update(procs: readonly ProcessInfo[]): void {
    const nowUs = this.#opts.clock.nowUs();
    for (const e of this.#entries) {
      const matched = procs.filter(e.match);
      const pids = new Set(matched.map((p) => p.pid));
      const fresh = matched.filter((p) => !e.pids.has(p.pid));
      // A fork if every newcomer's parent was counted (nginx workers), not a fresh exec.
      const forked = fresh.length > 0 && fresh.every((p) => e.pids.has(p.ppid));
      e.pids = pids;
      this.#apply(e, stepQuorum(e.config, e.state, { kind: 'count', count: pids.size, forked, nowUs }));
    }
  }

  stop(): void {
    for (const e of this.#entries) this.#opts.clock.cancel(e.timer);
  }

  #apply(e: Entry, next: QuorumState): void {
    const prev = e.state;
    e.state = next;
    if (next.timer !== prev.timer) {
      this.#opts.clock.cancel(e.timer);
      e.timer = undefined;
      if (next.timer !== undefined) {
        e.timer = this.#opts.clock.schedule(next.timer.atUs, () => {
          e.timer = undefined;
          this.#apply(e, stepQuorum(e.config, e.state, { kind: 'timer', nowUs: this.#opts.clock.nowUs() }));
        });
      }
    }
    if (next.up !== prev.up) {
      this.#opts.log(`Quorum ${next.up ? 'gained' : 'lost'} for tracked process ${e.config.name}`);
      this.#opts.onChange(e.config.name, next.up);
    }
  }
}
