/**
 * The VRRP section's supporting root blocks (keepalived vrrp/vrrp_parser.c): vrrp_script,
 * vrrp_track_process, vrrp_sync_group, static_ipaddress / static_routes / static_rules,
 * track_group, garp_group, linkbeat_interfaces, interface_up_down_delays. Also the route and
 * rule lines shared with vrrp_instance's virtual_routes / virtual_rules.
 */
import type { ScriptCommand } from './global.js';
import type { TrackFileMonitorConfig } from './track-file.js';
import type { IpAddressConfig, IpFamilyNum } from './vrrp-instance.js';

export const VRRP_SCRIPT_DEFAULTS = {
  /** VRRP_SCRIPT_DI: seconds between runs. */
  intervalUs: 1_000_000,
  /** VRRP_SCRIPT_DT: seconds a run may take. */
  timeoutUs: 2_000_000,
  /** VRRP_SCRIPT_DW. */
  weight: 0,
  rise: 1,
  fall: 1,
} as const;

export interface VrrpScriptConfig {
  readonly name: string;
  /** The command line and the user it runs as (absent runAs = the default script user). */
  readonly script: ScriptCommand;
  readonly intervalUs: number;
  readonly timeoutUs: number;
  /** -253..253; added to (or with `reverse` subtracted from) the priority while it succeeds. */
  readonly weight: number;
  readonly weightReverse: boolean;
  /** Successes needed to go up, failures to go down. */
  readonly rise: number;
  readonly fall: number;
  /** `init_fail`: start in the failed state. */
  readonly initFail: boolean;
}

export type ProcessParamMatch = 'none' | 'exact' | 'initial' | 'partial';

export interface TrackProcessConfig {
  readonly name: string;
  /** The process name (or path with full_command). */
  readonly process: string;
  /** Arguments after the process name, to match against its command line. */
  readonly params: readonly string[];
  readonly paramMatch: ProcessParamMatch;
  /** Match the full command line (/proc/PID/cmdline) rather than comm. */
  readonly fullCommand: boolean;
  /** -254..254, 0 = fault when down. */
  readonly weight: number;
  readonly weightReverse: boolean;
  /** Up while quorum <= running count <= quorumMax. */
  readonly quorum: number;
  readonly quorumMax: number;
  /** µs to wait after a process terminates / forks before judging. 0 = none. */
  readonly terminateDelayUs: number;
  readonly forkDelayUs: number;
}

/** A tracked object with its weight as a block lists it (track_script, track_process, ...). */
export interface TrackedWeight {
  readonly name: string;
  readonly weight: number;
  readonly weightReverse: boolean;
}

export interface SyncGroupConfig {
  readonly name: string;
  /** vrrp_instance names, in the order given. */
  readonly instances: readonly string[];
  readonly trackInterfaces: readonly TrackedWeight[];
  readonly trackScripts: readonly TrackedWeight[];
  readonly trackFiles: readonly TrackFileMonitorConfig[];
  readonly trackProcesses: readonly TrackedWeight[];
  readonly trackBfds: readonly TrackedWeight[];
  readonly notifyMaster?: ScriptCommand;
  readonly notifyBackup?: ScriptCommand;
  readonly notifyFault?: ScriptCommand;
  readonly notifyStop?: ScriptCommand;
  readonly notify?: ScriptCommand;
  /** undefined = global smtp_alert_vrrp / smtp_alert decides. */
  readonly smtpAlert: boolean | undefined;
  /** sync_group_tracking_weight (or deprecated global_tracking). */
  readonly trackingWeight: boolean;
  /** undefined = global vrrp_notify_priority_changes decides. */
  readonly notifyPriorityChanges: boolean | undefined;
}

export interface TrackGroupConfig {
  readonly name: string;
  /** vrrp_instance names whose state the static entries follow. */
  readonly instances: readonly string[];
}

export interface GarpGroupConfig {
  /** keepalived's aggregation group number (0 when no `interfaces` block). */
  readonly aggregationGroup: number;
  readonly garpIntervalUs: number | undefined;
  readonly gnaIntervalUs: number | undefined;
  readonly interfaces: readonly string[];
}

export type LinkbeatType = 'default' | 'MII' | 'ETHTOOL' | 'IOCTL';

export interface LinkbeatInterfaceConfig {
  readonly interface: string;
  readonly type: LinkbeatType;
}

export interface InterfaceDelayConfig {
  readonly interface: string;
  readonly downDelayUs: number;
  readonly upDelayUs: number;
}

export interface RoutePrefix {
  /** Canonical address text; absent for default/any/all. */
  readonly address?: string;
  readonly prefixLen: number;
}

export interface NexthopConfig {
  readonly via?: string;
  readonly dev?: string;
  /** 1..256 as configured. */
  readonly weight?: number;
  readonly onlink: boolean;
  readonly realms?: number;
  readonly encap?: EncapConfig;
}

export interface EncapConfig {
  readonly type: 'ip' | 'ip6' | 'mpls' | 'ila';
  /** The words that describe it, as given. */
  readonly words: readonly string[];
  /** ip / ip6: the values read (tos is ip6's tc, ttl its hoplimit); id as a decimal string. */
  readonly tunnel?: EncapTunnel;
}

export interface EncapTunnel {
  readonly id?: string;
  readonly dst?: string;
  readonly src?: string;
  readonly tos?: number;
  readonly ttl?: number;
  readonly flags?: number;
}

/** `METRIC [lock] VALUE`: the metric values (RTAX_*) a route may set. */
export interface RouteMetric {
  readonly value: number;
  readonly lock: boolean;
}

/** A static_routes / virtual_routes line (keepalived alloc_route). */
export interface RouteConfig {
  readonly family: IpFamilyNum;
  readonly dst: RoutePrefix;
  readonly src?: RoutePrefix;
  readonly prefSrc?: string;
  readonly via?: string;
  readonly dev?: string;
  /** RTN_* number (1 = unicast). */
  readonly type: number;
  /** Routing table id (254 = main). */
  readonly table: number;
  /** RT_SCOPE_* (0 = universe). */
  readonly scope: number;
  /** RTPROT_* (18 = keepalived, forced when tracked). */
  readonly protocol: number | undefined;
  readonly metric?: number;
  readonly tos?: number;
  readonly realms?: number;
  readonly onlink: boolean;
  readonly expires?: number;
  readonly pref?: number;
  readonly ttlPropagate?: boolean;
  readonly metrics: Readonly<Record<string, RouteMetric>>;
  readonly congctl?: { readonly name: string; readonly lock: boolean };
  readonly featuresEcn: boolean;
  readonly encap?: EncapConfig;
  readonly nexthops: readonly NexthopConfig[];
  /** 'prepend' (kernel default), 'add' or 'append'. */
  readonly mode: 'prepend' | 'add' | 'append';
  readonly noTrack: boolean;
  readonly trackGroup?: string;
}

export type RuleAction = 'table' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** A static_rules / virtual_rules line (keepalived alloc_rule). */
export interface RuleConfig {
  readonly family: IpFamilyNum;
  readonly from?: RoutePrefix;
  readonly to?: RoutePrefix;
  readonly invert: boolean;
  /** Always set: keepalived assigns 16384 downwards when not given. */
  readonly priority: number;
  readonly action: RuleAction;
  readonly table?: number;
  readonly gotoTarget?: number;
  readonly l3mdev: boolean;
  readonly tos?: number;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly realms?: number;
  readonly suppressPrefixLen?: number;
  readonly suppressGroup?: number;
  readonly iif?: string;
  readonly oif?: string;
  readonly tunnelId?: bigint;
  readonly uidRange?: { readonly start: number; readonly end: number };
  readonly protocol: number | undefined;
  readonly ipProto?: number;
  readonly sport?: { readonly start: number; readonly end: number };
  readonly dport?: { readonly start: number; readonly end: number };
  readonly noTrack: boolean;
  readonly trackGroup?: string;
}

export interface VrrpExtrasConfig {
  readonly scripts: readonly VrrpScriptConfig[];
  readonly trackProcesses: readonly TrackProcessConfig[];
  readonly syncGroups: readonly SyncGroupConfig[];
  readonly staticAddresses: readonly IpAddressConfig[];
  readonly staticRoutes: readonly RouteConfig[];
  readonly staticRules: readonly RuleConfig[];
  readonly trackGroups: readonly TrackGroupConfig[];
  readonly garpGroups: readonly GarpGroupConfig[];
  readonly linkbeatInterfaces: readonly LinkbeatInterfaceConfig[];
  readonly interfaceDelays: readonly InterfaceDelayConfig[];
}
