/**
 * Messages between the daemon's main thread and its VRRP worker thread. Plain data only: they
 * cross the thread boundary by structured clone.
 */
import type { EngineEvent } from '../vrrp/engine.js';
import type { NotifyEffect } from '../vrrp/ports.js';
import type { InterfaceInfo, PlannedInstance } from './vrrp-plan.js';
import type { InstanceStatus } from './vrrp-runtime.js';

export interface VrrpWorkerData {
  readonly instances: readonly PlannedInstance[];
  readonly interfaces: readonly InterfaceInfo[];
  /** vrrp_garp_interval / vrrp_gna_interval: gaps between announcements on one interface. */
  readonly garpIntervalUs: number;
  readonly gnaIntervalUs: number;
  /** -V / --dont-release-vrrp: leave the VIPs in place at stop. */
  readonly keepVipsOnStop: boolean;
  /** Tracking state known before start (e.g. weight-0 scripts not yet run fault the instance). */
  readonly initialEvents: readonly { readonly instance: string; readonly event: EngineEvent }[];
}

export type ToWorker =
  | { readonly type: 'stop' }
  | { readonly type: 'event'; readonly instance?: string; readonly event: EngineEvent }
  | { readonly type: 'status' };

export type FromWorker =
  | { readonly type: 'log'; readonly text: string; readonly detail: boolean }
  | { readonly type: 'ready' }
  | { readonly type: 'fatal'; readonly text: string }
  | { readonly type: 'notify'; readonly instance: string; readonly effect: NotifyEffect }
  | { readonly type: 'state'; readonly status: InstanceStatus }
  | { readonly type: 'status'; readonly instances: readonly InstanceStatus[] }
  | { readonly type: 'stopped' };
