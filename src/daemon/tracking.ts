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
import type { VrrpScriptConfig } from '../config/model/vrrp-extras.js';
import type { VrrpInstanceConfig } from '../config/model/vrrp-instance.js';
import type { KeepalivedConfig } from '../config/model.js';
import { ScriptRunner } from '../sys/script-runner.js';
import { initTrackFile, TrackFileWatcher } from '../sys/track-file-watcher.js';
import {
  computeTracking,
  type TrackingInput,
  type TrackingVerdict,
  trackedOf,
  trackingInputs,
} from '../track/priority.js';
import { type CarriedScript, carryScriptState } from '../track/script-reload.js';
import { type ScheduledScript, ScriptScheduler } from '../track/script-scheduler.js';
import type { EngineEvent } from '../vrrp/engine.js';
import { ProcessTracking } from './process-tracking.js';
import { withGroupTracking } from './sync-tracking.js';
import { bfdNotSupportedLines, initialFaultLines } from './tracking-logs.js';

export interface TrackingOptions {
  readonly clock: Clock;
  readonly log: (text: string) => void;
  /** Delivers one engine event for one instance (to the worker). */
  readonly send: (instance: string, event: EngineEvent) => void;
  /** A reload: init_file does not overwrite existing track files then. */
  readonly reload?: boolean;
  /** Instance name -> its VMAC, tracked as its own interface is (keepalived: a VMAC down is FAULT). */
  readonly vmacs?: ReadonlyMap<string, { readonly ifname: string }>;
}

/** uid/gid of a script's user; undefined = run as the daemon's own user. */
export function idsOf(user: ScriptUser | undefined): { uid: number; gid: number } | undefined {
  if (user === undefined) return undefined;
  const account = lookupUser(
    { interfaces: { exists: () => false, isLoopback: () => false }, fileExists: () => false },
    user.user,
  );
  return account === undefined ? undefined : { uid: account.uid, gid: account.gid };
}

/**
 * The interfaces an instance depends on: its own (unless dont_track_primary; a weight of 0,
 * so down means FAULT, as keepalived) and its track_interface entries.
 */
function interfacesOf(v: VrrpInstanceConfig, vmac?: string): string[] {
  const names = v.trackInterfaces.map((t) => t.name);
  for (const own of [v.interface, vmac])
    if (!v.dontTrackPrimary && own !== undefined && !names.includes(own)) names.push(own);
  for (const n of vipInterfacesOf(v)) if (!names.includes(n)) names.push(n);
  return names;
}

/**
 * The interfaces of VIPs on another interface than the instance's (`dev`), unless `no_track`:
 * keepalived tracks them with weight 0 (TRACK_ADDR), so one that is down or missing puts the
 * instance in FAULT rather than leaving it master with part of its addresses.
 */
function vipInterfacesOf(v: VrrpInstanceConfig): string[] {
  const names: string[] = [];
  for (const a of [...v.virtualIpaddresses, ...v.virtualIpaddressesExcluded]) {
    const n = a.interface;
    if (a.noTrack || n === undefined || n === v.interface || names.includes(n)) continue;
    names.push(n);
  }
  return names;
}

/** The interfaces whose loss faults `v` (weight 0): its own, track_interface weight 0, VIPs'. */
function faultInterfacesOf(v: VrrpInstanceConfig): string[] {
  const names = v.trackInterfaces.filter((t) => t.weight === 0).map((t) => t.name);
  if (!v.dontTrackPrimary && v.interface !== undefined && !names.includes(v.interface))
    names.push(v.interface);
  for (const n of vipInterfacesOf(v)) if (!names.includes(n)) names.push(n);
  return names;
}

export class InstanceTracking {
  readonly #instances: readonly VrrpInstanceConfig[];
  readonly #opts: TrackingOptions;
  readonly #scheduler: ScriptScheduler;
  readonly #verdicts = new Map<string, TrackingVerdict>();
  /** Interface name to whether it is usable (up with carrier). */
  readonly #links: Map<string, boolean>;
  readonly #files: TrackFileWatcher;
  readonly #processes: ProcessTracking;

  /** The scripts this tracking runs, by name (a reload carries their verdicts over). */
  readonly #scripts = new Map<string, VrrpScriptConfig>();

  /** `previous`: the tracking a reload replaces; its scripts' verdicts carry over by name. */
  constructor(
    config: KeepalivedConfig,
    links: ReadonlyMap<string, boolean>,
    opts: TrackingOptions,
    previous?: InstanceTracking,
  ) {
    // A sync group's tracked objects are its members' (sync-tracking.ts).
    config = withGroupTracking(config);
    this.#opts = opts;
    this.#instances = config.vrrp.instances;
    this.#links = new Map(links);
    const tracked = new Set(this.#instances.flatMap((v) => v.trackScripts.map((t) => t.name)));
    const scripts: ScheduledScript[] = config.vrrp.scripts
      .filter((s) => tracked.has(s.name))
      .map((s) => {
        this.#scripts.set(s.name, s);
        const ids = idsOf(s.script.runAs ?? config.global.scriptUser);
        const carried = previous === undefined ? undefined : previous.#carry(s);
        if (carried?.log !== undefined) opts.log(carried.log);
        return {
          config: s,
          ...(ids === undefined ? {} : { ids }),
          ...(carried === undefined ? {} : { tracker: carried.state }),
        };
      });
    this.#scheduler = new ScriptScheduler(scripts, {
      timer: opts.clock,
      executor: new ScriptRunner({ log: opts.log }),
      log: opts.log,
      onChange: (e) => this.#recompute((v) => v.trackScripts.some((t) => t.name === e.name)),
    });
    for (const tf of config.trackFiles) initTrackFile(tf, opts.log, opts.reload ?? false);
    const files = new Set(this.#instances.flatMap((v) => v.trackFiles.map((t) => t.name)));
    this.#files = new TrackFileWatcher(
      config.trackFiles.filter((f) => files.has(f.name)),
      {
        log: opts.log,
        onChange: (name) => this.#recompute((v) => v.trackFiles.some((t) => t.name === name)),
      },
    );
    this.#processes = new ProcessTracking(config, {
      clock: opts.clock,
      log: opts.log,
      onChange: (name) => this.#recompute((v) => v.trackProcesses.some((t) => t.name === name)),
    });
    for (const line of bfdNotSupportedLines(this.#instances)) opts.log(line);
  }

  /** The inputs that bring each instance from its configured priority to its tracked state. */
  initialEvents(): { instance: string; event: TrackingInput }[] {
    return this.reloadEvents(undefined, new Set());
  }

  /**
   * After a reload: the inputs that bring each instance from what the engine holds to its
   * verdict under the new config: kept instances from `previous`'s verdict, the others (in
   * `fresh`, or all without `previous`) from their configured priority.
   */
  reloadEvents(
    previous: InstanceTracking | undefined,
    fresh: ReadonlySet<string>,
  ): { instance: string; event: TrackingInput }[] {
    const out: { instance: string; event: TrackingInput }[] = [];
    for (const v of this.#instances) {
      const lookup = {
        file: (n: string) => this.#files.value(n),
        process: (n: string) => this.#processes.status(n),
      };
      for (const line of initialFaultLines(v, lookup)) this.#opts.log(line);
      for (const name of faultInterfacesOf(v)) {
        if (this.#links.get(name) !== true)
          this.#opts.log(`(${v.name}): entering FAULT state (interface ${name} down)`);
      }
      const verdict = this.#verdict(v);
      this.#verdicts.set(v.name, verdict);
      const base: TrackingVerdict = { totalPriority: v.priority, faults: [] };
      const kept = fresh.has(v.name) || previous === undefined ? undefined : previous.#verdicts.get(v.name);
      const from = kept ?? base;
      for (const event of trackingInputs(from, verdict)) out.push({ instance: v.name, event });
    }
    return out;
  }

  /** Interface name to usability, as this tracking last knew it (for the next one). */
  get links(): ReadonlyMap<string, boolean> {
    return this.#links;
  }

  #carry(next: VrrpScriptConfig): CarriedScript | undefined {
    const old = this.#scripts.get(next.name);
    const view = this.#scheduler.view(next.name);
    return old === undefined || view === undefined ? undefined : carryScriptState(old, view.tracker, next);
  }

  start(): void {
    this.#scheduler.start();
    this.#files.start();
    this.#processes.start();
  }

  stop(): Promise<void> {
    this.#files.stop();
    this.#processes.stop();
    return this.#scheduler.stop();
  }

  /** A link changed; returns false when its usability did not (nothing to do). */
  linkChanged(name: string, usable: boolean): boolean {
    if (this.#links.get(name) === usable) return false;
    this.#links.set(name, usable);
    this.#recompute((v) => interfacesOf(v, this.#opts.vmacs?.get(v.name)?.ifname).includes(name));
    return true;
  }

  #verdict(v: VrrpInstanceConfig): TrackingVerdict {
    const link = (name: string): 'up' | 'down' => (this.#links.get(name) === true ? 'up' : 'down');
    const tracked = trackedOf(v, {
      script: (name) => this.#scheduler.status(name),
      interface: link,
      file: (name) => this.#files.value(name),
      process: (name) => this.#processes.status(name),
    });
    const own = v.dontTrackPrimary
      ? []
      : [v.interface, this.#opts.vmacs?.get(v.name)?.ifname].filter((n): n is string => n !== undefined);
    for (const name of [...own, ...vipInterfacesOf(v)]) {
      if (
        v.trackInterfaces.some((t) => t.name === name) ||
        tracked.some((t) => t.kind === 'interface' && t.name === name)
      )
        continue;
      tracked.push({ kind: 'interface', name, weight: 0, weightReverse: false, status: link(name) });
    }
    return computeTracking(v.priority, tracked);
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
