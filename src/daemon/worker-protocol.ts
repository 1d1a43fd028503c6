/**
 * Messages between the daemon's main thread and its VRRP worker thread. Plain data only: they
 * cross the thread boundary by structured clone.
 */
import type { InstanceDump } from '../status/vrrp-data-file.js';
import type { WorkerSchedulingSettings } from '../sys/worker-scheduling.js';
import type { EngineEvent } from '../vrrp/engine.js';
import type { NotifyEffect } from '../vrrp/ports.js';
import type { VipDelta } from '../vrrp/reconfigure.js';
import type { SyncGroupSpec } from '../vrrp/sync-group.js';
import type { InterfaceInfo, PlannedInstance } from './vrrp-plan.js';
import type { InstanceStatus } from './vrrp-runtime.js';

export interface VrrpWorkerData {
  readonly instances: readonly PlannedInstance[];
  readonly interfaces: readonly InterfaceInfo[];
  /** vrrp_garp_interval / vrrp_gna_interval: gaps between announcements on one interface. */
  readonly garpIntervalUs: number;
  readonly gnaIntervalUs: number;
  /** no_accept's nftables table (global `nftables`, else keepalived's "keepalived"). */
  readonly firewall: {
    readonly table: string;
    readonly priority: number;
    readonly counters: boolean;
    /** nftables_ifindex: link-local VIPs always matched by interface index. */
    readonly ifindex?: boolean;
  };
  /** -V / --dont-release-vrrp: leave the VIPs in place at stop. */
  readonly keepVipsOnStop: boolean;
  /** Tracking state known before start (e.g. weight-0 scripts not yet run fault the instance). */
  readonly initialEvents: readonly { readonly instance: string; readonly event: EngineEvent }[];
  /** vrrp_sync_group members, as planned. */
  readonly syncGroups: readonly SyncGroupSpec[];
  /** vrrp_priority, vrrp_rt_priority, ..., max_auto_priority: the worker applies them to itself. */
  readonly scheduling: WorkerSchedulingSettings;
}

/** SIGHUP applied as a diff (plan-diff.ts, reload.ts); instances named as in the new plan. */
export interface WorkerReload {
  /** The whole new plan, in config order. */
  readonly instances: readonly PlannedInstance[];
  /** The interfaces as the new plan saw them. */
  readonly interfaces: readonly InterfaceInfo[];
  /** Leaving (removed, or restarted under a kept identity), with their notify_deleted. */
  readonly removed: readonly { readonly name: string; readonly notifyDeleted: boolean }[];
  /** Kept with changed settings, and the VIPs to add and remove while master. */
  readonly changed: readonly { readonly name: string; readonly delta: VipDelta }[];
  /** New (added, or restarted): started after the tracking events. */
  readonly added: readonly string[];
  /** Tracking inputs: kept instances from their old verdict, new ones from their priority. */
  readonly events: readonly { readonly instance: string; readonly event: EngineEvent }[];
  /** The new config's sync groups (group states are recomputed from their members). */
  readonly syncGroups: readonly SyncGroupSpec[];
  readonly scheduling: WorkerSchedulingSettings;
}

export type ToWorker =
  | { readonly type: 'stop' }
  | ({ readonly type: 'reload' } & WorkerReload)
  | { readonly type: 'event'; readonly instance?: string; readonly event: EngineEvent }
  | { readonly type: 'status' }
  /**
   * SIGUSR1 (data) / SIGUSR2 (stats) / SIGRTMAX-1 (stats-clear) / SIGRTMIN+2 (json): the main
   * thread writes keepalived's file from the answer.
   */
  | { readonly type: 'dump'; readonly what: DumpKind };

export type DumpKind = 'data' | 'stats' | 'stats-clear' | 'json';

export type FromWorker =
  /** Log lines in order, batched: a takeover of 1,000 VIPs logs thousands in one turn. */
  | { readonly type: 'log'; readonly lines: readonly { readonly text: string; readonly detail: boolean }[] }
  | { readonly type: 'ready' }
  | { readonly type: 'fatal'; readonly text: string }
  | { readonly type: 'notify'; readonly instance: string; readonly effect: NotifyEffect }
  | { readonly type: 'state'; readonly status: InstanceStatus }
  | { readonly type: 'status'; readonly instances: readonly InstanceStatus[] }
  | { readonly type: 'dump'; readonly what: DumpKind; readonly instances: readonly InstanceDump[] }
  | { readonly type: 'reloaded' }
  | { readonly type: 'stopped' };
