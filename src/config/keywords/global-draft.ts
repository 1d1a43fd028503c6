/**
 * The mutable draft of global_defs while it is parsed, one field per keyword (camelCase of
 * the keyword; deprecated aliases share their successor's field), initialised to keepalived
 * 2.2.7's defaults (core/global_data.c). The VRRP and checker parses read it through
 * `ctx.parentState(GLOBAL)`. Kept apart from global.ts so that the keyword tables can import
 * it without an import cycle.
 */
import type {
  LvsFlushOnStop,
  LvsSyncDaemon,
  NotifyFifo,
  ScriptCommand,
  ScriptUser,
  SmtpServer,
} from '../model/global.js';
import { StateKey } from '../parser.js';

/** keepalived's RT_RLIMIT_DEFAULT (µs). */
export const RT_RLIMIT_DEFAULT_US = 10000;

export interface GlobalDraft {
  // ---- root keywords (outside global_defs) ----
  netNamespace: string | undefined;
  /** '' when given without a name: the default namespace. */
  netNamespaceIpvs: string | undefined;
  namespaceWithIpsets: boolean;
  /** use_pid_dir, also set by net_namespace and instance. */
  usePidDir: boolean;
  instance: string | undefined;
  /** Seconds the parent waits for its children to exit (default 5). */
  childWaitTime: number;
  /** Poll link state (MII/ethtool) instead of relying on netlink. */
  linkbeatUsePolling: boolean;

  // ---- process names (process_names sets the three child names) ----
  processName: string | undefined;
  vrrpProcessName: string | undefined;
  /** checker_process_name, and lvs_process_name (deprecated). */
  checkerProcessName: string | undefined;
  bfdProcessName: string | undefined;

  // ---- identity and mail ----
  routerId: string | undefined;
  notificationEmailFrom: string | undefined;
  smtpServer: SmtpServer | undefined;
  smtpHeloName: string | undefined;
  /** µs; undefined = 30 s once an smtp_server is set. */
  smtpConnectTimeout: number | undefined;
  notificationEmail: string[];
  /** undefined = not set (keepalived's -1). */
  smtpAlert: boolean | undefined;
  smtpAlertVrrp: boolean | undefined;
  smtpAlertChecker: boolean | undefined;
  noEmailFaults: boolean;
  noCheckerEmails: boolean;
  checkerLogAllFailures: boolean;

  // ---- scripts ----
  startupScript: ScriptCommand | undefined;
  /** Seconds; 0 until a startup_script sets the default of 10. */
  startupScriptTimeout: number;
  shutdownScript: ScriptCommand | undefined;
  shutdownScriptTimeout: number;
  scriptUser: ScriptUser | undefined;
  enableScriptSecurity: boolean;
  notifyFifo: NotifyFifo | undefined;
  notifyFifoScript: ScriptCommand | undefined;
  vrrpNotifyFifo: NotifyFifo | undefined;
  vrrpNotifyFifoScript: ScriptCommand | undefined;
  lvsNotifyFifo: NotifyFifo | undefined;
  lvsNotifyFifoScript: ScriptCommand | undefined;
  vrrpNotifyPriorityChanges: boolean;
  fifoWriteVrrpStatesOnReload: boolean;

  // ---- scheduling ----
  /** -1 = disabled; 0 = not set; bare keyword = SCHED_RR maximum (99). */
  maxAutoPriority: number;
  /** µs (default 1 s). */
  minAutoPriorityDelay: number;
  /** Nice value -20..19. */
  vrrpPriority: number;
  vrrpNoSwap: boolean;
  vrrpRtPriority: number | undefined;
  vrrpCpuAffinity: number[];
  /** vrrp_rlimit_rttime (and deprecated vrrp_rlimit_rtime), µs. */
  vrrpRlimitRttime: number;
  checkerPriority: number;
  checkerNoSwap: boolean;
  checkerRtPriority: number | undefined;
  checkerCpuAffinity: number[];
  checkerRlimitRttime: number;
  bfdPriority: number;
  bfdNoSwap: boolean;
  bfdRtPriority: number | undefined;
  bfdCpuAffinity: number[];
  bfdRlimitRttime: number;

  // ---- VRRP defaults ----
  dynamicInterfaces: boolean;
  /** `dynamic_interfaces allow_if_changes`. */
  allowIfChanges: boolean;
  defaultInterface: string | undefined;
  disableLocalIgmp: boolean;
  vrrpMcastGroup4: string;
  vrrpMcastGroup6: string;
  /** µs (default 5 s). */
  vrrpGarpMasterDelay: number;
  vrrpGarpMasterRepeat: number;
  /** µs (0 = no refresh). */
  vrrpGarpMasterRefresh: number;
  vrrpGarpMasterRefreshRepeat: number;
  /** µs; undefined = not set (per-instance default applies). */
  vrrpGarpLowerPrioDelay: number | undefined;
  vrrpGarpLowerPrioRepeat: number | undefined;
  vrrpDownTimerAdverts: number;
  /** µs. */
  vrrpGarpInterval: number;
  /** µs. */
  vrrpGnaInterval: number;
  /** vrrp_min_garp was given (true); it also lowered the GARP defaults above. */
  vrrpMinGarp: boolean;
  /** vrrp_garp_extra_if (and deprecated vrrp_vmac_garp_intvl): seconds, 0 = off. */
  vrrpGarpExtraIf: number;
  vrrpGarpExtraIfAll: boolean;
  vrrpLowerPrioNoAdvert: boolean;
  vrrpHigherPrioSendAdvert: boolean;
  vrrpVersion: 2 | 3;
  vrrpCheckUnicastSrc: boolean;
  vrrpSkipCheckAdvAddr: boolean;
  vrrpStrict: boolean;
  vrrpRxBufsPolicy: { mtu: boolean; advert: boolean; size: number | undefined };
  vrrpRxBufsMultiplier: number;
  /** µs. */
  vrrpStartupDelay: number;
  logUnknownVrids: boolean;
  vmacPrefix: string | undefined;
  vmacAddrPrefix: string | undefined;

  // ---- firewall ----
  /** vrrp_iptables was given (this build falls back to nftables table "keepalived"). */
  vrrpIptables: boolean;
  /** nftables table name for VRRP; undefined = no nftables. */
  nftables: string | undefined;
  nftablesPriority: number;
  nftablesIfindex: boolean;
  nftablesIpvs: string | undefined;
  nftablesIpvsPriority: number;
  nftablesIpvsStartFwmark: number;
  nftablesCounters: boolean;

  // ---- LVS ----
  /** Seconds. */
  lvsTimeouts: { tcp: number | undefined; tcpfin: number | undefined; udp: number | undefined };
  lvsFlush: boolean;
  /** lvs_flush_on_stop (and deprecated lvs_flush_onstop). */
  lvsFlushOnStop: LvsFlushOnStop;
  lvsSyncDaemon: LvsSyncDaemon | undefined;
  rsInitNotifies: boolean;

  // ---- netlink buffers (bytes, 0 = kernel default) ----
  vrrpNetlinkCmdRcvBufs: number;
  vrrpNetlinkCmdRcvBufsForce: boolean;
  vrrpNetlinkMonitorRcvBufs: number;
  vrrpNetlinkMonitorRcvBufsForce: boolean;
  lvsNetlinkCmdRcvBufs: number;
  lvsNetlinkCmdRcvBufsForce: boolean;
  lvsNetlinkMonitorRcvBufs: number;
  lvsNetlinkMonitorRcvBufsForce: boolean;
  processMonitorRcvBufs: number;
  processMonitorRcvBufsForce: boolean;

  // ---- SNMP, D-Bus ----
  snmpSocket: string | undefined;
  enableTraps: boolean;
  /** enable_snmp_vrrp (and deprecated enable_snmp_keepalived). */
  enableSnmpVrrp: boolean;
  /** enable_snmp_rfc sets both v2 and v3. */
  enableSnmpRfcv2: boolean;
  enableSnmpRfcv3: boolean;
  enableSnmpChecker: boolean;
  enableDbus: boolean;
  dbusServiceName: string | undefined;

  // ---- process, reload ----
  umask: number | undefined;
  randomSeed: number | undefined;
  reloadCheckConfig: string | undefined;
  reloadTimeFile: string | undefined;
  reloadRepeat: boolean;
  /** 'default' = keepalived's DEFAULT_RELOAD_FILE (path chosen at start). */
  reloadFile: string | undefined;
  /** include_check flags (reader's Include bits); undefined = not given. */
  includeCheck: number | undefined;
  configSaveDir: string | undefined;
  tmpConfigDirectory: string | undefined;
  dataUseInstance: boolean;
}

export function defaultGlobalDraft(): GlobalDraft {
  return {
    netNamespace: undefined,
    netNamespaceIpvs: undefined,
    namespaceWithIpsets: false,
    usePidDir: false,
    instance: undefined,
    childWaitTime: 5,
    linkbeatUsePolling: false,
    processName: undefined,
    vrrpProcessName: undefined,
    checkerProcessName: undefined,
    bfdProcessName: undefined,
    routerId: undefined,
    notificationEmailFrom: undefined,
    smtpServer: undefined,
    smtpHeloName: undefined,
    smtpConnectTimeout: undefined,
    notificationEmail: [],
    smtpAlert: undefined,
    smtpAlertVrrp: undefined,
    smtpAlertChecker: undefined,
    noEmailFaults: false,
    noCheckerEmails: false,
    checkerLogAllFailures: false,
    startupScript: undefined,
    startupScriptTimeout: 0,
    shutdownScript: undefined,
    shutdownScriptTimeout: 0,
    scriptUser: undefined,
    enableScriptSecurity: false,
    notifyFifo: undefined,
    notifyFifoScript: undefined,
    vrrpNotifyFifo: undefined,
    vrrpNotifyFifoScript: undefined,
    lvsNotifyFifo: undefined,
    lvsNotifyFifoScript: undefined,
    vrrpNotifyPriorityChanges: false,
    fifoWriteVrrpStatesOnReload: false,
    maxAutoPriority: 0,
    minAutoPriorityDelay: 1_000_000,
    vrrpPriority: 0,
    vrrpNoSwap: false,
    vrrpRtPriority: undefined,
    vrrpCpuAffinity: [],
    vrrpRlimitRttime: RT_RLIMIT_DEFAULT_US,
    checkerPriority: 0,
    checkerNoSwap: false,
    checkerRtPriority: undefined,
    checkerCpuAffinity: [],
    checkerRlimitRttime: RT_RLIMIT_DEFAULT_US,
    bfdPriority: 0,
    bfdNoSwap: false,
    bfdRtPriority: undefined,
    bfdCpuAffinity: [],
    bfdRlimitRttime: RT_RLIMIT_DEFAULT_US,
    dynamicInterfaces: false,
    allowIfChanges: false,
    defaultInterface: undefined,
    disableLocalIgmp: false,
    vrrpMcastGroup4: '224.0.0.18',
    vrrpMcastGroup6: 'ff02::12',
    vrrpGarpMasterDelay: 5_000_000,
    vrrpGarpMasterRepeat: 5,
    vrrpGarpMasterRefresh: 0,
    vrrpGarpMasterRefreshRepeat: 1,
    vrrpGarpLowerPrioDelay: undefined,
    vrrpGarpLowerPrioRepeat: undefined,
    vrrpDownTimerAdverts: 3,
    vrrpGarpInterval: 0,
    vrrpGnaInterval: 0,
    vrrpMinGarp: false,
    vrrpGarpExtraIf: 0,
    vrrpGarpExtraIfAll: false,
    vrrpLowerPrioNoAdvert: false,
    vrrpHigherPrioSendAdvert: false,
    vrrpVersion: 2,
    vrrpCheckUnicastSrc: false,
    vrrpSkipCheckAdvAddr: false,
    vrrpStrict: false,
    vrrpRxBufsPolicy: { mtu: false, advert: false, size: undefined },
    vrrpRxBufsMultiplier: 3,
    vrrpStartupDelay: 0,
    logUnknownVrids: false,
    vmacPrefix: undefined,
    vmacAddrPrefix: undefined,
    vrrpIptables: false,
    nftables: undefined,
    nftablesPriority: -1,
    nftablesIfindex: false,
    nftablesIpvs: undefined,
    nftablesIpvsPriority: -1,
    nftablesIpvsStartFwmark: 1000,
    nftablesCounters: false,
    lvsTimeouts: { tcp: undefined, tcpfin: undefined, udp: undefined },
    lvsFlush: false,
    lvsFlushOnStop: 'none',
    lvsSyncDaemon: undefined,
    rsInitNotifies: false,
    vrrpNetlinkCmdRcvBufs: 0,
    vrrpNetlinkCmdRcvBufsForce: false,
    vrrpNetlinkMonitorRcvBufs: 0,
    vrrpNetlinkMonitorRcvBufsForce: false,
    lvsNetlinkCmdRcvBufs: 0,
    lvsNetlinkCmdRcvBufsForce: false,
    lvsNetlinkMonitorRcvBufs: 0,
    lvsNetlinkMonitorRcvBufsForce: false,
    processMonitorRcvBufs: 0,
    processMonitorRcvBufsForce: false,
    snmpSocket: undefined,
    enableTraps: false,
    enableSnmpVrrp: false,
    enableSnmpRfcv2: false,
    enableSnmpRfcv3: false,
    enableSnmpChecker: false,
    enableDbus: false,
    dbusServiceName: undefined,
    umask: undefined,
    randomSeed: undefined,
    reloadCheckConfig: undefined,
    reloadTimeFile: undefined,
    reloadRepeat: false,
    reloadFile: undefined,
    includeCheck: undefined,
    configSaveDir: undefined,
    tmpConfigDirectory: undefined,
    dataUseInstance: false,
  };
}

export const GLOBAL = new StateKey<GlobalDraft>('global', defaultGlobalDraft);
