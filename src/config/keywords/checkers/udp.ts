/** UDP_CHECK (keepalived check/check_udp.c): payload, require_reply, reply lengths. */
import { Buffer } from 'node:buffer';
import { type Keyword, type ParseContext, StateKey } from '../../parser.js';
import { readUnsigned } from '../../values.js';
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
import { STANDARD_DEFAULTS } from './tcp.js';

interface UdpDraft {
  payload: Buffer | undefined;
  requireReply: boolean;
  replyData: Buffer | undefined;
  replyMask: Buffer | undefined;
  minReplyLength: number;
  maxReplyLength: number;
}

const UDP = new StateKey<{ draft: UdpDraft | undefined }>('checkers.udp', () => ({ draft: undefined }));

/** One hex digit, or 0xfe for a wildcard X when allowed, or 0xff (keepalived's hex_val). */
function hexVal(c: string, wildcard: boolean): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  // keepalived upper-cases anything from 'a' on before testing A-F.
  const u = c >= 'a' ? String.fromCharCode(c.charCodeAt(0) - 32) : c;
  if (u >= 'A' && u <= 'F') return u.charCodeAt(0) - 55;
  if (wildcard && u === 'X') return 0xfe;
  return 0xff;
}

/**
 * read_hex_str(): pairs of hex digits, spaces between octets allowed, a lone digit before a
 * space is one octet; with `wildcard`, X digits match anything (mask nibble 0xf). Undefined for
 * an invalid or empty string.
 */
export function readHexStr(
  text: string,
  wildcard: boolean,
): { data: Buffer; mask: Buffer | undefined } | undefined {
  const data: number[] = [];
  const mask: number[] = [];
  let usingMask = false;
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) break;
    let val = hexVal(text[i++] as string, wildcard);
    if (val === 0xff) return undefined;
    let m = 0;
    if (val === 0xfe) {
      m = 0x0f;
      val = 0;
      usingMask = true;
    }
    if (i < text.length && text[i] !== ' ') {
      const hi = val << 4;
      m <<= 4;
      val = hexVal(text[i++] as string, wildcard);
      if (val === 0xff) return undefined;
      if (val === 0xfe) {
        m |= 0x0f;
        val = 0;
        usingMask = true;
      }
      val |= hi;
    }
    data.push(val & 0xff);
    mask.push(m & 0xff);
  }
  if (data.length === 0) return undefined;
  return { data: Buffer.from(data), mask: usingMask ? Buffer.from(mask) : undefined };
}

function current(ctx: ParseContext): UdpDraft | undefined {
  return ctx.state(UDP).draft;
}

function length(name: 'min' | 'max'): Keyword {
  return {
    name: `${name}_reply_length`,
    handler: (ctx, w) => {
      const d = current(ctx);
      const v = readUnsigned(ctx, w.at(1), 0, 65535, false);
      if (v === undefined) {
        ctx.report(
          'general-error',
          `UDP_CHECK ${name} length ${w.at(1)} not valid - must be between 0 & 65535`,
        );
      } else if (d) {
        if (name === 'min') d.minReplyLength = v;
        else d.maxReplyLength = v;
      }
    },
  };
}

export const udpCheck: Keyword = {
  name: 'UDP_CHECK',
  handler: (ctx) => {
    beginChecker(ctx, newConn(ctx));
    ctx.state(UDP).draft = {
      payload: undefined,
      requireReply: false,
      replyData: undefined,
      replyMask: undefined,
      minReplyLength: 0,
      maxReplyLength: 255,
    };
  },
  sub: [
    ...commonKeywords(true),
    {
      name: 'payload',
      handler: (ctx, w) => {
        const d = current(ctx);
        if (w.length === 1) {
          ctx.report('general-error', 'UDP_CHECK payload requires a payload');
          return;
        }
        const hex = readHexStr(w.from(1), false);
        if (!hex) ctx.report('general-error', 'Invalid hex string for UDP_CHECK payload');
        else if (d) d.payload = hex.data;
      },
    },
    {
      name: 'require_reply',
      handler: (ctx, w) => {
        const d = current(ctx);
        if (d) d.requireReply = true;
        if (w.length === 1) return;
        const hex = readHexStr(w.from(1), true);
        if (!hex) ctx.report('general-error', 'Invalid hex string for UDP_CHECK reply');
        else if (d) {
          d.replyData = hex.data;
          d.replyMask = hex.mask;
        }
      },
    },
    length('min'),
    length('max'),
  ],
  close: (ctx) => {
    const f = ctx.state(CHECKER).frame;
    const d = ctx.state(UDP).draft;
    endChecker(ctx);
    ctx.state(UDP).draft = undefined;
    if (!f?.conn || !d || !checkConnOpts(ctx, f.conn)) return;
    if (d.minReplyLength > d.maxReplyLength) {
      ctx.report(
        'general-error',
        `UDP_CHECK min_reply length ${d.minReplyLength} > max_reply_length ${d.maxReplyLength} - will always fail`,
      );
    }
    queueChecker(ctx, {
      type: 'UDP_CHECK',
      loc: f.loc,
      connection: buildConn(f.conn),
      ...buildTiming(f.timing, STANDARD_DEFAULTS),
      ...d,
    });
  },
};
