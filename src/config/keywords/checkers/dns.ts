/** DNS_CHECK (keepalived check/check_dns.c): query type and name. */
import type { DnsType } from '../../model/checkers.js';
import { type Keyword, StateKey } from '../../parser.js';
import { commonKeywords } from './common.js';
import {
  beginChecker,
  buildConn,
  buildTiming,
  CHECKER,
  checkConnOpts,
  endChecker,
  newConn,
  queueChecker,
} from './state.js';

const DNS_TYPES: readonly DnsType[] = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA', 'RRSIG', 'DNSKEY'];

/** Three retries; between them the checker's delay_loop (0 = use delay_loop). */
export const DNS_DEFAULTS = { retry: 3, delayBeforeRetryUs: 0 } as const;

interface DnsDraft {
  queryType: DnsType;
  name: string | undefined;
}

const DNS = new StateKey<{ draft: DnsDraft | undefined }>('checkers.dns', () => ({ draft: undefined }));

/** A name with an empty label ("a..b", or a leading dot unless it is just ".") is refused. */
function hasEmptyLabel(name: string): boolean {
  if (name.startsWith('.') && name !== '.') return true;
  // keepalived tests each dot from the first character on for a dot right after it.
  for (let p = 0; p >= 0 && p < name.length; p = name.indexOf('.', p + 1)) {
    if (name[p + 1] === '.') return true;
  }
  return false;
}

export const dnsCheck: Keyword = {
  name: 'DNS_CHECK',
  handler: (ctx) => {
    beginChecker(ctx, newConn(ctx));
    ctx.state(DNS).draft = { queryType: 'SOA', name: undefined };
  },
  sub: [
    ...commonKeywords(true),
    {
      name: 'type',
      handler: (ctx, w) => {
        const label = w.at(1);
        const t = DNS_TYPES.find((x) => x.toLowerCase() === label.toLowerCase());
        const d = ctx.state(DNS).draft;
        if (!t) ctx.report('general-error', `Unknown DNS check type ${label} - ignoring`);
        else if (d) d.queryType = t;
      },
    },
    {
      name: 'name',
      handler: (ctx, w) => {
        const d = ctx.state(DNS).draft;
        if (d?.name !== undefined) {
          ctx.report('general-error', 'DNS_CHECK name already specified - ignoring');
          return;
        }
        const name = w.at(1);
        if (hasEmptyLabel(name)) {
          ctx.report('general-error', `DNS_CHECK name '${name}' has empty label - ignoring`);
          return;
        }
        if (d) d.name = name;
      },
    },
  ],
  close: (ctx) => {
    const f = ctx.state(CHECKER).frame;
    const d = ctx.state(DNS).draft;
    endChecker(ctx);
    ctx.state(DNS).draft = undefined;
    if (!f?.conn || !d || !checkConnOpts(ctx, f.conn)) return;
    queueChecker(ctx, {
      type: 'DNS_CHECK',
      loc: f.loc,
      connection: buildConn(f.conn),
      ...buildTiming(f.timing, DNS_DEFAULTS),
      queryType: d.queryType,
      name: d.name ?? '',
    });
  },
};
