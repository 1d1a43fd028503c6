/**
 * The url block of HTTP_GET / SSL_GET (keepalived check/check_http.c url_handler .. url_check):
 * path, digest, status_code (with ranges), virtualhost and the PCRE2 regex keywords.
 */
import type { HttpRegex, HttpUrl } from '../../model/checkers.js';
import { type Keyword, type ParseContext, StateKey, type Words } from '../../parser.js';

const STATUS_MIN = 100;
const STATUS_MAX = 599;
const MD5_HEX_LEN = 32;

/** keepalived's regex_options table (PCRE2 compile options by name). */
export const REGEX_OPTIONS: readonly string[] = [
  'allow_empty_class',
  'alt_bsux',
  'auto_callout',
  'caseless',
  'dollar_endonly',
  'dotall',
  'dupnames',
  'extended',
  'firstline',
  'match_unset_backref',
  'multiline',
  'never_ucp',
  'never_utf',
  'no_auto_capture',
  'no_auto_possess',
  'no_dotstar_anchor',
  'no_start_optimize',
  'ucp',
  'ungreedy',
  'utf',
  'never_backslash_c',
  'alt_circumflex',
  'alt_verbnames',
  'use_offset_limit',
];

export interface UrlDraft {
  path: string | undefined;
  digest: string | undefined;
  status: Set<number>;
  virtualhost: string | undefined;
  regexNoMatch: boolean;
  regexMinOffset: number;
  regexMaxOffset: number;
  regexStack: { start: number; max: number } | undefined;
}

/**
 * The url being read, plus keepalived's file-level regex state: the pattern is kept until a
 * url with a path takes it (so a url dropped for lacking a path passes its regex on), the
 * options are reset by each url keyword.
 */
interface HttpUrlState {
  url: UrlDraft | undefined;
  regexPattern: string | undefined;
  regexOptions: Set<string>;
  /** Finished urls of the current HTTP_GET/SSL_GET. */
  urls: HttpUrl[];
}

export const HTTP_URL = new StateKey<HttpUrlState>('checkers.http.url', () => ({
  url: undefined,
  regexPattern: undefined,
  regexOptions: new Set(),
  urls: [],
}));

/** strtoul(s, &end, base): leading space and sign accepted; no digits → 0 with end = start. */
function strtoul(s: string, start: number, base: 10 | 16): { value: number; end: number } {
  const re = base === 10 ? /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/ : /^[ \t\n\v\f\r]*([+-]?)([0-9a-fA-F]+)/;
  const m = re.exec(s.slice(start));
  if (!m) return { value: 0, end: start };
  const n = Number.parseInt(m[2] as string, base);
  // A negative number wraps to a huge unsigned value: only its low byte matters for digests.
  return { value: m[1] === '-' ? -n : n, end: start + m[0].length };
}

/** digest: 32 hex digits, read pairwise the way keepalived reads them. */
function parseDigest(ctx: ParseContext, url: UrlDraft, digest: string): void {
  if (url.digest !== undefined) {
    ctx.report('general-error', `Digest '${digest}' is a duplicate`);
    return;
  }
  if (digest.length !== MD5_HEX_LEN) {
    ctx.report(
      'general-error',
      `digest '${digest}' character length should be ${MD5_HEX_LEN} rather than ${digest.length}`,
    );
    return;
  }
  const bytes: number[] = [];
  for (let i = MD5_HEX_LEN / 2 - 1; i >= 0; i--) {
    const pair = digest.slice(2 * i, 2 * i + 2);
    const { value, end } = strtoul(pair, 0, 16);
    if (end !== 2) {
      ctx.report(
        'general-error',
        `Unable to interpret hex digit in '${digest}' at offset ${2 * i}/${2 * i + 1}`,
      );
      return;
    }
    bytes[i] = value & 0xff;
  }
  url.digest = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** status_code 200 301-303 ...: each word a code or a range within 100..599. */
function parseStatusCodes(ctx: ParseContext, url: UrlDraft, w: Words): void {
  for (const str of w.words.slice(1)) {
    const a = strtoul(str, 0, 10);
    let end = a.end;
    let max = a.value;
    if (str[end] === '-') {
      const b = strtoul(str, end + 1, 10);
      max = b.value;
      end = b.end;
    }
    const min = a.value;
    if (
      end !== str.length ||
      min < STATUS_MIN ||
      min > STATUS_MAX ||
      max < STATUS_MIN ||
      max > STATUS_MAX ||
      min > max
    ) {
      ctx.report('general-error', `Invalid HTTP_GET status code '${str}'`);
      continue;
    }
    for (let c = min; c <= max; c++) url.status.add(c);
  }
}

/** regex_min_offset / regex_max_offset: a plain decimal; anything else is logged and read as 0. */
function regexOffset(w: Words): number {
  if (w.length !== 2) return 0;
  const s = w.at(1);
  const { value, end } = strtoul(s, 0, 10);
  return end === s.length ? Math.max(value, 0) : 0;
}

function withUrl(
  f: (ctx: ParseContext, w: Words, url: UrlDraft) => void,
): (ctx: ParseContext, w: Words) => void {
  return (ctx, w) => {
    const url = ctx.state(HTTP_URL).url;
    if (url) f(ctx, w, url);
  };
}

const urlKeywords: Keyword[] = [
  {
    name: 'path',
    handler: withUrl((_ctx, w, url) => {
      url.path = w.at(1);
    }),
  },
  { name: 'digest', handler: withUrl((ctx, w, url) => parseDigest(ctx, url, w.at(1))) },
  { name: 'status_code', handler: withUrl((ctx, w, url) => parseStatusCodes(ctx, url, w)) },
  {
    name: 'virtualhost',
    handler: withUrl((ctx, w, url) => {
      if (w.length < 2) ctx.report('general-error', 'Missing HTTP_GET virtualhost name');
      else url.virtualhost = w.at(1);
    }),
  },
  {
    name: 'regex',
    handler: (ctx, w) => {
      // keepalived re-splits the line with quotes and escapes; a bad count is only logged.
      const qe = ctx.quotedWords(w.raw);
      if (qe?.length === 2) ctx.state(HTTP_URL).regexPattern = qe[1];
    },
  },
  {
    name: 'regex_no_match',
    handler: withUrl((_ctx, _w, url) => {
      url.regexNoMatch = true;
    }),
  },
  {
    name: 'regex_options',
    handler: (ctx, w) => {
      const opts = ctx.state(HTTP_URL).regexOptions;
      for (const o of w.words.slice(1)) if (REGEX_OPTIONS.includes(o)) opts.add(o);
    },
  },
  {
    name: 'regex_min_offset',
    handler: withUrl((_ctx, w, url) => {
      url.regexMinOffset = regexOffset(w);
    }),
  },
  {
    name: 'regex_max_offset',
    handler: withUrl((_ctx, w, url) => {
      // Stored one beyond the last acceptable position, so an unreadable value becomes 1.
      url.regexMaxOffset = regexOffset(w) + 1;
    }),
  },
  {
    name: 'regex_stack',
    handler: withUrl((_ctx, w, url) => {
      if (w.length !== 3) return;
      const a = w.at(1);
      const b = w.at(2);
      const s = strtoul(a, 0, 10);
      const m = strtoul(b, 0, 10);
      if (s.end !== a.length || m.end !== b.length || s.value > m.value) return;
      url.regexStack = { start: s.value, max: m.value };
    }),
  },
];

/** url_check(): a url without a path is dropped; status codes default to 200-299. */
function closeUrl(ctx: ParseContext): void {
  const st = ctx.state(HTTP_URL);
  const url = st.url;
  st.url = undefined;
  if (!url) return;
  if (url.path === undefined) {
    ctx.report('general-error', 'HTTP/SSL_GET checker url has no path - ignoring');
    return;
  }
  if (url.status.size === 0) for (let c = 200; c <= 299; c++) url.status.add(c);
  let regex: HttpRegex | undefined;
  if (st.regexPattern !== undefined) {
    let min = url.regexMinOffset;
    let max = url.regexMaxOffset;
    // keepalived logs "regex min offset > regex_max_offset - ignoring" and clears both.
    if (max && min >= max) min = max = 0;
    regex = {
      pattern: st.regexPattern,
      options: [...st.regexOptions],
      noMatch: url.regexNoMatch,
      minOffset: min,
      maxOffset: max,
      stack: url.regexStack,
    };
    st.regexPattern = undefined;
  }
  // Without a pattern, keepalived logs "regex parameters specified without regex" and drops them.
  st.regexOptions = new Set();
  st.urls.push({
    path: url.path,
    digest: url.digest,
    statusCodes: [...url.status].sort((x, y) => x - y),
    virtualhost: url.virtualhost,
    regex,
  });
}

export const urlKeyword: Keyword = {
  name: 'url',
  handler: (ctx) => {
    const st = ctx.state(HTTP_URL);
    st.regexOptions = new Set();
    st.url = {
      path: undefined,
      digest: undefined,
      status: new Set(),
      virtualhost: undefined,
      regexNoMatch: false,
      regexMinOffset: 0,
      regexMaxOffset: 0,
      regexStack: undefined,
    };
  },
  sub: urlKeywords,
  close: closeUrl,
};
