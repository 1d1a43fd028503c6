/**
 * global_defs and the root keywords beside it (net_namespace, instance, ...), printed from
 * GlobalDefs. Only values that differ from keepalived 2.2.7's defaults are written.
 */
import type { GlobalDefs, NotifyFifo, ProcessScheduling } from '../model/global.js';
import { Include } from '../reader.js';
import { boolLine, flagLine, type Out, scriptLine, seconds, userWords, word } from './format.js';

const MCAST4 = '224.0.0.18';
const MCAST6 = 'ff02::12';
const SECOND_US = 1_000_000;

/** The root keywords that precede global_defs. */
export function printRootKeywords(g: GlobalDefs, o: Out): void {
  if (g.netNamespace !== undefined) o.line('net_namespace', word(g.netNamespace));
  if (g.netNamespaceIpvs !== undefined)
    o.line('net_namespace_ipvs', g.netNamespaceIpvs === '' ? undefined : word(g.netNamespaceIpvs));
  flagLine(o, 'namespace_with_ipsets', g.namespaceWithIpsets);
  if (g.instance !== undefined) o.line('instance', word(g.instance));
  // net_namespace and instance imply use_pid_dir.
  flagLine(o, 'use_pid_dir', g.usePidDir && g.netNamespace === undefined && g.instance === undefined);
  if (g.childWaitTimeS !== 5) o.line('child_wait_time', g.childWaitTimeS);
  flagLine(o, 'linkbeat_use_polling', g.linkbeatUsePolling);
}

function fifo(o: Out, keyword: string, f: NotifyFifo | undefined): void {
  if (f) o.line(keyword, word(f.path), ...userWords(f.owner));
}

function scheduling(o: Out, p: 'vrrp' | 'checker' | 'bfd', s: ProcessScheduling): void {
  if (s.nice !== 0) o.line(`${p}_priority`, s.nice);
  flagLine(o, `${p}_no_swap`, s.noSwap);
  if (s.realtimePriority !== undefined) o.line(`${p}_rt_priority`, s.realtimePriority);
  if (s.cpuAffinity.length > 0) o.line(`${p}_cpu_affinity`, ...s.cpuAffinity.map(String));
  if (s.rlimitRttimeUs !== 10000) o.line(`${p}_rlimit_rttime`, s.rlimitRttimeUs);
}

const INCLUDE_NAMES: readonly [string, number][] = [
  ['read', Include.r],
  ['match', Include.m],
  ['wildcard_match', Include.w],
  ['brace_match', Include.b],
];

function includeCheck(o: Out, flags: number | undefined): void {
  if (flags === undefined) return;
  // The first plain word resets to readable|that; the rest are added or removed.
  const words = ['read'];
  for (const [name, bit] of INCLUDE_NAMES.slice(1)) if (flags & bit) words.push(`+${name}`);
  if (!(flags & Include.r)) words.push('-read');
  o.line('include_check', ...words);
}

function umask(o: Out, m: number | undefined): void {
  if (m !== undefined) o.line('umask', `0${m.toString(8)}`);
}

function processAndMail(g: GlobalDefs, o: Out): void {
  if (g.routerId !== undefined) o.line('router_id', word(g.routerId));
  if (g.processName !== undefined) o.line('process_name', word(g.processName));
  if (g.vrrpProcessName !== undefined) o.line('vrrp_process_name', word(g.vrrpProcessName));
  if (g.checkerProcessName !== undefined) o.line('checker_process_name', word(g.checkerProcessName));
  if (g.bfdProcessName !== undefined) o.line('bfd_process_name', word(g.bfdProcessName));
  if (g.notificationEmail.length > 0)
    o.block('notification_email', (b) => {
      for (const e of g.notificationEmail) b.line(word(e));
    });
  if (g.notificationEmailFrom !== undefined) o.line('notification_email_from', word(g.notificationEmailFrom));
  if (g.smtpServer)
    o.line('smtp_server', g.smtpServer.host, g.smtpServer.port === 25 ? undefined : g.smtpServer.port);
  if (g.smtpHeloName !== undefined) o.line('smtp_helo_name', word(g.smtpHeloName));
  if (g.smtpConnectTimeoutUs !== undefined)
    o.line('smtp_connect_timeout', Math.round(g.smtpConnectTimeoutUs / SECOND_US));
  boolLine(o, 'smtp_alert', g.smtpAlert);
  boolLine(o, 'smtp_alert_vrrp', g.smtpAlertVrrp);
  boolLine(o, 'smtp_alert_checker', g.smtpAlertChecker);
  flagLine(o, 'no_email_faults', g.noEmailFaults);
  if (g.noCheckerEmails) o.line('no_checker_emails', 'true');
}

function scripts(g: GlobalDefs, o: Out): void {
  if (g.scriptUser) o.line('script_user', ...userWords(g.scriptUser));
  flagLine(o, 'enable_script_security', g.enableScriptSecurity);
  scriptLine(o, 'startup_script', g.startupScript);
  if (g.startupScriptTimeoutS !== (g.startupScript ? 10 : 0))
    o.line('startup_script_timeout', g.startupScriptTimeoutS);
  scriptLine(o, 'shutdown_script', g.shutdownScript);
  if (g.shutdownScriptTimeoutS !== (g.shutdownScript ? 10 : 0))
    o.line('shutdown_script_timeout', g.shutdownScriptTimeoutS);
  fifo(o, 'notify_fifo', g.notifyFifo);
  scriptLine(o, 'notify_fifo_script', g.notifyFifoScript);
  fifo(o, 'vrrp_notify_fifo', g.vrrpNotifyFifo);
  scriptLine(o, 'vrrp_notify_fifo_script', g.vrrpNotifyFifoScript);
  fifo(o, 'lvs_notify_fifo', g.lvsNotifyFifo);
  scriptLine(o, 'lvs_notify_fifo_script', g.lvsNotifyFifoScript);
  if (g.vrrpNotifyPriorityChanges) o.line('vrrp_notify_priority_changes', 'true');
  flagLine(o, 'fifo_write_vrrp_states_on_reload', g.fifoWriteVrrpStatesOnReload);
  if (g.maxAutoPriority !== 0) o.line('max_auto_priority', g.maxAutoPriority);
  if (g.minAutoPriorityDelayUs !== SECOND_US) o.line('min_auto_priority_delay', g.minAutoPriorityDelayUs);
  scheduling(o, 'vrrp', g.vrrpScheduling);
  scheduling(o, 'checker', g.checkerScheduling);
  scheduling(o, 'bfd', g.bfdScheduling);
}

function vrrpDefaults(g: GlobalDefs, o: Out): void {
  if (g.dynamicInterfaces) o.line('dynamic_interfaces', g.allowIfChanges ? 'allow_if_changes' : undefined);
  if (g.defaultInterface !== undefined) o.line('default_interface', word(g.defaultInterface));
  flagLine(o, 'disable_local_igmp', g.disableLocalIgmp);
  if (g.vrrpMcastGroup4 !== MCAST4) o.line('vrrp_mcast_group4', g.vrrpMcastGroup4);
  if (g.vrrpMcastGroup6 !== MCAST6) o.line('vrrp_mcast_group6', g.vrrpMcastGroup6);
  if (g.vrrpGarpMasterDelayUs !== 5 * SECOND_US)
    o.line('vrrp_garp_master_delay', g.vrrpGarpMasterDelayUs / SECOND_US);
  if (g.vrrpGarpMasterRepeat !== 5) o.line('vrrp_garp_master_repeat', g.vrrpGarpMasterRepeat);
  if (g.vrrpGarpMasterRefreshUs !== 0)
    o.line('vrrp_garp_master_refresh', g.vrrpGarpMasterRefreshUs / SECOND_US);
  if (g.vrrpGarpMasterRefreshRepeat !== 1)
    o.line('vrrp_garp_master_refresh_repeat', g.vrrpGarpMasterRefreshRepeat);
  if (g.vrrpGarpLowerPrioDelayUs !== undefined)
    o.line('vrrp_garp_lower_prio_delay', g.vrrpGarpLowerPrioDelayUs / SECOND_US);
  if (g.vrrpGarpLowerPrioRepeat !== undefined)
    o.line('vrrp_garp_lower_prio_repeat', g.vrrpGarpLowerPrioRepeat);
  if (g.vrrpDownTimerAdverts !== 3) o.line('vrrp_down_timer_adverts', g.vrrpDownTimerAdverts);
  if (g.vrrpGarpIntervalUs !== 0) o.line('vrrp_garp_interval', seconds(g.vrrpGarpIntervalUs));
  if (g.vrrpGnaIntervalUs !== 0) o.line('vrrp_gna_interval', seconds(g.vrrpGnaIntervalUs));
  if (g.vrrpGarpExtraIfS !== 0)
    o.line('vrrp_garp_extra_if', g.vrrpGarpExtraIfS, g.vrrpGarpExtraIfAll ? 'all' : undefined);
  if (g.vrrpLowerPrioNoAdvert) o.line('vrrp_lower_prio_no_advert', 'true');
  if (g.vrrpHigherPrioSendAdvert) o.line('vrrp_higher_prio_send_advert', 'true');
  if (g.vrrpVersion !== 2) o.line('vrrp_version', g.vrrpVersion);
  flagLine(o, 'vrrp_check_unicast_src', g.vrrpCheckUnicastSrc);
  flagLine(o, 'vrrp_skip_check_adv_addr', g.vrrpSkipCheckAdvAddr);
  flagLine(o, 'vrrp_strict', g.vrrpStrict);
  const p = g.vrrpRxBufsPolicy;
  if (p.size !== undefined) o.line('vrrp_rx_bufs_policy', p.size);
  else if (p.mtu || p.advert) o.line('vrrp_rx_bufs_policy', p.mtu ? 'MTU' : 'ADVERT');
  if (g.vrrpRxBufsMultiplier !== 3) o.line('vrrp_rx_bufs_multiplier', g.vrrpRxBufsMultiplier);
  if (g.vrrpStartupDelayUs !== 0) o.line('vrrp_startup_delay', seconds(g.vrrpStartupDelayUs));
  flagLine(o, 'log_unknown_vrids', g.logUnknownVrids);
  if (g.vmacPrefix !== undefined) o.line('vmac_prefix', word(g.vmacPrefix));
  if (g.vmacAddrPrefix !== undefined) o.line('vmac_addr_prefix', word(g.vmacAddrPrefix));
}

function firewallAndLvs(g: GlobalDefs, o: Out): void {
  if (g.nftables !== undefined) o.line('nftables', word(g.nftables));
  if (g.nftablesPriority !== -1) o.line('nftables_priority', g.nftablesPriority);
  flagLine(o, 'nftables_ifindex', g.nftablesIfindex);
  if (g.nftablesIpvs !== undefined) o.line('nftables_ipvs', word(g.nftablesIpvs));
  if (g.nftablesIpvsPriority !== -1) o.line('nftables_ipvs_priority', g.nftablesIpvsPriority);
  if (g.nftablesIpvsStartFwmark !== 1000) o.line('nftables_ipvs_start_fwmark', g.nftablesIpvsStartFwmark);
  flagLine(o, 'nftables_counters', g.nftablesCounters);
  const t = g.lvsTimeouts;
  const tw: (string | number)[] = [];
  if (t.tcpS !== undefined) tw.push('tcp', t.tcpS);
  if (t.tcpFinS !== undefined) tw.push('tcpfin', t.tcpFinS);
  if (t.udpS !== undefined) tw.push('udp', t.udpS);
  if (tw.length > 0) o.line('lvs_timeouts', ...tw.map(String));
  flagLine(o, 'lvs_flush', g.lvsFlush);
  if (g.lvsFlushOnStop !== 'none') o.line('lvs_flush_on_stop', g.lvsFlushOnStop === 'vs' ? 'VS' : undefined);
  const s = g.lvsSyncDaemon;
  if (s) {
    const w: (string | number | undefined)[] = [word(s.interface), s.vrrpInstance && word(s.vrrpInstance)];
    if (s.syncId !== undefined) w.push('id', s.syncId);
    if (s.maxLen !== undefined) w.push('maxlen', s.maxLen);
    if (s.port !== undefined) w.push('port', s.port);
    if (s.ttl !== undefined) w.push('ttl', s.ttl);
    if (s.group !== undefined) w.push('group', s.group);
    o.line('lvs_sync_daemon', ...w);
  }
  if (g.checkerLogAllFailures) o.line('checker_log_all_failures', 'true');
  if (g.rsInitNotifies) o.line('rs_init_notifies', 'true');
}

function buffersAndRest(g: GlobalDefs, o: Out): void {
  const bufs: [string, number, boolean][] = [
    ['vrrp_netlink_cmd_rcv_bufs', g.vrrpNetlinkCmdRcvBufs, g.vrrpNetlinkCmdRcvBufsForce],
    ['vrrp_netlink_monitor_rcv_bufs', g.vrrpNetlinkMonitorRcvBufs, g.vrrpNetlinkMonitorRcvBufsForce],
    ['lvs_netlink_cmd_rcv_bufs', g.lvsNetlinkCmdRcvBufs, g.lvsNetlinkCmdRcvBufsForce],
    ['lvs_netlink_monitor_rcv_bufs', g.lvsNetlinkMonitorRcvBufs, g.lvsNetlinkMonitorRcvBufsForce],
    ['process_monitor_rcv_bufs', g.processMonitorRcvBufs, g.processMonitorRcvBufsForce],
  ];
  for (const [k, size, force] of bufs) {
    if (size !== 0) o.line(k, size);
    if (force) o.line(`${k}_force`, 'true');
  }
  if (g.snmpSocket !== undefined) o.line('snmp_socket', word(g.snmpSocket));
  flagLine(o, 'enable_traps', g.enableTraps);
  flagLine(o, 'enable_snmp_vrrp', g.enableSnmpVrrp);
  flagLine(o, 'enable_snmp_rfcv2', g.enableSnmpRfcv2);
  flagLine(o, 'enable_snmp_rfcv3', g.enableSnmpRfcv3);
  flagLine(o, 'enable_snmp_checker', g.enableSnmpChecker);
  flagLine(o, 'enable_dbus', g.enableDbus);
  if (g.dbusServiceName !== undefined) o.line('dbus_service_name', word(g.dbusServiceName));
  umask(o, g.umask);
  if (g.randomSeed !== undefined) o.line('random_seed', g.randomSeed);
  if (g.reloadCheckConfig !== undefined) o.line('reload_check_config', word(g.reloadCheckConfig));
  if (g.reloadTimeFile !== undefined) o.line('reload_time_file', word(g.reloadTimeFile));
  flagLine(o, 'reload_repeat', g.reloadRepeat);
  if (g.reloadFile !== undefined)
    o.line('reload_file', g.reloadFile === 'default' ? undefined : word(g.reloadFile));
  includeCheck(o, g.includeCheck);
  if (g.configSaveDir !== undefined) o.line('config_save_dir', word(g.configSaveDir));
  if (g.tmpConfigDirectory !== undefined) o.line('tmp_config_directory', word(g.tmpConfigDirectory));
  if (g.dataUseInstance) o.line('data_use_instance', 'true');
}

export function printGlobalDefs(g: GlobalDefs, o: Out): void {
  o.blockIf('global_defs', (b) => {
    processAndMail(g, b);
    scripts(g, b);
    vrrpDefaults(g, b);
    firewallAndLvs(g, b);
    buffersAndRest(g, b);
  });
}
