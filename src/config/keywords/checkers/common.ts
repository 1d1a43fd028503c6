/**
 * Keywords shared by the checkers (keepalived check/check_api.c
 * install_checker_common_keywords): the connection options (connect_ip, connect_port, bindto,
 * bind_port, bind_if, connect_timeout, fwmark) and the timing ones (retry, delay_before_retry,
 * warmup, delay_loop, alpha, log_all_failures).
 */
import { ipFamily } from '../../../base/ip.js';
import type { Handler, Keyword, ParseContext, Words } from '../../parser.js';
import { parseTrueFalse, readTimerUs, readUnsigned } from '../../values.js';
import { CHECKER, type ConnDraft, type TimingDraft } from './state.js';

/** IFNAMSIZ - 1: the longest interface name bind_if keeps. */
const IFNAME_MAX = 15;
const UINT_MAX = 4294967295;
/**
 * keepalived's TIMER_MAXIMUM (lib/parser.h: ULONG_MAX - 1 µs), what read_timer() allows when
 * given no maximum. values.ts's TIMER_MAXIMUM_US (UINT_MAX) is lower, so pass it explicitly.
 */
const TIMER_MAXIMUM_US = 2 ** 64 - 2;

/**
 * inet_stosockaddr(): the family comes from a ':' in the text, a range or mask suffix is cut
 * off, and the rest must be a literal address of that family.
 */
export function parseSockAddr(text: string): { addr: string; family: 4 | 6 } | undefined {
  const family = text.includes(':') ? 6 : 4;
  const bare = text.split(/[-/]/)[0] ?? '';
  return ipFamily(bare) === family ? { addr: bare, family } : undefined;
}

function conn(ctx: ParseContext): ConnDraft | undefined {
  return ctx.state(CHECKER).frame?.conn;
}

function timing(ctx: ParseContext): TimingDraft | undefined {
  return ctx.state(CHECKER).frame?.timing;
}

/** A keyword that writes the current connection options. */
function co(name: string, f: (ctx: ParseContext, w: Words, c: ConnDraft) => void): Keyword {
  return {
    name,
    handler: (ctx, w) => {
      const c = conn(ctx);
      if (c) f(ctx, w, c);
      else w.at(1);
    },
  };
}

/** A keyword that writes the current checker's timing. */
function tm(name: string, f: (ctx: ParseContext, w: Words, t: TimingDraft) => void): Keyword {
  const handler: Handler = (ctx, w) => {
    const t = timing(ctx);
    if (t) f(ctx, w, t);
  };
  return { name, handler };
}

/** alpha / log_all_failures: no value means true. */
function flag(ctx: ParseContext, w: Words, name: string): boolean | undefined {
  if (!w.has(1)) return true;
  const v = parseTrueFalse(w.at(1));
  if (v === undefined) ctx.report('general-error', `Invalid ${name} parameter ${w.at(1)}`);
  return v;
}

export const connectionKeywords: readonly Keyword[] = [
  co('connect_ip', (ctx, w, c) => {
    const a = parseSockAddr(w.at(1));
    if (!a) {
      ctx.report('general-error', `Invalid connect_ip address ${w.at(1)} - ignoring`);
      // inet_stosockaddr() has left the destination AF_UNSPEC.
      c.dstFamily = undefined;
      c.connectIp = undefined;
    } else if (c.bindFamily !== undefined && c.bindFamily !== a.family) {
      ctx.report(
        'general-error',
        `connect_ip address ${w.at(1)} does not match address family of bindto - skipping`,
      );
      c.dstFamily = undefined;
      c.connectIp = undefined;
    } else {
      c.dstAddr = a.addr;
      c.dstFamily = a.family;
      c.connectIp = a.addr;
    }
  }),
  co('connect_port', (ctx, w, c) => {
    const port = readUnsigned(ctx, w.at(1), 1, 65535, true);
    if (port === undefined) ctx.report('general-error', `Invalid checker connect_port '${w.at(1)}'`);
    else c.connectPort = port;
  }),
  co('bindto', (ctx, w, c) => {
    const a = parseSockAddr(w.at(1));
    if (!a) {
      ctx.report('general-error', `Invalid bindto address ${w.at(1)} - ignoring`);
      c.bindFamily = undefined;
      c.bindto = undefined;
    } else if (c.dstFamily !== undefined && c.dstFamily !== a.family) {
      ctx.report(
        'general-error',
        `bindto address ${w.at(1)} does not match address family of connect_ip - skipping`,
      );
      c.bindFamily = undefined;
      c.bindto = undefined;
    } else {
      c.bindFamily = a.family;
      c.bindto = a.addr;
    }
  }),
  co('bind_port', (ctx, w, c) => {
    const port = readUnsigned(ctx, w.at(1), 1, 65535, true);
    if (port === undefined) ctx.report('general-error', `Invalid checker bind_port '${w.at(1)}'`);
    else c.bindPort = port;
  }),
  co('bind_if', (ctx, w, c) => {
    const name = w.at(1);
    if (name.length > IFNAME_MAX)
      ctx.report('general-error', `Interface name ${name} is too long - ignoring`);
    else c.bindIf = name;
  }),
  co('connect_timeout', (ctx, w, c) => {
    const us = readTimerUs(ctx, w.at(1), 1, UINT_MAX, true);
    if (us === undefined) ctx.report('general-error', `connect_timeout ${w.at(1)} invalid - ignoring`);
    else c.connectTimeoutUs = us;
  }),
  co('fwmark', (ctx, w, c) => {
    const mark = readUnsigned(ctx, w.at(1), 0, UINT_MAX, true);
    if (mark === undefined) ctx.report('general-error', `Invalid fwmark connection value '${w.at(1)}'`);
    else c.fwmark = mark;
  }),
];

/** retry, as `retry` and as HTTP_GET/SSL_GET's deprecated nb_get_retry. */
export function readRetry(ctx: ParseContext, w: Words, t: TimingDraft, message: string): void {
  const v = readUnsigned(ctx, w.at(1), 0, UINT_MAX, true);
  if (v === undefined) ctx.report('general-error', `${message} '${w.at(1)}'`);
  else t.retry = v;
}

export const timingKeywords: readonly Keyword[] = [
  tm('retry', (ctx, w, t) => readRetry(ctx, w, t, 'Invalid retry connection value')),
  tm('delay_before_retry', (ctx, w, t) => {
    const us = readTimerUs(ctx, w.at(1), 0, TIMER_MAXIMUM_US, true);
    if (us === undefined)
      ctx.report('general-error', `Invalid delay_before_retry connection value '${w.at(1)}'`);
    else t.delayBeforeRetryUs = us;
  }),
  tm('warmup', (ctx, w, t) => {
    const us = readTimerUs(ctx, w.at(1), 0, TIMER_MAXIMUM_US, true);
    if (us === undefined) ctx.report('general-error', `Invalid warmup connection value '${w.at(1)}'`);
    else t.warmupUs = us;
  }),
  tm('delay_loop', (ctx, w, t) => {
    const us = readTimerUs(ctx, w.at(1), 1, TIMER_MAXIMUM_US, true);
    if (us === undefined) ctx.report('general-error', `delay_loop '${w.at(1)}' is invalid - ignoring`);
    else t.delayLoopUs = us;
  }),
  tm('alpha', (ctx, w, t) => {
    const v = flag(ctx, w, 'alpha');
    if (v !== undefined) t.alpha = v;
  }),
  tm('log_all_failures', (ctx, w, t) => {
    const v = flag(ctx, w, 'log_all_failures');
    if (v !== undefined) t.logAllFailures = v;
  }),
];

/** install_checker_common_keywords(connection_keywords). */
export function commonKeywords(connection: boolean): Keyword[] {
  return connection ? [...connectionKeywords, ...timingKeywords] : [...timingKeywords];
}
