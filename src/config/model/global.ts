/**
 * global_defs and the other process-wide root keywords (net_namespace, instance, ...), with
 * keepalived 2.2.7's defaults (core/global_data.c alloc_global_data / set_vrrp_defaults /
 * init_global_data). Times carry their unit in the name.
 */

/** `user [group]` as written; resolved to ids by the daemon, not by the parse. */
export interface ScriptUser {
  readonly user: string;
  readonly group?: string;
}

/** A script command line split as keepalived splits it (quotes, escapes), and its user. */
export interface ScriptCommand {
  readonly args: readonly string[];
  /** The explicit `user [group]` after the command; otherwise the default script user. */
  readonly runAs?: ScriptUser;
}

export interface NotifyFifo {
  readonly path: string;
  /** Owner of the FIFO when keepalived creates it; absent = default script user. */
  readonly owner?: ScriptUser;
}

export interface SmtpServer {
  /** An IP address literal, or a host name resolved when mail is sent. */
  readonly host: string;
  readonly port: number;
}

export interface LvsTimeouts {
  /** Seconds; absent = leave the kernel's value. */
  readonly tcpS?: number;
  readonly tcpFinS?: number;
  readonly udpS?: number;
}

export interface LvsSyncDaemon {
  readonly interface: string;
  /** The VRRP instance whose state starts/stops the sync daemon. */
  readonly vrrpInstance?: string;
  /** 0..255; absent = the instance's VRID. */
  readonly syncId?: number;
  readonly maxLen?: number;
  readonly port?: number;
  readonly ttl?: number;
  readonly group?: string;
}

/** Per child process scheduling (vrrp_*, checker_*, bfd_* keywords). */
export interface ProcessScheduling {
  /** Nice value -20..19 (0 = unchanged). */
  readonly nice: number;
  readonly noSwap: boolean;
  /** SCHED_RR priority; absent = not real-time. */
  readonly realtimePriority?: number;
  /** CPUs to pin to; empty = no affinity set. */
  readonly cpuAffinity: readonly number[];
  /** RLIMIT_RTTIME in microseconds. */
  readonly rlimitRttimeUs: number;
}

export type LvsFlushOnStop = 'none' | 'full' | 'vs';

export interface RxBufsPolicy {
  readonly mtu: boolean;
  readonly advert: boolean;
  /** An explicit receive buffer size in bytes. */
  readonly size?: number;
}

export interface GlobalDefs {
  // ---- root keywords ----
  readonly netNamespace: string | undefined;
  /** '' = the default namespace. */
  readonly netNamespaceIpvs: string | undefined;
  readonly namespaceWithIpsets: boolean;
  /** Pid files under /run/keepalived/ (also implied by net_namespace and instance). */
  readonly usePidDir: boolean;
  readonly instance: string | undefined;
  readonly childWaitTimeS: number;
  readonly linkbeatUsePolling: boolean;

  // ---- identity, processes ----
  readonly routerId: string | undefined;
  readonly processName: string | undefined;
  readonly vrrpProcessName: string | undefined;
  readonly checkerProcessName: string | undefined;
  readonly bfdProcessName: string | undefined;

  // ---- mail ----
  readonly notificationEmailFrom: string | undefined;
  readonly smtpServer: SmtpServer | undefined;
  readonly smtpHeloName: string | undefined;
  /** Absent = 30 s once an smtp_server is set. */
  readonly smtpConnectTimeoutUs: number | undefined;
  readonly notificationEmail: readonly string[];
  /** undefined = not configured (keepalived's -1): alerts follow per-object settings. */
  readonly smtpAlert: boolean | undefined;
  readonly smtpAlertVrrp: boolean | undefined;
  readonly smtpAlertChecker: boolean | undefined;
  readonly noEmailFaults: boolean;
  readonly noCheckerEmails: boolean;

  // ---- scripts, security ----
  readonly startupScript: ScriptCommand | undefined;
  readonly startupScriptTimeoutS: number;
  readonly shutdownScript: ScriptCommand | undefined;
  readonly shutdownScriptTimeoutS: number;
  readonly scriptUser: ScriptUser | undefined;
  readonly enableScriptSecurity: boolean;
  readonly notifyFifo: NotifyFifo | undefined;
  readonly notifyFifoScript: ScriptCommand | undefined;
  readonly vrrpNotifyFifo: NotifyFifo | undefined;
  readonly vrrpNotifyFifoScript: ScriptCommand | undefined;
  readonly lvsNotifyFifo: NotifyFifo | undefined;
  readonly lvsNotifyFifoScript: ScriptCommand | undefined;
  readonly vrrpNotifyPriorityChanges: boolean;
  readonly fifoWriteVrrpStatesOnReload: boolean;

  // ---- scheduling ----
  /** -1 = disabled, 0 = unset, else the SCHED_RR cap for automatic priority raising. */
  readonly maxAutoPriority: number;
  readonly minAutoPriorityDelayUs: number;
  readonly vrrpScheduling: ProcessScheduling;
  readonly checkerScheduling: ProcessScheduling;
  readonly bfdScheduling: ProcessScheduling;

  // ---- VRRP defaults ----
  readonly dynamicInterfaces: boolean;
  readonly allowIfChanges: boolean;
  readonly defaultInterface: string | undefined;
  readonly disableLocalIgmp: boolean;
  readonly vrrpMcastGroup4: string;
  readonly vrrpMcastGroup6: string;
  readonly vrrpGarpMasterDelayUs: number;
  readonly vrrpGarpMasterRepeat: number;
  readonly vrrpGarpMasterRefreshUs: number;
  readonly vrrpGarpMasterRefreshRepeat: number;
  /** undefined = per instance default (keepalived's PARAMETER_UNSET). */
  readonly vrrpGarpLowerPrioDelayUs: number | undefined;
  readonly vrrpGarpLowerPrioRepeat: number | undefined;
  readonly vrrpDownTimerAdverts: number;
  readonly vrrpGarpIntervalUs: number;
  readonly vrrpGnaIntervalUs: number;
  /** Seconds between GARPs on extra interfaces of a VMAC; 0 = off. */
  readonly vrrpGarpExtraIfS: number;
  readonly vrrpGarpExtraIfAll: boolean;
  readonly vrrpLowerPrioNoAdvert: boolean;
  readonly vrrpHigherPrioSendAdvert: boolean;
  readonly vrrpVersion: 2 | 3;
  readonly vrrpCheckUnicastSrc: boolean;
  readonly vrrpSkipCheckAdvAddr: boolean;
  readonly vrrpStrict: boolean;
  readonly vrrpRxBufsPolicy: RxBufsPolicy;
  readonly vrrpRxBufsMultiplier: number;
  readonly vrrpStartupDelayUs: number;
  readonly logUnknownVrids: boolean;
  readonly vmacPrefix: string | undefined;
  readonly vmacAddrPrefix: string | undefined;

  // ---- firewall ----
  /** nftables table for VRRP (vrrp_iptables falls back to "keepalived"); undefined = none. */
  readonly nftables: string | undefined;
  readonly nftablesPriority: number;
  readonly nftablesIfindex: boolean;
  readonly nftablesIpvs: string | undefined;
  readonly nftablesIpvsPriority: number;
  readonly nftablesIpvsStartFwmark: number;
  readonly nftablesCounters: boolean;

  // ---- LVS ----
  readonly lvsTimeouts: LvsTimeouts;
  readonly lvsFlush: boolean;
  readonly lvsFlushOnStop: LvsFlushOnStop;
  readonly lvsSyncDaemon: LvsSyncDaemon | undefined;
  readonly checkerLogAllFailures: boolean;
  readonly rsInitNotifies: boolean;

  // ---- netlink buffers (bytes; 0 = kernel default) ----
  readonly vrrpNetlinkCmdRcvBufs: number;
  readonly vrrpNetlinkCmdRcvBufsForce: boolean;
  readonly vrrpNetlinkMonitorRcvBufs: number;
  readonly vrrpNetlinkMonitorRcvBufsForce: boolean;
  readonly lvsNetlinkCmdRcvBufs: number;
  readonly lvsNetlinkCmdRcvBufsForce: boolean;
  readonly lvsNetlinkMonitorRcvBufs: number;
  readonly lvsNetlinkMonitorRcvBufsForce: boolean;
  readonly processMonitorRcvBufs: number;
  readonly processMonitorRcvBufsForce: boolean;

  // ---- SNMP, D-Bus ----
  readonly snmpSocket: string | undefined;
  readonly enableTraps: boolean;
  readonly enableSnmpVrrp: boolean;
  readonly enableSnmpRfcv2: boolean;
  readonly enableSnmpRfcv3: boolean;
  readonly enableSnmpChecker: boolean;
  readonly enableDbus: boolean;
  readonly dbusServiceName: string | undefined;

  // ---- process, reload ----
  /** File mode creation mask; undefined = keepalived's default (022 | 0133 for files). */
  readonly umask: number | undefined;
  readonly randomSeed: number | undefined;
  readonly reloadCheckConfig: string | undefined;
  readonly reloadTimeFile: string | undefined;
  readonly reloadRepeat: boolean;
  /** undefined = no reload file; 'default' = keepalived's path derived from pid dir/instance. */
  readonly reloadFile: string | undefined;
  /** include_check as the reader's Include flags (r|m|w|b); undefined = not given. */
  readonly includeCheck: number | undefined;
  readonly configSaveDir: string | undefined;
  readonly tmpConfigDirectory: string | undefined;
  readonly dataUseInstance: boolean;
}
