/**
 * track_process in the daemon: the /proc scanner (src/sys/proc-scan.ts) on a timer feeding the
 * pure ProcessTracker. Only the vrrp_track_process blocks some instance tracks are followed,
 * and nothing is scanned when there are none. Scans run every PROC_SCAN_INTERVAL_MS, or less
 * often on hosts where one scan takes long (about 20-30 µs of CPU per process), so that
 * scanning never takes more than 2 % of a core: with 1,000 processes, about every 1.5 s. The first scan happens in the constructor, so the
 * instances start with keepalived's initial quorum (its read_procs before the first advert).
 */
import type { Clock } from '../base/clock.js';
import type { KeepalivedConfig } from '../config/model.js';
import { PROC_SCAN_INTERVAL_MS, type ProcScanOptions, scanProcesses } from '../sys/proc-scan.js';
import type { BinaryStatus } from '../track/priority.js';
import { ProcessTracker } from '../track/process-tracker.js';

/** A scan waits at least this many times its own duration after it: at most 2 % of a core. */
const MAX_SCAN_SHARE_INV = 50;

export interface ProcessTrackingOptions {
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly onChange: (name: string) => void;
  readonly intervalMs?: number;
}

export class ProcessTracking {
  readonly #tracker: ProcessTracker | undefined;
  readonly #scan: ProcScanOptions;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(config: KeepalivedConfig, opts: ProcessTrackingOptions) {
    const tracked = new Set(config.vrrp.instances.flatMap((v) => v.trackProcesses.map((t) => t.name)));
    const configs = config.vrrp.trackProcesses.filter((p) => tracked.has(p.name));
    const full = configs.filter((p) => p.fullCommand);
    // keepalived's vrrp_max_process_name_len + 2: enough to see an argument too many.
    const longest = Math.max(
      0,
      ...full.map((p) => Buffer.byteLength([p.process, ...p.params].join('\0')) + 1),
    );
    this.#scan = { cmdline: full.length > 0, cmdlineBytes: longest + 2 };
    this.#intervalMs = opts.intervalMs ?? PROC_SCAN_INTERVAL_MS;
    this.#tracker =
      configs.length === 0
        ? undefined
        : new ProcessTracker(configs, scanProcesses(this.#scan), {
            clock: opts.clock,
            log: opts.log,
            onChange: (name) => opts.onChange(name),
          });
  }

  status(name: string): BinaryStatus | undefined {
    const up = this.#tracker?.status(name);
    return up === undefined ? undefined : up ? 'up' : 'down';
  }

  start(): void {
    if (this.#tracker === undefined || this.#timer !== undefined || this.#stopped) return;
    const tracker = this.#tracker;
    const next = (delayMs: number): void => {
      this.#timer = setTimeout(() => {
        const t0 = performance.now();
        tracker.update(scanProcesses(this.#scan));
        // Bounds the scan's share of a core on hosts with many processes (see proc-scan.ts).
        if (!this.#stopped) next(Math.max(this.#intervalMs, (performance.now() - t0) * MAX_SCAN_SHARE_INV));
      }, delayMs);
      this.#timer.unref();
    };
    next(this.#intervalMs);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#tracker?.stop();
  }
}
