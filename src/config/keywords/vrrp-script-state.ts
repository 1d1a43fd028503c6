/**
 * The VRRP pass's parse state for the supporting root blocks (vrrp_script, vrrp_track_process,
 * vrrp_sync_group, static_*, track_group, garp_group, ...). Kept apart from the keyword tables
 * so that every table, and the vrrp_instance parser, can import it without an import cycle.
 */
import type { ScriptCommand } from '../model/global.js';
import type { TrackFileMonitorConfig } from '../model/track-file.js';
import type {
  InterfaceDelayConfig,
  LinkbeatInterfaceConfig,
  ProcessParamMatch,
  RouteConfig,
  RuleConfig,
  TrackedWeight,
} from '../model/vrrp-extras.js';
import type { IpAddressConfig } from '../model/vrrp-instance.js';
import { StateKey } from '../parser.js';

export interface ScriptDraft {
  name: string;
  script: ScriptCommand | undefined;
  intervalUs: number;
  timeoutUs: number;
  weight: number;
  weightReverse: boolean;
  rise: number;
  fall: number;
  initFail: boolean;
  /** Set by the security check after the parse: the script is dropped. */
  insecure: boolean;
}

export interface ProcessDraft {
  name: string;
  process: string | undefined;
  params: string[];
  paramMatch: ProcessParamMatch;
  fullCommand: boolean;
  weight: number;
  weightReverse: boolean;
  quorum: number;
  quorumMax: number;
  terminateDelayUs: number;
  forkDelayUs: number;
}

export interface SyncGroupDraft {
  name: string;
  /** The `group` block's names; undefined until given (keepalived's iname). */
  instances: string[] | undefined;
  trackInterfaces: TrackedWeight[];
  trackScripts: TrackedWeight[];
  trackFiles: TrackFileMonitorConfig[];
  trackProcesses: TrackedWeight[];
  trackBfds: TrackedWeight[];
  notifyMaster?: ScriptCommand;
  notifyBackup?: ScriptCommand;
  notifyFault?: ScriptCommand;
  notifyStop?: ScriptCommand;
  notify?: ScriptCommand;
  smtpAlert: boolean | undefined;
  trackingWeight: boolean;
  notifyPriorityChanges: boolean | undefined;
  /** Cleared by validation when the group is removed (no or unknown members). */
  valid: boolean;
}

export interface TrackGroupDraft {
  name: string;
  instances: string[] | undefined;
}

export interface GarpGroupDraft {
  aggregationGroup: number;
  garpIntervalUs: number | undefined;
  gnaIntervalUs: number | undefined;
  interfaces: string[];
}

export interface VrrpTrackingDraft {
  /** vrrp_script by name (the first of a name wins, as keepalived's find_script_by_name). */
  scripts: Map<string, ScriptDraft>;
  /** vrrp_track_process by name. */
  processes: Map<string, ProcessDraft>;
  /** Every vrrp_script in order, names may repeat. */
  scriptList: ScriptDraft[];
  processList: ProcessDraft[];
  syncGroups: SyncGroupDraft[];
  trackGroups: TrackGroupDraft[];
  garpGroups: GarpGroupDraft[];
  /** Interfaces given a garp_group (keepalived's ifp->garp_delay). */
  garpInterfaces: Map<string, GarpGroupDraft>;
  staticAddresses: IpAddressConfig[];
  staticRoutes: RouteConfig[];
  staticRules: RuleConfig[];
  linkbeat: Map<string, LinkbeatInterfaceConfig>;
  interfaceDelays: Map<string, InterfaceDelayConfig>;
  /** keepalived's next_rule_priority_ipv4/6: rules without a preference count down. */
  nextRulePriority: { 4: number; 6: number };
}

/** keepalived's RULE_START_PRIORITY. */
export const RULE_START_PRIORITY = 16384;

export const VRRP_TRACKING = new StateKey<VrrpTrackingDraft>('vrrp_tracking', () => ({
  scripts: new Map(),
  processes: new Map(),
  scriptList: [],
  processList: [],
  syncGroups: [],
  trackGroups: [],
  garpGroups: [],
  garpInterfaces: new Map(),
  staticAddresses: [],
  staticRoutes: [],
  staticRules: [],
  linkbeat: new Map(),
  interfaceDelays: new Map(),
  nextRulePriority: { 4: RULE_START_PRIORITY, 6: RULE_START_PRIORITY },
}));

/** Removes a script (or process) from its list and re-points the name to any namesake left. */
export function removeNamed<T extends { name: string }>(list: T[], byName: Map<string, T>, item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
  if (byName.get(item.name) === item) {
    byName.delete(item.name);
    const other = list.find((x) => x.name === item.name);
    if (other) byName.set(item.name, other);
  }
}

export function addNamed<T extends { name: string }>(list: T[], byName: Map<string, T>, item: T): void {
  list.push(item);
  if (!byName.has(item.name)) byName.set(item.name, item);
}
