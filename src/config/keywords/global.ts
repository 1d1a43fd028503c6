/**
 * global_defs and the other process-wide root keywords (keepalived core/global_parser.c).
 * The keyword tables live in global-*.ts by topic; the draft in global-draft.ts.
 */
import type { GlobalDefs, ProcessScheduling, ScriptCommand } from '../model/global.js';
import type { Handler, Keyword, ParseContext, RootKeyword } from '../parser.js';
import type { SectionModule } from '../section.js';
import { readUnsigned } from '../values.js';
import { coreKeywords } from './global-core.js';
import { GLOBAL, type GlobalDraft } from './global-draft.js';
import { scriptFileFound } from './global-env.js';
import { lvsGlobalKeywords } from './global-lvs.js';
import { processKeywords } from './global-process.js';
import { vrrpGlobalKeywords } from './global-vrrp.js';

export { GLOBAL, type GlobalDraft } from './global-draft.js';

const globalDefsKeywords: readonly Keyword[] = [
  ...processKeywords,
  ...coreKeywords,
  ...vrrpGlobalKeywords,
  ...lvsGlobalKeywords,
];

/** net_namespace and instance imply per-instance pid files under /run/keepalived/. */
function onceNamed(key: 'netNamespace' | 'instance', what: string): Handler {
  return (ctx, w) => {
    const g = ctx.state(GLOBAL);
    if (w.length < 2) ctx.report('general-error', `${what} name missing - ignoring`);
    else if (g[key] === undefined) {
      g[key] = w.at(1);
      g.usePidDir = true;
    } else ctx.report('general-error', `Duplicate ${what} definition ${w.at(1)} - ignoring`);
  };
}

const roots: RootKeyword[] = [
  {
    name: 'linkbeat_use_polling',
    section: 'global',
    handler: (ctx) => {
      ctx.state(GLOBAL).linkbeatUsePolling = true;
    },
  },
  { name: 'net_namespace', section: 'global', handler: onceNamed('netNamespace', 'net_namespace') },
  {
    name: 'net_namespace_ipvs',
    section: 'global',
    handler: (ctx, w) => {
      const g = ctx.state(GLOBAL);
      if (g.netNamespaceIpvs !== undefined)
        ctx.report('general-error', `Duplicate net_namespace_ipvs definition ${w.at(1)} - ignoring`);
      // No name means the default namespace.
      else g.netNamespaceIpvs = w.length < 2 ? '' : w.at(1);
    },
  },
  {
    name: 'namespace_with_ipsets',
    section: 'global',
    handler: (ctx) => {
      ctx.state(GLOBAL).namespaceWithIpsets = true;
    },
  },
  {
    name: 'use_pid_dir',
    section: 'global',
    handler: (ctx) => {
      ctx.state(GLOBAL).usePidDir = true;
    },
  },
  { name: 'instance', section: 'global', handler: onceNamed('instance', 'instance') },
  {
    name: 'child_wait_time',
    section: 'global',
    handler: (ctx, w) => {
      const v = readUnsigned(ctx, w.at(1), 0, 4294967295, false);
      if (v === undefined) ctx.report('general-error', `Invalid child_wait_time ${w.at(1)}`);
      else ctx.state(GLOBAL).childWaitTime = v;
    },
  },
  { name: 'global_defs', section: 'global', sub: globalDefsKeywords },
];

/** check_script_secure(): SC_ISSCRIPT unless the file is not found or it is a `</file` test. */
function isScript(ctx: ParseContext, s: ScriptCommand | undefined): boolean {
  const cmd = s?.args[0];
  if (cmd === undefined || /^<[ \t]*\//.test(cmd)) return false;
  return scriptFileFound(ctx.env, cmd);
}

/**
 * The parent's check after its parse (main.c): start/stop scripts that exist while
 * enable_script_security is off are a security error (-t exits 6).
 */
function validateGlobal(ctx: ParseContext): void {
  if (ctx.pass !== 'parent') return;
  const g = ctx.state(GLOBAL);
  const found = isScript(ctx, g.startupScript) || isScript(ctx, g.shutdownScript);
  if (found && !g.enableScriptSecurity) {
    ctx.reportGlobal(
      'security',
      'SECURITY VIOLATION - start/shutdown scripts are being executed but script_security not enabled.',
    );
  }
}

function scheduling(
  nice: number,
  noSwap: boolean,
  rt: number | undefined,
  cpus: readonly number[],
  rlimitUs: number,
): ProcessScheduling {
  return {
    nice,
    noSwap,
    ...(rt !== undefined ? { realtimePriority: rt } : {}),
    cpuAffinity: [...cpus],
    rlimitRttimeUs: rlimitUs,
  };
}

export function buildGlobalDefs(d: GlobalDraft): GlobalDefs {
  const t = d.lvsTimeouts;
  return {
    netNamespace: d.netNamespace,
    netNamespaceIpvs: d.netNamespaceIpvs,
    namespaceWithIpsets: d.namespaceWithIpsets,
    usePidDir: d.usePidDir,
    instance: d.instance,
    childWaitTimeS: d.childWaitTime,
    linkbeatUsePolling: d.linkbeatUsePolling,
    routerId: d.routerId,
    processName: d.processName,
    vrrpProcessName: d.vrrpProcessName,
    checkerProcessName: d.checkerProcessName,
    bfdProcessName: d.bfdProcessName,
    notificationEmailFrom: d.notificationEmailFrom,
    smtpServer: d.smtpServer,
    smtpHeloName: d.smtpHeloName,
    smtpConnectTimeoutUs: d.smtpConnectTimeout,
    notificationEmail: [...d.notificationEmail],
    smtpAlert: d.smtpAlert,
    smtpAlertVrrp: d.smtpAlertVrrp,
    smtpAlertChecker: d.smtpAlertChecker,
    noEmailFaults: d.noEmailFaults,
    noCheckerEmails: d.noCheckerEmails,
    startupScript: d.startupScript,
    startupScriptTimeoutS: d.startupScriptTimeout,
    shutdownScript: d.shutdownScript,
    shutdownScriptTimeoutS: d.shutdownScriptTimeout,
    scriptUser: d.scriptUser,
    enableScriptSecurity: d.enableScriptSecurity,
    notifyFifo: d.notifyFifo,
    notifyFifoScript: d.notifyFifoScript,
    vrrpNotifyFifo: d.vrrpNotifyFifo,
    vrrpNotifyFifoScript: d.vrrpNotifyFifoScript,
    lvsNotifyFifo: d.lvsNotifyFifo,
    lvsNotifyFifoScript: d.lvsNotifyFifoScript,
    vrrpNotifyPriorityChanges: d.vrrpNotifyPriorityChanges,
    fifoWriteVrrpStatesOnReload: d.fifoWriteVrrpStatesOnReload,
    maxAutoPriority: d.maxAutoPriority,
    minAutoPriorityDelayUs: d.minAutoPriorityDelay,
    vrrpScheduling: scheduling(
      d.vrrpPriority,
      d.vrrpNoSwap,
      d.vrrpRtPriority,
      d.vrrpCpuAffinity,
      d.vrrpRlimitRttime,
    ),
    checkerScheduling: scheduling(
      d.checkerPriority,
      d.checkerNoSwap,
      d.checkerRtPriority,
      d.checkerCpuAffinity,
      d.checkerRlimitRttime,
    ),
    bfdScheduling: scheduling(
      d.bfdPriority,
      d.bfdNoSwap,
      d.bfdRtPriority,
      d.bfdCpuAffinity,
      d.bfdRlimitRttime,
    ),
    dynamicInterfaces: d.dynamicInterfaces,
    allowIfChanges: d.allowIfChanges,
    defaultInterface: d.defaultInterface,
    disableLocalIgmp: d.disableLocalIgmp,
    vrrpMcastGroup4: d.vrrpMcastGroup4,
    vrrpMcastGroup6: d.vrrpMcastGroup6,
    vrrpGarpMasterDelayUs: d.vrrpGarpMasterDelay,
    vrrpGarpMasterRepeat: d.vrrpGarpMasterRepeat,
    vrrpGarpMasterRefreshUs: d.vrrpGarpMasterRefresh,
    vrrpGarpMasterRefreshRepeat: d.vrrpGarpMasterRefreshRepeat,
    vrrpGarpLowerPrioDelayUs: d.vrrpGarpLowerPrioDelay,
    vrrpGarpLowerPrioRepeat: d.vrrpGarpLowerPrioRepeat,
    vrrpDownTimerAdverts: d.vrrpDownTimerAdverts,
    vrrpGarpIntervalUs: d.vrrpGarpInterval,
    vrrpGnaIntervalUs: d.vrrpGnaInterval,
    vrrpGarpExtraIfS: d.vrrpGarpExtraIf,
    vrrpGarpExtraIfAll: d.vrrpGarpExtraIfAll,
    vrrpLowerPrioNoAdvert: d.vrrpLowerPrioNoAdvert,
    vrrpHigherPrioSendAdvert: d.vrrpHigherPrioSendAdvert,
    vrrpVersion: d.vrrpVersion,
    vrrpCheckUnicastSrc: d.vrrpCheckUnicastSrc,
    vrrpSkipCheckAdvAddr: d.vrrpSkipCheckAdvAddr,
    vrrpStrict: d.vrrpStrict,
    vrrpRxBufsPolicy: {
      mtu: d.vrrpRxBufsPolicy.mtu,
      advert: d.vrrpRxBufsPolicy.advert,
      ...(d.vrrpRxBufsPolicy.size !== undefined ? { size: d.vrrpRxBufsPolicy.size } : {}),
    },
    vrrpRxBufsMultiplier: d.vrrpRxBufsMultiplier,
    vrrpStartupDelayUs: d.vrrpStartupDelay,
    logUnknownVrids: d.logUnknownVrids,
    vmacPrefix: d.vmacPrefix,
    vmacAddrPrefix: d.vmacAddrPrefix,
    nftables: d.nftables,
    nftablesPriority: d.nftablesPriority,
    nftablesIfindex: d.nftablesIfindex,
    nftablesIpvs: d.nftablesIpvs,
    nftablesIpvsPriority: d.nftablesIpvsPriority,
    nftablesIpvsStartFwmark: d.nftablesIpvsStartFwmark,
    nftablesCounters: d.nftablesCounters,
    lvsTimeouts: {
      ...(t.tcp !== undefined ? { tcpS: t.tcp } : {}),
      ...(t.tcpfin !== undefined ? { tcpFinS: t.tcpfin } : {}),
      ...(t.udp !== undefined ? { udpS: t.udp } : {}),
    },
    lvsFlush: d.lvsFlush,
    lvsFlushOnStop: d.lvsFlushOnStop,
    lvsSyncDaemon: d.lvsSyncDaemon,
    checkerLogAllFailures: d.checkerLogAllFailures,
    rsInitNotifies: d.rsInitNotifies,
    vrrpNetlinkCmdRcvBufs: d.vrrpNetlinkCmdRcvBufs,
    vrrpNetlinkCmdRcvBufsForce: d.vrrpNetlinkCmdRcvBufsForce,
    vrrpNetlinkMonitorRcvBufs: d.vrrpNetlinkMonitorRcvBufs,
    vrrpNetlinkMonitorRcvBufsForce: d.vrrpNetlinkMonitorRcvBufsForce,
    lvsNetlinkCmdRcvBufs: d.lvsNetlinkCmdRcvBufs,
    lvsNetlinkCmdRcvBufsForce: d.lvsNetlinkCmdRcvBufsForce,
    lvsNetlinkMonitorRcvBufs: d.lvsNetlinkMonitorRcvBufs,
    lvsNetlinkMonitorRcvBufsForce: d.lvsNetlinkMonitorRcvBufsForce,
    processMonitorRcvBufs: d.processMonitorRcvBufs,
    processMonitorRcvBufsForce: d.processMonitorRcvBufsForce,
    snmpSocket: d.snmpSocket,
    enableTraps: d.enableTraps,
    enableSnmpVrrp: d.enableSnmpVrrp,
    enableSnmpRfcv2: d.enableSnmpRfcv2,
    enableSnmpRfcv3: d.enableSnmpRfcv3,
    enableSnmpChecker: d.enableSnmpChecker,
    enableDbus: d.enableDbus,
    dbusServiceName: d.dbusServiceName,
    umask: d.umask,
    randomSeed: d.randomSeed,
    reloadCheckConfig: d.reloadCheckConfig,
    reloadTimeFile: d.reloadTimeFile,
    reloadRepeat: d.reloadRepeat,
    reloadFile: d.reloadFile,
    includeCheck: d.includeCheck,
    configSaveDir: d.configSaveDir,
    tmpConfigDirectory: d.tmpConfigDirectory,
    dataUseInstance: d.dataUseInstance,
  };
}

export const globalSection: SectionModule<GlobalDefs> = {
  name: 'global',
  roots: () => roots,
  validate: validateGlobal,
  build: (ctx) => buildGlobalDefs(ctx.state(GLOBAL)),
};
