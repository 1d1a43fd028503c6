/**
 * A vrrp_instance as the VRRP engine runs it (keepalived vrrp/vrrp.h vrrp_t), with the
 * address, route and rule types that static_ipaddress / static_routes / static_rules share.
 * Values are keepalived 2.2.7's after its parse and -t checks: defaults filled in, invalid
 * values dropped as keepalived drops them. Times are in microseconds unless named otherwise.
 */
import type { ScriptCommand } from './global.js';
import type { RouteConfig, RuleConfig } from './vrrp-extras.js';

export type { RouteConfig, RuleConfig };

export type IpFamilyNum = 4 | 6;

/** An address line of virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress. */
export interface IpAddressConfig {
  readonly family: IpFamilyNum;
  /** Canonical text of the address (without prefix). */
  readonly address: string;
  readonly prefixLen: number;
  /** `dev NAME`; absent = the instance's interface (or the default interface when static). */
  readonly interface?: string;
  /** IPv4 broadcast, computed for `brd +` / `brd -`. */
  readonly broadcast?: string;
  /** rtnetlink scope (0 = global). */
  readonly scope: number;
  readonly label?: string;
  readonly peer?: string;
  /** IFA_F_* flags set, and the mask of flags specified (`-nodad` clears NODAD). */
  readonly ifaFlags: number;
  readonly ifaFlagMask: number;
  /** `no_track`: a missing address does not fault the instance. */
  readonly noTrack: boolean;
  /** Seconds, 0xffffffff = forever; absent = kernel default. */
  readonly preferredLft?: number;
  /** static_ipaddress only. */
  readonly trackGroup?: string;
  /** virtual_ipaddress only: put the address on the VMAC. */
  readonly useVmac: boolean;
}

/** IFA_F_* bits as the kernel defines them (linux/if_addr.h). */
export const IFA_F = {
  nodad: 0x02,
  homeaddress: 0x10,
  managetempaddr: 0x100,
  noprefixroute: 0x200,
  mcautojoin: 0x400,
} as const;

export type VrrpState = 'MASTER' | 'BACKUP';

export type VrrpAuthType = 'PASS' | 'AH';

export interface UnicastPeerConfig {
  readonly address: string;
  readonly family: IpFamilyNum;
  /** `min_ttl` / `max_ttl` checks on received adverts (0..255). */
  readonly minTtl: number;
  readonly maxTtl: number;
}

export interface TrackedInterfaceConfig {
  readonly name: string;
  /** 0 = fault on down; otherwise priority change (-254..254). */
  readonly weight: number;
  readonly weightReverse: boolean;
}

export interface TrackedObjectConfig {
  readonly name: string;
  /** The line's weight, or the tracked object's own. */
  readonly weight: number;
  readonly weightReverse: boolean;
}

export interface VrrpNotifyScripts {
  readonly backup?: ScriptCommand;
  readonly master?: ScriptCommand;
  readonly fault?: ScriptCommand;
  readonly stop?: ScriptCommand;
  readonly deleted?: ScriptCommand;
  /** `notify_deleted` given (with or without a script). */
  readonly notifyDeleted: boolean;
  readonly notify?: ScriptCommand;
  readonly masterRxLowerPri?: ScriptCommand;
}

export interface VmacConfig {
  /** Interface name chosen by the user; absent = generated (vrrp.VRID). */
  readonly ifname?: string;
  /** Explicit MAC; `useVrid` when only 5 octets were given. */
  readonly mac?: string;
  readonly macUsesVrid: boolean;
  /** use_vmac_addr. */
  readonly useVmacAddr: boolean;
  /** vmac_xmit_base. */
  readonly xmitBase: boolean;
}

export interface IpvlanConfig {
  readonly ifname?: string;
  readonly address?: IpAddressConfig;
  readonly mode: 'bridge' | 'private' | 'vepa';
}

export interface VrrpInstanceConfig {
  readonly name: string;
  readonly state: VrrpState;
  readonly interface?: string;
  readonly vrf?: string;
  readonly vrid: number;
  readonly family: IpFamilyNum;
  readonly version: 2 | 3;
  /** Configured priority (1..255; 255 = address owner). */
  readonly priority: number;
  readonly advertIntUs: number;
  readonly auth?: { readonly type: VrrpAuthType; readonly pass: string };
  readonly virtualIpaddresses: readonly IpAddressConfig[];
  readonly virtualIpaddressesExcluded: readonly IpAddressConfig[];
  readonly virtualRoutes: readonly RouteConfig[];
  readonly virtualRules: readonly RuleConfig[];
  readonly mcastSrcIp?: string;
  readonly mcastDstIp?: string;
  readonly unicastSrcIp?: string;
  readonly unicastPeers: readonly UnicastPeerConfig[];
  readonly unicastFaultNoPeer: boolean;
  readonly checkUnicastSrc: boolean;
  /** unicast_ttl; undefined = not set (255 sent). */
  readonly unicastTtl?: number;
  readonly oldUnicastChecksum?: 'config' | 'never';
  readonly trackSrcIp: boolean;
  readonly nativeIpv6: boolean;
  readonly dontTrackPrimary: boolean;
  readonly trackInterfaces: readonly TrackedInterfaceConfig[];
  readonly trackScripts: readonly TrackedObjectConfig[];
  readonly trackFiles: readonly TrackedObjectConfig[];
  readonly trackProcesses: readonly TrackedObjectConfig[];
  readonly trackBfds: readonly TrackedObjectConfig[];
  readonly nopreempt: boolean;
  readonly preemptDelayUs: number;
  readonly accept: boolean;
  readonly skipCheckAdvAddr: boolean;
  readonly strictMode: boolean;
  readonly promoteSecondaries: boolean;
  readonly linkbeatUsePolling: boolean;
  readonly notify: VrrpNotifyScripts;
  readonly smtpAlert: boolean | undefined;
  readonly notifyPriorityChanges: boolean | undefined;
  readonly garpMasterDelayUs: number;
  readonly garpMasterRepeat: number;
  readonly garpMasterRefreshUs: number;
  readonly garpMasterRefreshRepeat: number;
  readonly garpLowerPrioDelayUs: number;
  readonly garpLowerPrioRepeat: number;
  readonly downTimerAdverts: number;
  /** garp_extra_if seconds; undefined = global value. */
  readonly garpExtraIfS?: number;
  readonly garpExtraIfAll: boolean;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly kernelRxBufSize: number;
  readonly debug: number;
  readonly vmac?: VmacConfig;
  readonly ipvlan?: IpvlanConfig;
}
