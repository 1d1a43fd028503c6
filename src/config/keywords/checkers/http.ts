/** HTTP_GET and SSL_GET (keepalived check/check_http.c install_http_ssl_check_keyword). */
import type { HttpProtocol } from '../../model/checkers.js';
import { type Keyword, type ParseContext, StateKey, type Words } from '../../parser.js';
import { parseTrueFalse } from '../../values.js';
import { commonKeywords, readRetry } from './common.js';
import { HTTP_URL, urlKeyword } from './http-url.js';
import {
  beginChecker,
  buildConn,
  buildTiming,
  CHECKER,
  checkConnOpts,
  endChecker,
  newConn,
  queueChecker,
  TIMER_HZ,
} from './state.js';

interface HttpDraft {
  virtualhost: string | undefined;
  httpProtocol: HttpProtocol;
  enableSni: boolean;
  fastRecovery: boolean;
}

const HTTP = new StateKey<{ draft: HttpDraft | undefined }>('checkers.http', () => ({ draft: undefined }));

/** HTTP checkers wait 3 s between retries unless told otherwise (http_get_handler). */
export const HTTP_DEFAULTS = { retry: 1, delayBeforeRetryUs: 3 * TIMER_HZ } as const;

function withDraft(
  f: (ctx: ParseContext, w: Words, d: HttpDraft) => void,
): (ctx: ParseContext, w: Words) => void {
  return (ctx, w) => {
    const d = ctx.state(HTTP).draft;
    if (d) f(ctx, w, d);
  };
}

/** enable_sni / fast_recovery: no value means true. */
function flag(name: string, set: (d: HttpDraft, v: boolean) => void): Keyword {
  return {
    name,
    handler: withDraft((ctx, w, d) => {
      if (!w.has(1)) {
        set(d, true);
        return;
      }
      const v = parseTrueFalse(w.at(1));
      if (v === undefined) ctx.report('general-error', `Invalid ${name} parameter ${w.at(1)}`);
      else set(d, v);
    }),
  };
}

const httpKeywords: Keyword[] = [
  ...commonKeywords(true),
  {
    name: 'nb_get_retry',
    handler: (ctx, w) => {
      ctx.report('general-error', "nb_get_retry is deprecated - please use 'retry'");
      const t = ctx.state(CHECKER).frame?.timing;
      if (t) readRetry(ctx, w, t, 'Invalid nb_get_retry value');
    },
  },
  {
    name: 'virtualhost',
    handler: withDraft((ctx, w, d) => {
      if (w.length < 2) ctx.report('general-error', 'HTTP_GET virtualhost name missing');
      else d.virtualhost = w.at(1);
    }),
  },
  {
    name: 'http_protocol',
    handler: withDraft((ctx, w, d) => {
      if (w.length < 2) {
        ctx.report('general-error', 'Missing http_protocol version');
        return;
      }
      const v = w.at(1);
      if (v === '1.0' || v === '1.1') d.httpProtocol = v;
      else if (v === '1.0C' || v === '1.0c') d.httpProtocol = '1.0C';
      else ctx.report('general-error', `Invalid http_protocol version ${v}`);
    }),
  },
  flag('enable_sni', (d, v) => {
    d.enableSni = v;
  }),
  flag('fast_recovery', (d, v) => {
    d.fastRecovery = v;
  }),
  urlKeyword,
];

function httpChecker(type: 'HTTP_GET' | 'SSL_GET'): Keyword {
  return {
    name: type,
    handler: (ctx) => {
      beginChecker(ctx, newConn(ctx));
      ctx.state(HTTP).draft = {
        virtualhost: undefined,
        httpProtocol: '1.0',
        enableSni: false,
        fastRecovery: false,
      };
      ctx.state(HTTP_URL).urls = [];
    },
    sub: httpKeywords,
    close: (ctx) => {
      const f = ctx.state(CHECKER).frame;
      const d = ctx.state(HTTP).draft;
      const urls = ctx.state(HTTP_URL).urls;
      endChecker(ctx);
      ctx.state(HTTP).draft = undefined;
      ctx.state(HTTP_URL).urls = [];
      if (!f?.conn || !d) return;
      if (urls.length === 0) {
        ctx.report('general-error', 'HTTP/SSL_GET checker has no urls specified - ignoring');
        return;
      }
      if (!checkConnOpts(ctx, f.conn)) return;
      queueChecker(ctx, {
        type,
        loc: f.loc,
        connection: buildConn(f.conn),
        ...buildTiming(f.timing, HTTP_DEFAULTS),
        urls,
        ...d,
      });
    },
  };
}

export const httpGetCheck = httpChecker('HTTP_GET');
export const sslGetCheck = httpChecker('SSL_GET');
