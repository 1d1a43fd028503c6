/**
 * The checker process's root blocks: SSL, virtual_server_group and virtual_server with its
 * real_server and sorry_server. A real server's inherited values (weight, timers, alpha, ...)
 * are written only where they differ from its virtual server's.
 */
import type { GlobalDefs } from '../model/global.js';
import {
  type Forwarding,
  IPVS_SVC_F,
  type LvsConfig,
  type RealServerConfig,
  type VirtualServerConfig,
  type VirtualServerGroupConfig,
} from '../model/lvs.js';
import { printChecker } from './checkers.js';
import { type Out, scriptLine, seconds, word } from './format.js';

const DEFAULT_CONNECT_TIMEOUT_US = 5_000_000;
const DEFAULT_DELAY_LOOP_US = 60_000_000;

function forwardingWords(f: Forwarding): string[] {
  const w: string[] = [f.method];
  if (f.method === 'TUN') {
    if (f.tunnelType !== 'ipip') w.push('type', f.tunnelType);
    if (f.tunnelPort !== 0) w.push('port', String(f.tunnelPort));
    if (f.tunnelChecksum !== 'nocsum') w.push(f.tunnelChecksum);
  }
  return w;
}

function sameForwarding(a: Forwarding, b: Forwarding): boolean {
  return forwardingWords(a).join(' ') === forwardingWords(b).join(' ');
}

function group(g: VirtualServerGroupConfig, o: Out): void {
  o.block(`virtual_server_group ${word(g.name)}`, (b) => {
    for (const r of g.addressRanges) {
      const addr = r.start === r.end ? r.start : `${r.start}-${r.end}`;
      b.line(addr, r.port === 0 ? undefined : r.port);
    }
    for (const f of g.fwmarks)
      b.line('fwmark', f.fwmark, f.family === undefined ? undefined : f.family === 6 ? 'inet6' : 'inet');
  });
}

function bool(o: Out, keyword: string, v: boolean, dflt: boolean): void {
  if (v !== dflt) o.line(keyword, v ? 'true' : 'false');
}

function realServer(rs: RealServerConfig, vs: VirtualServerConfig, g: GlobalDefs, o: Out): void {
  o.block(`real_server ${rs.address}${rs.port === 0 ? '' : ` ${rs.port}`}`, (b) => {
    if (rs.weight !== vs.weight) b.line('weight', rs.weight);
    b.line('lvs_method', ...forwardingWords(rs.forwarding));
    if (rs.upperThreshold !== 0) b.line('uthreshold', rs.upperThreshold);
    if (rs.lowerThreshold !== 0) b.line('lthreshold', rs.lowerThreshold);
    bool(b, 'inhibit_on_failure', rs.inhibitOnFailure, vs.inhibitOnFailure);
    scriptLine(b, 'notify_up', rs.notifyUp);
    scriptLine(b, 'notify_down', rs.notifyDown);
    bool(b, 'alpha', rs.alpha, vs.alpha);
    if (rs.retry !== vs.retry && rs.retry !== undefined) b.line('retry', rs.retry);
    if (rs.delayBeforeRetryUs !== vs.delayBeforeRetryUs && rs.delayBeforeRetryUs !== undefined)
      b.line('delay_before_retry', seconds(rs.delayBeforeRetryUs));
    if (rs.warmupUs !== vs.warmupUs && rs.warmupUs !== undefined) b.line('warmup', seconds(rs.warmupUs));
    if (rs.connectTimeoutUs !== vs.connectTimeoutUs) b.line('connect_timeout', seconds(rs.connectTimeoutUs));
    if (rs.delayLoopUs !== vs.delayLoopUs) b.line('delay_loop', seconds(rs.delayLoopUs));
    bool(b, 'smtp_alert', rs.smtpAlert, g.smtpAlertChecker ?? g.smtpAlert ?? true);
    if (rs.virtualhost !== undefined) b.line('virtualhost', word(rs.virtualhost));
    if (rs.snmpName !== undefined) b.line('snmp_name', word(rs.snmpName));
    for (const c of rs.checkers) printChecker(c, b);
  });
}

function head(vs: VirtualServerConfig): string {
  const k = vs.key;
  if (k.kind === 'group') return `virtual_server group ${word(k.group)}`;
  if (k.kind === 'fwmark') return `virtual_server fwmark ${k.fwmark}`;
  return `virtual_server ${k.address}${k.port === 0 ? '' : ` ${k.port}`}`;
}

function flags(vs: VirtualServerConfig, o: Out): void {
  if (vs.flags & IPVS_SVC_F.onePacket) o.line('ops');
  if (vs.flags & IPVS_SVC_F.sched1) o.line('flag-1');
  if (vs.flags & IPVS_SVC_F.sched2) o.line('flag-2');
  if (vs.flags & IPVS_SVC_F.sched3) o.line('flag-3');
}

function virtualServer(vs: VirtualServerConfig, lvs: LvsConfig, g: GlobalDefs, o: Out): void {
  o.block(head(vs), (b) => {
    const k = vs.key;
    const grp = k.kind === 'group' ? lvs.virtualServerGroups.find((x) => x.name === k.group) : undefined;
    // Services without an address take the family from ip_family (or their servers).
    if (k.kind === 'fwmark' || (grp && grp.addressRanges.length === 0))
      b.line('ip_family', vs.family === 6 ? 'inet6' : 'inet');
    if (vs.protocol !== undefined) b.line('protocol', vs.protocol.toUpperCase());
    // Always named: keepalived warns when a service has no scheduler.
    b.line('lvs_sched', vs.scheduler);
    flags(vs, b);
    b.line('lvs_method', ...forwardingWords(vs.forwarding));
    if (vs.persistenceTimeoutS !== 0) b.line('persistence_timeout', vs.persistenceTimeoutS);
    if (vs.persistenceGranularity !== undefined) b.line('persistence_granularity', vs.persistenceGranularity);
    if (vs.persistenceEngine !== undefined) b.line('persistence_engine', word(vs.persistenceEngine));
    if (vs.haSuspend) b.line('ha_suspend');
    if (vs.alpha) b.line('alpha');
    if (vs.omega) b.line('omega');
    if (vs.quorum !== 1 && vs.quorum !== 0) b.line('quorum', vs.quorum);
    if (vs.hysteresis !== 0) b.line('hysteresis', vs.hysteresis);
    scriptLine(b, 'quorum_up', vs.quorumUp);
    scriptLine(b, 'quorum_down', vs.quorumDown);
    bool(b, 'smtp_alert', vs.smtpAlert, g.smtpAlertChecker ?? g.smtpAlert ?? false);
    if (vs.virtualhost !== undefined) b.line('virtualhost', word(vs.virtualhost));
    if (vs.snmpName !== undefined) b.line('snmp_name', word(vs.snmpName));
    if (vs.weight !== 1) b.line('weight', vs.weight);
    if (vs.inhibitOnFailure) b.line('inhibit_on_failure');
    if (vs.retry !== undefined) b.line('retry', vs.retry);
    if (vs.delayBeforeRetryUs !== undefined) b.line('delay_before_retry', seconds(vs.delayBeforeRetryUs));
    if (vs.warmupUs !== undefined) b.line('warmup', seconds(vs.warmupUs));
    if (vs.connectTimeoutUs !== DEFAULT_CONNECT_TIMEOUT_US)
      b.line('connect_timeout', seconds(vs.connectTimeoutUs));
    if (vs.delayLoopUs !== DEFAULT_DELAY_LOOP_US) b.line('delay_loop', seconds(vs.delayLoopUs));
    const ss = vs.sorryServer;
    if (ss) {
      b.line('sorry_server', ss.address, ss.port === 0 ? undefined : ss.port);
      if (ss.inhibit) b.line('sorry_server_inhibit');
      if (!sameForwarding(ss.forwarding, vs.forwarding))
        b.line('sorry_server_lvs_method', ...forwardingWords(ss.forwarding));
    }
    for (const rs of vs.realServers) realServer(rs, vs, g, b);
  });
}

export function printLvs(lvs: LvsConfig, g: GlobalDefs, o: Out): void {
  const ssl = lvs.ssl;
  if (ssl)
    o.block('SSL', (b) => {
      if (ssl.password !== undefined) b.line('password', word(ssl.password));
      if (ssl.caFile !== undefined) b.line('ca', word(ssl.caFile));
      if (ssl.certFile !== undefined) b.line('certificate', word(ssl.certFile));
      if (ssl.keyFile !== undefined) b.line('key', word(ssl.keyFile));
    });
  for (const grp of lvs.virtualServerGroups) group(grp, o);
  for (const vs of lvs.virtualServers) virtualServer(vs, lvs, g, o);
}
