/**
 * SMTP_CHECK (keepalived check/check_smtp.c): helo_name, the common keywords, and the
 * deprecated `host` blocks, each of which becomes one more SMTP checker.
 */
import type { SmtpCheck } from '../../model/checkers.js';
import { type Keyword, type ParseContext, StateKey } from '../../parser.js';
import { commonKeywords } from './common.js';
import {
  beginChecker,
  buildConn,
  buildTiming,
  CHECKER,
  type ConnDraft,
  checkConnOpts,
  endChecker,
  newConn,
  queueChecker,
  realServerTarget,
} from './state.js';
import { STANDARD_DEFAULTS } from './tcp.js';

export const SMTP_DEFAULT_HELO = 'smtpchecker.keepalived.org';

interface SmtpDraft {
  heloName: string | undefined;
  /** Valid `host` blocks' connections, in order. */
  hosts: ConnDraft[];
  /** The checker's own connection while a host block has swapped it out. */
  saved: ConnDraft | undefined;
}

const SMTP = new StateKey<{ draft: SmtpDraft | undefined }>('checkers.smtp', () => ({ draft: undefined }));

/** Whether any connection keyword was given at the SMTP_CHECK level. */
function connectionSet(c: ConnDraft): boolean {
  return (
    c.dstFamily !== undefined ||
    c.connectPort !== undefined ||
    c.bindFamily !== undefined ||
    c.bindPort !== undefined ||
    c.bindIf !== undefined ||
    c.fwmark !== 0 ||
    c.connectTimeoutUs !== undefined
  );
}

const hostKeyword: Keyword = {
  name: 'host',
  handler: (ctx) => {
    const f = ctx.state(CHECKER).frame;
    const d = ctx.state(SMTP).draft;
    if (!f || !d) return;
    d.saved = f.conn;
    // A host defaults to the real server.
    f.conn = newConn(ctx);
  },
  sub: commonKeywords(true),
  close: (ctx) => {
    const f = ctx.state(CHECKER).frame;
    const d = ctx.state(SMTP).draft;
    if (!f || !d) return;
    if (f.conn && checkConnOpts(ctx, f.conn)) d.hosts.push(f.conn);
    f.conn = d.saved;
    d.saved = undefined;
  },
};

const smtpKeywords: Keyword[] = [
  {
    name: 'helo_name',
    handler: (ctx, w) => {
      const d = ctx.state(SMTP).draft;
      if (w.length < 2) ctx.report('general-error', 'SMTP_CHECK helo name missing');
      else if (d) d.heloName = w.at(1);
    },
  },
  ...commonKeywords(true),
  hostKeyword,
];

function close(ctx: ParseContext): void {
  const f = ctx.state(CHECKER).frame;
  const d = ctx.state(SMTP).draft;
  endChecker(ctx);
  ctx.state(SMTP).draft = undefined;
  if (!f?.conn || !d) return;
  const hosts = [...d.hosts];
  let main: ConnDraft;
  if (connectionSet(f.conn) || hosts.length === 0) {
    // Fill what was not given from the real server.
    main = f.conn;
    if (main.dstFamily === undefined) {
      const rs = realServerTarget(ctx);
      main.dstAddr = rs.addr;
      main.dstFamily = rs.family;
      main.connectIp = undefined;
    }
    if (!checkConnOpts(ctx, main)) return;
  } else {
    // keepalived logs "The SMTP_CHECK host block is deprecated" and uses the first host.
    main = hosts.shift() as ConnDraft;
  }
  const base: Omit<SmtpCheck, 'connection'> = {
    type: 'SMTP_CHECK',
    loc: f.loc,
    ...buildTiming(f.timing, STANDARD_DEFAULTS),
    heloName: d.heloName ?? SMTP_DEFAULT_HELO,
  };
  for (const c of [main, ...hosts]) queueChecker(ctx, { ...base, connection: buildConn(c) });
}

export const smtpCheck: Keyword = {
  name: 'SMTP_CHECK',
  handler: (ctx) => {
    // The destination stays unset so that the end of the block can tell whether one was given.
    beginChecker(ctx, newConn(ctx, false));
    ctx.state(SMTP).draft = { heloName: undefined, hosts: [], saved: undefined };
  },
  sub: smtpKeywords,
  close,
};
