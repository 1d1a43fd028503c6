/** umask and include_check: how keepalived creates files and treats included ones. */
import type { ParseContext, Words } from '../parser.js';
import { Include } from '../reader.js';
import { GLOBAL } from './global-draft.js';

const PERM_BITS: Record<string, number> = {
  IRUSR: 0o400,
  IWUSR: 0o200,
  IXUSR: 0o100,
  IRGRP: 0o40,
  IWGRP: 0o20,
  IXGRP: 0o10,
  IROTH: 0o4,
  IWOTH: 0o2,
  IXOTH: 0o1,
};

/** strtol(s, &end, 0) on a string starting with a digit: the value, or undefined if *end. */
function strtolBase0(s: string): number | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m || m[0].length !== s.length) return undefined;
  const t = m[0];
  if (/^0[xX]/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (t.startsWith('0')) return Number.parseInt(t, 8);
  return Number(t);
}

export function umask(ctx: ParseContext, w: Words): void {
  const mask = w.at(1);
  let bits = 0;
  if (/^[0-9]/.test(mask)) {
    if (w.length !== 2) {
      ctx.report('general-error', 'Extra parameter(s) to umask option');
      return;
    }
    const v = strtolBase0(mask);
    if (v === undefined || v & ~0o777) {
      ctx.report('general-error', `invalid umask value ${mask}`);
      return;
    }
    bits = v;
  } else {
    let needOr = false;
    for (let i = 1; i < w.length; i++) {
      const word = w.at(i);
      let p = 0;
      while (p < word.length) {
        if (needOr) {
          if (word[p] === '|') {
            needOr = false;
            p++;
            continue;
          }
          ctx.report('general-error', `Invalid umask syntax ${word}`);
          return;
        }
        const bit = PERM_BITS[word.slice(p, p + 5)];
        if (bit === undefined) {
          ctx.report('general-error', `Unknown umask bit ${word.slice(p)}`);
          return;
        }
        bits |= bit;
        p += 5;
        needOr = true;
      }
    }
    if (!needOr) {
      ctx.report('general-error', 'umask missing bit value');
      return;
    }
  }
  ctx.state(GLOBAL).umask = bits;
}

const INCLUDE_TYPES: Record<string, number> = {
  read: Include.r,
  match: Include.m,
  wildcard_match: Include.w,
  brace_match: Include.b,
};

/** include_check_set(): bare = all checks; words set, +add or -remove checks. */
export function includeCheck(ctx: ParseContext, w: Words): void {
  const g = ctx.state(GLOBAL);
  if (w.length < 2) {
    g.includeCheck = Include.r | Include.m | Include.w | Include.b;
    ctx.setIncludeCheck(g.includeCheck);
    return;
  }
  let flags = g.includeCheck ?? 0;
  for (let i = 1; i < w.length; i++) {
    const word = w.at(i);
    const sign = word[0] === '-' || word[0] === '+' ? word[0] : '';
    if (!sign) {
      if (i === 1) flags = 0;
      else {
        ctx.report('general-error', `Duplicate include_check '${word}' specified - ignoring`);
        continue;
      }
    }
    const name = word.slice(sign.length);
    const bit = INCLUDE_TYPES[name];
    if (bit === undefined) {
      ctx.report('general-error', `Unknown include_check type '${name}' - ignoring`);
      continue;
    }
    if (!sign) flags = Include.r | bit;
    else if (sign === '+') flags |= bit;
    else flags &= ~bit;
  }
  g.includeCheck = flags;
  ctx.setIncludeCheck(flags);
}
