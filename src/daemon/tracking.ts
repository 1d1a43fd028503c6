/**
 * The main thread's side of priority tracking: runs the vrrp_scripts the instances track
 * (ScriptScheduler + ScriptRunner), and whenever one changes state recomputes each affected
 * instance's total priority and fault reasons (track/priority.ts), sending the differences to
 * the VRRP worker as engine events. Scripts run here, not in the worker, so a slow fork can
 * never delay an advert.
 */
import type { Clock } from '../base/clock.js';
import { lookupUser } from '../config/keywords/global-env.js';
import type { ScriptUser } from '../config/model/global.js';
import type { VrrpInstanceConfig } from '../config/model/vrrp-instance.js';
import type { KeepalivedConfig } from '../config/model.js';
import { ScriptRunner } from '../sys/script-runner.js';
import {
  computeTracking,
  type TrackingInput,
  type TrackingVerdict,
  trackedOf,
  trackingInputs,
} from '../track/priority.js';
import { type ScheduledScript, ScriptScheduler } from '../track/script-scheduler.js';
import type { EngineEvent } from '../vrrp/engine.js';

export interface TrackingOptions {
  readonly clock: Clock;
  readonly log: (text: string) => void;
  /** Delivers one engine event for one instance (to the worker). */
  readonly send: (instance: string, event: EngineEvent) => void;
}

/** uid/gid of a script's user; undefined = run as the daemon's own user. */
function idsOf(user: ScriptUser | undefined): { uid: number; gid: number } | undefined {
  if (user === undefined) return undefined;
  const account = lookupUser(
    { interfaces: { exists: () => false, isLoopback: () => false }, fileExists: () => false },
    user.user,
  );
  return account === undefined ? undefined : { uid: account.uid, gid: account.gid };
}

export class InstanceTracking {
  readonly #instances: readonly VrrpInstanceConfig[];
  readonly #opts: TrackingOptions;
  readonly #scheduler: ScriptScheduler;
  readonly #verdicts = new Map<string, TrackingVerdict>();

  constructor(config: KeepalivedConfig, opts: TrackingOptions) {
    this.#opts = opts;
    this.#instances = config.vrrp.instances;
    const tracked = new Set(this.#instances.flatMap((v) => v.trackScripts.map((t) => t.name)));
    const scripts: ScheduledScript[] = config.vrrp.scripts
      .filter((s) => tracked.has(s.name))
      .map((s) => {
        const ids = idsOf(s.script.runAs ?? config.global.scriptUser);
        return ids === undefined ? { config: s } : { config: s, ids };
      });
    this.#scheduler = new ScriptScheduler(scripts, {
      timer: opts.clock,
      executor: new ScriptRunner({ log: opts.log }),
      log: opts.log,
      onChange: (e) => this.#recompute((v) => v.trackScripts.some((t) => t.name === e.name)),
    });
  }

  /** The inputs that bring each instance from its configured priority to its tracked state. */
  initialEvents(): { instance: string; event: TrackingInput }[] {
    const out: { instance: string; event: TrackingInput }[] = [];
    for (const v of this.#instances) {
      const verdict = this.#verdict(v);
      this.#verdicts.set(v.name, verdict);
      const base: TrackingVerdict = { totalPriority: v.priority, faults: [] };
      for (const event of trackingInputs(base, verdict)) out.push({ instance: v.name, event });
    }
    return out;
  }

  start(): void {
    this.#scheduler.start();
  }

  stop(): Promise<void> {
    return this.#scheduler.stop();
  }

  #verdict(v: VrrpInstanceConfig): TrackingVerdict {
    return computeTracking(v.priority, trackedOf(v, { script: (name) => this.#scheduler.status(name) }));
  }

  #recompute(affected: (v: VrrpInstanceConfig) => boolean): void {
    for (const v of this.#instances) {
      if (!affected(v)) continue;
      const next = this.#verdict(v);
      for (const event of trackingInputs(this.#verdicts.get(v.name), next)) this.#opts.send(v.name, event);
      this.#verdicts.set(v.name, next);
    }
  }
}
