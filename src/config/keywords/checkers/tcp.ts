/**
 * TCP_CHECK, PING_CHECK and UDP_CHECK (keepalived check/check_tcp.c, check_ping.c,
 * check_udp.c): connection checkers whose blocks add little to the common keywords.
 */
import type { Keyword, ParseContext } from '../../parser.js';
import { commonKeywords } from './common.js';
import {
  beginChecker,
  buildConn,
  CHECKER,
  type CheckerFrame,
  checkConnOpts,
  endChecker,
  newConn,
  queueChecker,
  TIMER_HZ,
} from './state.js';

/** The defaults queue_checker() gives: one retry, one second between retries. */
export const STANDARD_DEFAULTS = { retry: 1, delayBeforeRetryUs: 1 * TIMER_HZ } as const;

/** The frame of the block being closed, with a connection (all three always have one). */
function closing(
  ctx: ParseContext,
): (CheckerFrame & { conn: NonNullable<CheckerFrame['conn']> }) | undefined {
  const f = ctx.state(CHECKER).frame;
  endChecker(ctx);
  return f?.conn ? { ...f, conn: f.conn } : undefined;
}

/** TCP_CHECK and PING_CHECK: only the common keywords, and the same end-of-block checks. */
function connectionOnlyCheck(type: 'TCP_CHECK' | 'PING_CHECK'): Keyword {
  return {
    name: type,
    handler: (ctx) => {
      beginChecker(ctx, newConn(ctx));
    },
    sub: commonKeywords(true),
    close: (ctx) => {
      const f = closing(ctx);
      if (!f || !checkConnOpts(ctx, f.conn)) return;
      // Fields written out, in buildTiming()'s order, rather than spread from it: a spread
      // into a literal adds them one by one, to an out-of-object property array (one per
      // checker, 30,000 in a large config).
      const t = f.timing;
      queueChecker(ctx, {
        type,
        loc: f.loc,
        connection: buildConn(f.conn),
        retry: t.retry,
        defaultRetry: STANDARD_DEFAULTS.retry,
        delayBeforeRetryUs: t.delayBeforeRetryUs,
        defaultDelayBeforeRetryUs: STANDARD_DEFAULTS.delayBeforeRetryUs,
        warmupUs: t.warmupUs,
        delayLoopUs: t.delayLoopUs,
        alpha: t.alpha,
        logAllFailures: t.logAllFailures,
      });
    },
  };
}

export const tcpCheck: Keyword = connectionOnlyCheck('TCP_CHECK');

export const pingCheck: Keyword = connectionOnlyCheck('PING_CHECK');
