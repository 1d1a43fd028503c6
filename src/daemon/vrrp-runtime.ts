/**
 * The VRRP engine driven by a clock: feeds it packets, tracker events and timer expiries,
 * carries the effects out through the ports, and keeps exactly one timer armed for the
 * earliest deadline of all instances (STYLE.md "How a VRRP instance runs", step 5).
 * Knows no sockets and no threads: the worker (vrrp-worker.ts) gives it real adapters, tests
 * give it a fake clock and recording ports.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import type { InstanceDump } from '../status/vrrp-data-file.js';
import {
  type EngineEvent,
  type EngineInstanceSpec,
  type InstanceEffects,
  type RawRx,
  VrrpEngine,
} from '../vrrp/engine.js';
import type { VrrpStateName } from '../vrrp/fsm.js';
import { applyEffects, type VrrpInstanceParams, type VrrpPorts } from '../vrrp/ports.js';
import type { VipDelta } from '../vrrp/reconfigure.js';
import type { SyncGroupSpec } from '../vrrp/sync-group.js';

export interface InstanceStatus {
  readonly name: string;
  readonly state: VrrpStateName;
  readonly effectivePriority: number;
  readonly masterAddr: string | undefined;
}

/** A reload for the engine, in the order it is carried out (see VrrpRuntime.reload). */
export interface RuntimeReload {
  readonly removed: readonly { readonly name: string; readonly notifyDeleted: boolean }[];
  readonly changed: readonly { readonly params: VrrpInstanceParams; readonly delta: VipDelta }[];
  readonly added: readonly EngineInstanceSpec[];
  readonly events: readonly { readonly instance: string; readonly event: EngineEvent }[];
  /** The new config's sync groups (undefined: unchanged). */
  readonly syncGroups?: readonly SyncGroupSpec[];
}

export interface VrrpRuntimeOptions {
  readonly clock: Clock;
  readonly ports: VrrpPorts;
  /** Called after every step that changed an instance's state. */
  readonly onStateChange?: (status: InstanceStatus) => void;
  /** vrrp_sync_group members (sync-group.ts). */
  readonly syncGroups?: readonly SyncGroupSpec[];
}

export class VrrpRuntime {
  readonly engine: VrrpEngine;
  readonly #opts: VrrpRuntimeOptions;
  #timer: TimerHandle | undefined;
  #armedAtUs: number | undefined;
  #states = new Map<string, VrrpStateName>();
  /** For the SIGUSR1 / SIGUSR2 dumps: each instance's group and interface index. */
  #syncGroups: readonly SyncGroupSpec[];
  readonly #ifindex = new Map<string, number>();

  constructor(specs: readonly EngineInstanceSpec[], opts: VrrpRuntimeOptions) {
    this.engine = new VrrpEngine(specs, {}, opts.syncGroups ?? []);
    this.#opts = opts;
    this.#syncGroups = opts.syncGroups ?? [];
    for (const s of specs) this.#ifindex.set(s.params.name, s.ifindex);
  }

  start(): void {
    this.event(undefined, { kind: 'start' });
  }

  /** Shutdown: masters send priority 0 and release their VIPs; no timer stays armed. */
  stop(): void {
    this.#apply(this.engine.event(undefined, { kind: 'stop' }, this.#opts.clock.nowUs()));
    this.#opts.clock.cancel(this.#timer);
    this.#timer = undefined;
    this.#armedAtUs = undefined;
  }

  /**
   * Reload as a diff. Leaving instances say goodbye and kept ones drop their removed VIPs
   * while the adapters still know the old config; `adapt` then moves the adapters to the new
   * one; kept instances add their new VIPs, the tracking inputs apply, new instances start.
   * Unchanged instances are not touched: no transition, and their timers keep running.
   */
  reload(r: RuntimeReload, adapt: () => void): void {
    const now = this.#opts.clock.nowUs();
    const leaving = r.removed.flatMap(({ name, notifyDeleted }) =>
      this.engine.remove(name, notifyDeleted, now),
    );
    for (const { name } of r.removed) this.#states.delete(name);
    const kept = r.changed.flatMap(({ params, delta }) => this.engine.reconfigure(params, delta, now));
    const release = kept.map((k) => ({ ...k, effects: k.effects.filter((e) => e.kind === 'del-vips') }));
    const acquire = kept.map((k) => ({ ...k, effects: k.effects.filter((e) => e.kind !== 'del-vips') }));
    this.#apply([...leaving, ...release]);
    adapt();
    for (const spec of r.added) {
      this.engine.add(spec);
      this.#ifindex.set(spec.params.name, spec.ifindex);
    }
    if (r.syncGroups !== undefined) {
      this.#syncGroups = r.syncGroups;
      this.#apply(this.engine.setSyncGroups(r.syncGroups));
    }
    this.#apply(acquire);
    for (const { instance, event } of r.events) this.#apply(this.engine.event(instance, event, now));
    for (const { params } of r.added) this.#apply(this.engine.event(params.name, { kind: 'start' }, now));
    this.#rearm();
  }

  event(name: string | undefined, event: EngineEvent): void {
    this.#apply(this.engine.event(name, event, this.#opts.clock.nowUs()));
    this.#rearm();
  }

  receive(rx: RawRx): void {
    this.#apply(this.engine.receive(rx, this.#opts.clock.nowUs()));
    this.#rearm();
  }

  status(): InstanceStatus[] {
    return this.engine.instances.map((i) => statusOf(i.name, i.state.runtime));
  }

  /**
   * Every instance's parameters, runtime and counters, in config order (keepalived's dumps);
   * `clear` then zeroes the counters (STATS_CLEAR).
   */
  dump(clear = false): InstanceDump[] {
    const out = this.engine.instances.map((i) => ({
      params: i.config,
      runtime: i.state.runtime,
      stats: i.stats(),
      syncGroup: this.#syncGroups.find((g) => g.members.includes(i.name))?.name,
      ifindex: this.#ifindex.get(i.name) ?? 0,
    }));
    if (clear) for (const i of this.engine.instances) i.clearStats();
    return out;
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    this.#armedAtUs = undefined;
    this.#apply(this.engine.expire(this.#opts.clock.nowUs()));
    this.#rearm();
  };

  #rearm(): void {
    const next = this.engine.nextDeadlineUs();
    if (next === this.#armedAtUs) return;
    this.#opts.clock.cancel(this.#timer);
    this.#timer = next === undefined ? undefined : this.#opts.clock.schedule(next, this.#onTimer);
    this.#armedAtUs = next;
  }

  #apply(results: readonly InstanceEffects[]): void {
    for (const { instance, effects } of results) {
      if (effects.length > 0) applyEffects(instance, effects, this.#opts.ports);
      const i = this.engine.instance(instance);
      if (i === undefined) continue;
      const state = i.state.runtime.state;
      if (this.#states.get(instance) === state) continue;
      this.#states.set(instance, state);
      this.#opts.onStateChange?.(statusOf(instance, i.state.runtime));
    }
  }
}

function statusOf(
  name: string,
  r: { state: VrrpStateName; effectivePriority: number; masterAddr: string | undefined },
): InstanceStatus {
  return { name, state: r.state, effectivePriority: r.effectivePriority, masterAddr: r.masterAddr };
}
