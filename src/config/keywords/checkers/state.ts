/**
 * The checker being parsed (keepalived's last entry of checkers_queue and its conn_opts_t),
 * shared by the common keywords (common.ts) and each checker's own table.
 */
import type { SourceLoc } from '../../../base/diagnostics.js';
import { type IpFamily, parseIpv6 } from '../../../base/ip.js';
import type { CheckerConfig, CheckerTiming, ConnectionOptions } from '../../model/checkers.js';
import { type ParseContext, StateKey } from '../../parser.js';
import { addrText, formatTrio } from '../check-addr.js';
import { currentRealServer, currentVirtualServer } from '../check-state.js';

/** A conn_opts_t while it is read. */
export interface ConnDraft {
  /** The destination address as keepalived holds it: the real server's or connect_ip's. */
  dstAddr: string | undefined;
  /** undefined = AF_UNSPEC (SMTP_CHECK starts so; a bad connect_ip leaves it so). */
  dstFamily: IpFamily | undefined;
  connectIp: string | undefined;
  connectPort: number | undefined;
  bindto: string | undefined;
  bindFamily: IpFamily | undefined;
  bindPort: number | undefined;
  bindIf: string | undefined;
  fwmark: number;
  connectTimeoutUs: number | undefined;
}

export interface TimingDraft {
  retry: number | undefined;
  delayBeforeRetryUs: number | undefined;
  warmupUs: number | undefined;
  delayLoopUs: number | undefined;
  alpha: boolean | undefined;
  logAllFailures: boolean;
}

export interface CheckerFrame {
  /** The line of the checker's keyword. */
  loc: SourceLoc | undefined;
  timing: TimingDraft;
  /** The conn_opts_t the connection keywords write (an SMTP `host` block swaps it). */
  conn: ConnDraft | undefined;
}

/** The checker block being read; undefined outside one. */
export const CHECKER = new StateKey<{ frame: CheckerFrame | undefined }>('checkers.current', () => ({
  frame: undefined,
}));

/** The real server's address, where a checker connects by default (queue_checker). */
export function realServerTarget(ctx: ParseContext): {
  addr: string | undefined;
  family: IpFamily | undefined;
} {
  const a = currentRealServer(ctx)?.addr;
  if (!a || a.family === 0) return { addr: undefined, family: undefined };
  return { addr: addrText(a), family: a.family };
}

/** keepalived's FMT_RS: `[addr]:proto:port` of the current real server. */
export function realServerName(ctx: ParseContext): string {
  const rs = currentRealServer(ctx);
  return rs ? formatTrio(rs.addr, currentVirtualServer(ctx)?.protocol ?? 0) : '?';
}

/** A conn_opts_t as queue_checker() sets it: destination = the real server. */
export function newConn(ctx: ParseContext, dstFromRealServer = true): ConnDraft {
  const rs = realServerTarget(ctx);
  return {
    dstAddr: dstFromRealServer ? rs.addr : undefined,
    dstFamily: dstFromRealServer ? rs.family : undefined,
    connectIp: undefined,
    connectPort: undefined,
    bindto: undefined,
    bindFamily: undefined,
    bindPort: undefined,
    bindIf: undefined,
    fwmark: 0,
    connectTimeoutUs: undefined,
  };
}

export function newTiming(): TimingDraft {
  return {
    retry: undefined,
    delayBeforeRetryUs: undefined,
    warmupUs: undefined,
    delayLoopUs: undefined,
    alpha: undefined,
    logAllFailures: false,
  };
}

/** Starts a checker block (queue_checker). */
export function beginChecker(ctx: ParseContext, conn: ConnDraft | undefined): CheckerFrame {
  const frame: CheckerFrame = { loc: ctx.loc(), timing: newTiming(), conn };
  ctx.state(CHECKER).frame = frame;
  return frame;
}

export function endChecker(ctx: ParseContext): void {
  ctx.state(CHECKER).frame = undefined;
}

/** Adds a finished checker to the real server it was declared in. */
export function queueChecker(ctx: ParseContext, checker: CheckerConfig): void {
  currentRealServer(ctx)?.checkers.push(Object.freeze(checker));
}

/** fe80::/10 (IN6_IS_ADDR_LINKLOCAL) */
function isLinkLocal6(addr: string): boolean {
  const r = parseIpv6(addr);
  return r.ok && r.value[0] === 0xfe && ((r.value[1] ?? 0) & 0xc0) === 0x80;
}

/**
 * check_conn_opts(): an IPv6 link-local destination needs bind_if. Returns false (after
 * reporting) when keepalived drops the checker.
 */
export function checkConnOpts(ctx: ParseContext, conn: ConnDraft): boolean {
  if (conn.dstFamily === 6 && conn.dstAddr !== undefined && isLinkLocal6(conn.dstAddr) && !conn.bindIf) {
    ctx.report('general-error', `Checker link local address ${conn.dstAddr} requires a bind_if`);
    return false;
  }
  return true;
}

export function buildConn(conn: ConnDraft): ConnectionOptions {
  return {
    connectIp: conn.connectIp,
    connectPort: conn.connectPort,
    bindto: conn.bindto,
    bindPort: conn.bindPort,
    bindIf: conn.bindIf,
    fwmark: conn.fwmark,
    connectTimeoutUs: conn.connectTimeoutUs,
  };
}

/** The checker's timing with its own defaults (queue_checker and the checker's handler). */
export function buildTiming(
  t: TimingDraft,
  defaults: { retry: number; delayBeforeRetryUs: number },
): CheckerTiming {
  return {
    retry: t.retry,
    defaultRetry: defaults.retry,
    delayBeforeRetryUs: t.delayBeforeRetryUs,
    defaultDelayBeforeRetryUs: defaults.delayBeforeRetryUs,
    warmupUs: t.warmupUs,
    delayLoopUs: t.delayLoopUs,
    alpha: t.alpha,
    logAllFailures: t.logAllFailures,
  };
}

export const TIMER_HZ = 1_000_000;
