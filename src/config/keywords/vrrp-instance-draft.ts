/**
 * The mutable draft of a vrrp_instance while the VRRP pass reads it: keepalived's vrrp_t as
 * alloc_vrrp() initialises it (vrrp/vrrp_data.c), with "unset" kept apart from values so that
 * vrrp_complete_instance()'s defaults and strict-mode checks can be applied afterwards.
 */

import type { ScriptCommand } from '../model/global.js';
import type { RouteConfig, RuleConfig } from '../model/vrrp-extras.js';
import type {
  IpAddressConfig,
  IpFamilyNum,
  TrackedObjectConfig,
  UnicastPeerConfig,
} from '../model/vrrp-instance.js';
import { type ParseContext, StateKey } from '../parser.js';
import { GLOBAL } from './global-draft.js';

/** An interface as keepalived's interface_t: `exists` is false for one created dynamically. */
export interface InterfaceRef {
  readonly name: string;
  readonly exists: boolean;
}

export interface VrrpInstanceDraft {
  name: string;
  /** keepalived's wantstate; INIT = not configured. */
  wantState: 'INIT' | 'MASTER' | 'BACKUP';
  ifp: InterfaceRef | undefined;
  /**
   * The `interface` keepalived dropped because it does not exist (without dynamic_interfaces,
   * where keepalived then stops its VRRP process): kept for the daemon, which runs the
   * instance in FAULT until it appears (README, deliberate differences). The checks still see
   * no ifp, as keepalived's.
   */
  missingIfname: string | undefined;
  vrf: InterfaceRef | undefined;
  /** 0 = not set. */
  vrid: number;
  /** 0 = not known yet (AF_UNSPEC). */
  family: 0 | IpFamilyNum;
  /** 0 = not set. */
  version: 0 | 2 | 3;
  /** 0 = not set. */
  priority: number;
  /** 0 = not set (1 s). */
  advertIntUs: number;
  authType: 'NONE' | 'PASS' | 'AH';
  /** Up to 8 bytes as keepalived keeps them (auth_data). */
  authPass: string;
  vips: IpAddressConfig[];
  evips: IpAddressConfig[];
  routes: RouteConfig[];
  rules: RuleConfig[];
  /** mcast_src_ip / unicast_src_ip. */
  saddr: { address: string; family: IpFamilyNum } | undefined;
  saddrFromConfig: boolean;
  unicastSrcGiven: boolean;
  mcastDst: { address: string; family: IpFamilyNum } | undefined;
  /** VRRP_FLAG_UNICAST_CONFIGURED: some unicast keyword was given. */
  unicastConfigured: boolean;
  unicastFaultNoPeer: boolean;
  checkUnicastSrc: boolean;
  peers: UnicastPeerConfig[];
  /** -1 = not set. */
  ttl: number;
  chksumCompat: 'none' | 'config' | 'never';
  trackSrcIp: boolean;
  nativeIpv6: boolean;
  dontTrackPrimary: boolean;
  trackIfs: { name: string; weight: number; weightReverse: boolean; exists: boolean }[];
  trackScripts: TrackedObjectConfig[];
  trackFiles: { name: string; weight: number; weightReverse: boolean }[];
  trackProcesses: TrackedObjectConfig[];
  trackBfds: TrackedObjectConfig[];
  nopreempt: boolean;
  preemptDelayUs: number;
  /** undefined = not set (depends on strict mode and owner). */
  accept: boolean | undefined;
  skipCheckAdvAddr: boolean;
  strictMode: boolean | undefined;
  promoteSecondaries: boolean;
  linkbeatUsePolling: boolean;
  debug: number;
  notify: {
    backup?: ScriptCommand;
    master?: ScriptCommand;
    fault?: ScriptCommand;
    stop?: ScriptCommand;
    deleted?: ScriptCommand;
    notify?: ScriptCommand;
    masterRxLowerPri?: ScriptCommand;
  };
  notifyDeleted: boolean;
  smtpAlert: boolean | undefined;
  notifyPriorityChanges: boolean | undefined;
  garpDelayUs: number;
  garpRep: number;
  garpRefreshUs: number;
  garpRefreshRep: number;
  garpLowerPrioDelayUs: number | undefined;
  garpLowerPrioRep: number | undefined;
  downTimerAdverts: number;
  /** Seconds; undefined = the global vrrp_garp_extra_if. */
  garpExtraIfS: number | undefined;
  garpExtraIfAll: boolean;
  lowerPrioNoAdvert: boolean | undefined;
  higherPrioSendAdvert: boolean | undefined;
  kernelRxBufSize: number;
  vmac: {
    enabled: boolean;
    ifname: string;
    mac: string | undefined;
    macUsesVrid: boolean;
    useVmacAddr: boolean;
    xmitBase: boolean;
  };
  ipvlan: {
    enabled: boolean;
    address: IpAddressConfig | undefined;
    mode: 'bridge' | 'private' | 'vepa';
  };
}

export interface VrrpInstancesDraft {
  instances: VrrpInstanceDraft[];
  /** The names in `instances`, for the duplicate check. */
  names: Set<string>;
  /** The instance being read (undefined after a refused vrrp_instance line). */
  current: VrrpInstanceDraft | undefined;
  /** lvs_sync_daemon_interface given in an instance (keepalived sets the global one). */
  lvsSyncdInterface: string | undefined;
  lvsSyncdInstance: string | undefined;
  /** Whether vrrp_complete_init() accepted the instances (false = VRRP process would stop). */
  valid: boolean;
}

export const VRRP_INSTANCES = new StateKey<VrrpInstancesDraft>('vrrp_instance', () => ({
  instances: [],
  names: new Set(),
  current: undefined,
  lvsSyncdInterface: undefined,
  lvsSyncdInstance: undefined,
  valid: true,
}));

/** alloc_vrrp(): a new instance with the defaults taken from global_defs. */
export function newInstanceDraft(ctx: ParseContext, name: string): VrrpInstanceDraft {
  const g = ctx.parentState(GLOBAL);
  return {
    name,
    wantState: 'INIT',
    ifp: undefined,
    missingIfname: undefined,
    vrf: undefined,
    vrid: 0,
    family: 0,
    version: 0,
    priority: 0,
    advertIntUs: 0,
    authType: 'NONE',
    authPass: '',
    vips: [],
    evips: [],
    routes: [],
    rules: [],
    saddr: undefined,
    saddrFromConfig: false,
    unicastSrcGiven: false,
    mcastDst: undefined,
    unicastConfigured: false,
    unicastFaultNoPeer: false,
    checkUnicastSrc: false,
    peers: [],
    ttl: -1,
    chksumCompat: 'none',
    trackSrcIp: false,
    nativeIpv6: false,
    dontTrackPrimary: false,
    trackIfs: [],
    trackScripts: [],
    trackFiles: [],
    trackProcesses: [],
    trackBfds: [],
    nopreempt: false,
    preemptDelayUs: 0,
    accept: undefined,
    skipCheckAdvAddr: g.vrrpSkipCheckAdvAddr,
    strictMode: undefined,
    promoteSecondaries: false,
    linkbeatUsePolling: false,
    debug: 0,
    notify: {},
    notifyDeleted: false,
    smtpAlert: undefined,
    notifyPriorityChanges: undefined,
    garpDelayUs: g.vrrpGarpMasterDelay,
    garpRep: g.vrrpGarpMasterRepeat,
    garpRefreshUs: g.vrrpGarpMasterRefresh,
    garpRefreshRep: g.vrrpGarpMasterRefreshRepeat,
    garpLowerPrioDelayUs: undefined,
    garpLowerPrioRep: undefined,
    downTimerAdverts: g.vrrpDownTimerAdverts,
    garpExtraIfS: undefined,
    garpExtraIfAll: false,
    lowerPrioNoAdvert: undefined,
    higherPrioSendAdvert: undefined,
    kernelRxBufSize: 0,
    vmac: {
      enabled: false,
      ifname: '',
      mac: undefined,
      macUsesVrid: false,
      useVmacAddr: false,
      xmitBase: false,
    },
    ipvlan: { enabled: false, address: undefined, mode: 'bridge' },
  };
}

/** keepalived's list_last_entry(&vrrp_data->vrrp): the instance the keyword belongs to. */
export function currentInstance(ctx: ParseContext): VrrpInstanceDraft | undefined {
  return ctx.state(VRRP_INSTANCES).current;
}
