/**
 * The checker process's checks once it has read the configuration (keepalived
 * check/check_daemon.c start_check: link_vsg_to_vs, validate_check_config,
 * check_check_script_security). keepalived prints these without a line. Like keepalived,
 * they correct the drafts in place (defaults, ports, quorum) so that the model is what runs.
 */
import type { CheckScript } from '../model/lvs.js';
import type { ParseContext } from '../parser.js';
import { formatTrio, PROTO, type SockAddr, sameSockAddr, sockAddrKey } from './check-addr.js';
import {
  DEFAULT_PERSISTENCE_TIMEOUT_S,
  DEFAULT_SCHEDULER,
  LVS,
  type RealServerDraft,
  type ServerDraft,
  type VirtualServerDraft,
  type VsgDraft,
} from './check-state.js';
import { noteCheckerScript } from './checkers/scripts.js';
import { GLOBAL } from './global.js';

/** smtp_alert_checker, else smtp_alert, of global_defs (undefined when neither is set). */
function globalSmtpAlert(ctx: ParseContext): boolean | undefined {
  const g = ctx.parentState(GLOBAL);
  return g.smtpAlertChecker ?? g.smtpAlert;
}

function groupOf(ctx: ParseContext, vs: VirtualServerDraft): VsgDraft | undefined {
  return vs.groupName === undefined ? undefined : ctx.state(LVS).groups.find((g) => g.name === vs.groupName);
}

/** FMT_VS. */
export function formatVs(vs: VirtualServerDraft): string {
  if (vs.groupName !== undefined) return `[${vs.groupName}]:${vs.addr.port}`;
  if (vs.fwmark) return `FWM ${vs.fwmark}`;
  return formatTrio(vs.addr, vs.protocol);
}

function formatVsge(r: { start: SockAddr; end: SockAddr }): string {
  const a = formatTrio(r.start, 0).replace(/^\[(.*)\]:none:\d+$/, '$1');
  const b = formatTrio(r.end, 0).replace(/^\[(.*)\]:none:\d+$/, '$1');
  return a === b ? `${a},${r.start.port}` : `${a}-${b},${r.start.port}`;
}

/** link_vsg_to_vs: groups by name, family agreement, member numbers as ports. */
function linkGroups(ctx: ParseContext): void {
  const lvs = ctx.state(LVS);
  lvs.virtualServers = lvs.virtualServers.filter((vs) => {
    if (vs.groupName === undefined) return true;
    const g = groupOf(ctx, vs);
    const name = vs.groupName;
    if (!g) {
      ctx.reportGlobal(
        'ok',
        `Virtual server group ${name} specified but not configured - ignoring virtual server ${formatVs(vs)}`,
      );
      return false;
    }
    const vsgAf = g.haveIpv4 === g.haveIpv6 ? 0 : g.haveIpv4 ? 4 : 6;
    const af = vs.addr.family;
    if (g.haveIpv4 && g.haveIpv6 && af !== 0) {
      ctx.reportGlobal(
        'ok',
        `${name}: virtual server group with IPv4 & IPv6 doesn't match virtual server ${formatVs(vs)} - ignoring`,
      );
      return false;
    }
    if ((g.haveIpv4 && af === 6) || (g.haveIpv6 && af === 4)) {
      ctx.reportGlobal(
        'ok',
        `${name}: address family doesn't match virtual server ${formatVs(vs)} - ignoring`,
      );
      return false;
    }
    if (vsgAf !== 0) vs.addr.family = vsgAf;
    else if (af === 0 && g.fwmarkNoFamily)
      ctx.reportGlobal(
        'ok',
        `${name}: Virtual server ${formatVs(vs)} address family cannot be determined, defaulting to IPv4`,
      );
    return true;
  });
  for (const g of lvs.groups) {
    let member = 0;
    for (const vs of lvs.virtualServers) if (vs.groupName === g.name) vs.addr.port = member++;
  }
}

function inheritForwarding(ctx: ParseContext, vs: VirtualServerDraft, s: ServerDraft): void {
  if (s.forwarding.method !== undefined) return;
  if (vs.forwarding.method === undefined) {
    ctx.reportGlobal(
      'general-error',
      `Virtual server ${formatVs(vs)}: no forwarding method set, setting default NAT`,
    );
    vs.forwarding.method = 'NAT';
  }
  s.forwarding = { ...vs.forwarding };
}

function inheritDefaults(ctx: ParseContext, vs: VirtualServerDraft, rs: RealServerDraft): void {
  rs.alpha ??= vs.alpha;
  rs.inhibit ??= vs.inhibit;
  rs.retry ??= vs.retry;
  rs.connectTimeoutUs ??= vs.connectTimeoutUs;
  rs.delayLoopUs ??= vs.delayLoopUs;
  rs.warmupUs ??= vs.warmupUs;
  rs.delayBeforeRetryUs ??= vs.delayBeforeRetryUs;
  rs.weight ??= vs.weight;
  // Real servers default to alerting, unlike everything else (keepalived keeps it so).
  rs.smtpAlert ??= globalSmtpAlert(ctx) ?? true;
}

/** Whether a port is set on a NAT-less server that a fwmark or group service ignores. */
function checkPorts(ctx: ParseContext, vs: VirtualServerDraft, g: VsgDraft | undefined): void {
  const V = formatVs(vs);
  const R = (rs: RealServerDraft): string => formatTrio(rs.addr, vs.protocol);
  const ss = vs.sorryServer;
  if (g) {
    if (g.fwmarks.length > 0) {
      for (const rs of vs.realServers) {
        if (rs.forwarding.method === 'NAT') continue;
        if (rs.addr.port)
          ctx.reportGlobal(
            'general-error',
            `WARNING - fwmark virtual server ${V}, real server ${R(rs)} has port specified - port will be ignored`,
          );
      }
      if (ss && ss.forwarding.method !== 'NAT' && ss.addr.port)
        ctx.reportGlobal(
          'general-error',
          `WARNING - fwmark virtual server ${V}, sorry server has port specified - port will be ignored`,
        );
    }
    for (const r of g.ranges) {
      for (const rs of vs.realServers) {
        if (rs.forwarding.method === 'NAT') continue;
        if (rs.addr.port && r.start.port !== rs.addr.port)
          ctx.reportGlobal(
            'general-error',
            `virtual server ${V}:[${formatVsge(r)}] and real server ${R(rs)} ports don't match`,
          );
      }
      if (ss && ss.forwarding.method !== 'NAT' && ss.addr.port && r.start.port !== ss.addr.port)
        ctx.reportGlobal(
          'general-error',
          `WARNING - virtual server ${V}, sorry server has port specified - port will be ignored`,
        );
    }
    return;
  }
  for (const rs of vs.realServers) {
    if (rs.forwarding.method === 'NAT') {
      if (!vs.fwmark && !rs.addr.port) rs.addr.port = vs.addr.port;
      continue;
    }
    if (vs.fwmark) {
      if (rs.addr.port) {
        ctx.reportGlobal(
          'general-error',
          `WARNING - fwmark virtual server ${V}, real server ${R(rs)} has port specified - clearing`,
        );
        rs.addr.port = 0;
      }
    } else if (!rs.addr.port) rs.addr.port = vs.addr.port;
    else if (rs.addr.port !== vs.addr.port) {
      ctx.reportGlobal(
        'general-error',
        `WARNING - virtual server ${V} and real server ${R(rs)} ports don't match - resetting`,
      );
      rs.addr.port = vs.addr.port;
    }
  }
  if (ss && ss.forwarding.method !== 'NAT') {
    if (vs.fwmark) {
      if (ss.addr.port) {
        ctx.reportGlobal(
          'general-error',
          `WARNING - virtual server ${V}, sorry server has port specified - clearing`,
        );
        ss.addr.port = 0;
      }
    } else if (!ss.addr.port) ss.addr.port = vs.addr.port;
    else if (ss.addr.port !== vs.addr.port) {
      ctx.reportGlobal(
        'general-error',
        `WARNING - virtual server ${V} and sorry server ports don't match - resetting`,
      );
      ss.addr.port = vs.addr.port;
    }
  }
}

/** One virtual server of validate_check_config; false when it is dropped. */
function validateVs(ctx: ParseContext, vs: VirtualServerDraft): boolean {
  if (vs.realServers.length === 0) {
    ctx.reportGlobal('general-error', `Virtual server ${formatVs(vs)} has no real servers - ignoring`);
    return false;
  }
  const g = groupOf(ctx, vs);
  if (vs.haSuspend && (vs.fwmark || (g && g.fwmarks.length > 0))) {
    ctx.reportGlobal(
      'general-error',
      `Virtual server ${formatVs(vs)}: cannot use ha_suspend with fwmarks - clearing ha_suspend`,
    );
    vs.haSuspend = false;
  }
  if ((g && g.ranges.length > 0) || (!g && !vs.fwmark)) {
    if (!vs.protocol) {
      ctx.reportGlobal(
        'general-error',
        `Virtual server ${formatVs(vs)}: no protocol set - defaulting to UDP`,
      );
      vs.protocol = PROTO.udp;
    }
    if (vs.flags & 0x0004 && vs.protocol !== PROTO.udp) {
      ctx.reportGlobal(
        'general-error',
        `Virtual server ${formatVs(vs)}: one packet scheduling requires UDP - resetting`,
      );
      vs.flags &= ~0x0004;
    }
    if (!vs.persistenceTimeoutS && !g && !vs.fwmark && !vs.addr.port) {
      ctx.reportGlobal(
        'general-error',
        `Virtual server ${formatVs(vs)}: zero port only valid for persistent services - setting`,
      );
      vs.persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
    }
  }
  if (!vs.persistenceTimeoutS && g && g.ranges.some((r) => !r.start.port)) {
    ctx.reportGlobal(
      'general-error',
      `Virtual server ${formatVs(vs)}: zero port only valid for persistent services - setting`,
    );
    vs.persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
  }
  if (vs.protocol && ((g && g.ranges.length === 0 && g.fwmarks.length > 0) || (!g && vs.fwmark))) {
    ctx.reportGlobal(
      'general-error',
      `Warning: Virtual server ${formatVs(vs)}: protocol specified for fwmark - protocol will be ignored`,
    );
    vs.protocol = 0;
  }
  if (!vs.scheduler) {
    ctx.reportGlobal(
      'general-error',
      `Virtual server ${formatVs(vs)}: no scheduler set, setting default '${DEFAULT_SCHEDULER}'`,
    );
    vs.scheduler = DEFAULT_SCHEDULER;
  }
  vs.smtpAlert ??= globalSmtpAlert(ctx) ?? false;

  let weightSum = 0;
  const kept: RealServerDraft[] = [];
  // Duplicates by a key of the address (sameSockAddr's fields): a scan of the kept ones per
  // real server was quadratic in the real servers of a virtual server.
  const seen = new Set<string>();
  for (const rs of vs.realServers) {
    const key = sockAddrKey(rs.addr);
    if (seen.has(key)) {
      ctx.reportGlobal(
        'general-error',
        `VS ${formatVs(vs)}: real server ${formatTrio(rs.addr, vs.protocol)} is duplicated - removing second rs`,
      );
      continue;
    }
    kept.push(rs);
    seen.add(key);
    inheritForwarding(ctx, vs, rs);
    inheritDefaults(ctx, vs, rs);
    // keepalived sums in an unsigned int.
    weightSum = (weightSum + (rs.weight ?? 0)) >>> 0;
    const ss = vs.sorryServer;
    if (ss && sameSockAddr(ss.addr, rs.addr) && ss.inhibit !== rs.inhibit) {
      ctx.reportGlobal(
        'general-error',
        `Virtual server ${formatVs(vs)}: real server ${formatTrio(rs.addr, vs.protocol)} matches sorry server, but inhibit setting differs, ${rs.inhibit ? 'sett' : 'clear'}ing on sorry server`,
      );
      ss.inhibit = rs.inhibit === true;
    }
  }
  vs.realServers = kept;
  if (vs.sorryServer) inheritForwarding(ctx, vs, vs.sorryServer);
  if (vs.quorum > weightSum) {
    ctx.reportGlobal(
      'general-error',
      `Warning - quorum ${vs.quorum} for ${formatVs(vs)} exceeds total weight of real servers ${weightSum}, reducing quorum to ${weightSum}`,
    );
    vs.quorum = weightSum;
  }
  if (vs.hysteresis >= vs.quorum) {
    const h = (vs.quorum - 1) >>> 0;
    ctx.reportGlobal(
      'general-error',
      `Virtual server ${formatVs(vs)}: hysteresis ${vs.hysteresis} >= quorum ${vs.quorum}; setting hysteresis to ${h}`,
    );
    vs.hysteresis = h;
  }
  checkPorts(ctx, vs, g);
  return true;
}

/**
 * check_check_script_security: with virtual servers left, any notify/quorum script
 * (or global notify_fifo_script / lvs_notify_fifo_script) that exists while
 * enable_script_security is off is one security violation, shared with the MISC_CHECK
 * scripts (checkers/scripts.ts reports it once).
 */
function checkScriptSecurity(ctx: ParseContext): void {
  const vss = ctx.state(LVS).virtualServers;
  if (vss.length === 0) return;
  const note = (s: CheckScript | undefined): void => {
    if (s?.args[0] !== undefined) noteCheckerScript(ctx, s.args[0]);
  };
  const g = ctx.parentState(GLOBAL);
  note(g.notifyFifoScript);
  note(g.lvsNotifyFifoScript);
  for (const vs of vss) {
    note(vs.quorumUp);
    note(vs.quorumDown);
    for (const rs of vs.realServers) {
      note(rs.notifyUp);
      note(rs.notifyDown);
    }
  }
}

export function validateCheck(ctx: ParseContext): void {
  if (ctx.pass !== 'checker') return;
  linkGroups(ctx);
  const lvs = ctx.state(LVS);
  lvs.virtualServers = lvs.virtualServers.filter((vs) => validateVs(ctx, vs));
  checkScriptSecurity(ctx);
}
