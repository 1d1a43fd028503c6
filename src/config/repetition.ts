/**
 * `~SEQ(var, start, step, end) text` and `~LST(var|{vars}, values...) text`: the line `text`
 * is read once per value with the variable(s) defined, as keepalived's add_seq() / add_lst().
 */
import type { Definitions } from './definitions.js';

export interface Repetition {
  next(): { text: string; bindings: [string, string][]; done: boolean };
}

/** strtol(p, &end, 0): decimal, 0x hex or 0 octal; returns the value and where it stopped. */
function strtol(s: string, from: number): { value: number; end: number } {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s.slice(from));
  if (!m) return { value: 0, end: from };
  const sign = m[1] === '-' ? -1 : 1;
  const digits = m[2] as string;
  const value = /^0[xX]/.test(digits)
    ? Number.parseInt(digits.slice(2), 16)
    : digits.length > 1 && digits[0] === '0'
      ? Number.parseInt(digits, 8)
      : Number.parseInt(digits, 10);
  return { value: sign * value, end: from + m[0].length };
}

const skipBlanks = (s: string, p: number): number => {
  let i = p;
  while (s[i] === ' ' || s[i] === '\t') i++;
  return i;
};

export function addSequence(
  buf: string,
  defs: Definitions,
  error: (msg: string) => void,
): Repetition | undefined {
  let p = 4;
  const hex = buf[p] === 'x';
  if (hex) p++;
  p = skipBlanks(buf, p);
  if (buf[p++] !== '(') return undefined;
  p = skipBlanks(buf, p);
  const varStart = p;
  while (p < buf.length && !' \t,)'.includes(buf[p] as string)) p++;
  const name = buf.slice(varStart, p);
  p = skipBlanks(buf, p);
  if (p >= buf.length || buf[p] === ')' || name === '') {
    error(`Invalid ~SEQ definition '${buf}'`);
    return undefined;
  }
  p = skipBlanks(buf, p + 1);
  const close = buf.indexOf(')', p);
  if (close < 0) {
    error(`Invalid ~SEQ definition '${buf}'`);
    return undefined;
  }
  // Parameters may themselves be definitions.
  let params = buf.slice(p, close + 1);
  for (let pos = params.indexOf('$'); pos >= 0; pos = params.indexOf('$', pos + 1)) {
    const hit = defs.find(params, pos + 1);
    if (!hit) continue;
    if (hit.def.multiline) {
      error(`~SEQ parameter is multiline definition '${buf}'`);
      return undefined;
    }
    const value = hit.def.fn ? hit.def.fn(hit.params) : hit.def.value;
    params = params.slice(0, pos) + value + params.slice(pos + 1 + hit.refLength);
  }
  const nums: number[] = [];
  let q = 0;
  for (;;) {
    const r = strtol(params, q);
    nums.push(r.value);
    q = skipBlanks(params, r.end);
    if (params[q] === ')') break;
    if (params[q] !== ',' || nums.length === 3) {
      error(`Invalid ~SEQ definition '${buf}'`);
      return undefined;
    }
    q++;
  }
  let start: number;
  let step: number;
  let end: number;
  if (nums.length === 1) {
    end = nums[0] as number;
    step = end < 1 ? -1 : 1;
    start = end < 0 ? -1 : 1;
  } else if (nums.length === 2) {
    start = nums[0] as number;
    end = nums[1] as number;
    step = start <= end ? 1 : -1;
  } else {
    [start, step, end] = nums as [number, number, number];
    if (!step || (start < end && step < 0) || (start > end && step > 0)) {
      error(`Invalid ~SEQ values '${buf}'`);
      return undefined;
    }
  }
  if (hex && (start < 0 || end < 0)) {
    error(`~SEQx is only valid for positive numbers '${buf}'`);
    return undefined;
  }
  const text = buf.slice(skipBlanks(buf, close + 1));
  let next = start;
  return {
    next() {
      const value = hex ? next.toString(16) : String(next);
      next += step;
      const done = (step > 0 && next > end) || (step < 0 && next < end);
      return { text, bindings: [[name, value]], done };
    },
  };
}

export function addList(buf: string, error: (msg: string) => void): Repetition | undefined {
  let p = skipBlanks(buf, 4);
  if (buf[p++] !== '(') return undefined;
  p = skipBlanks(buf, p);
  let endChar = ',';
  if (buf[p] === '{') {
    endChar = '}';
    p = skipBlanks(buf, p + 1);
  }
  const names: string[] = [];
  for (;;) {
    const s = p;
    while (p < buf.length && !' \t,}'.includes(buf[p] as string)) p++;
    names.push(buf.slice(s, p));
    p = skipBlanks(buf, p);
    if (buf[p] === endChar) break;
    if (buf[p] !== ',') return undefined;
    p = skipBlanks(buf, p + 1);
  }
  if (buf[p] === '}') p = skipBlanks(buf, p + 1);
  if (buf[p++] !== ',') return undefined;
  p = skipBlanks(buf, p);
  const sets: string[][] = [];
  for (;;) {
    let setEnd = ',';
    if (buf[p] === '{') {
      setEnd = '}';
      p = skipBlanks(buf, p + 1);
    }
    const values: string[] = [];
    for (;;) {
      const s = p;
      while (p < buf.length && !' \t,})'.includes(buf[p] as string)) p++;
      values.push(buf.slice(s, p));
      p = skipBlanks(buf, p);
      if (buf[p] === setEnd || (buf[p] === ')' && setEnd === ',')) break;
      if (buf[p] !== ',') return undefined;
      p = skipBlanks(buf, p + 1);
      if (values.length > names.length - 1) {
        error(`~LST specification has too many values '${buf}'`);
        return undefined;
      }
    }
    while (values.length < names.length) values.push('');
    sets.push(values);
    if (buf[p] === '}' && setEnd === '}') p = skipBlanks(buf, p + 1);
    if (buf[p] === ')') break;
    if (buf[p] !== ',') return undefined;
    p = skipBlanks(buf, p + 1);
  }
  if (names.length === 0 || sets.length === 0) return undefined;
  const text = buf.slice(skipBlanks(buf, p + 1));
  let i = 0;
  return {
    next() {
      const values = sets[i++] as string[];
      return {
        text,
        bindings: names.map((n, k) => [n, values[k] ?? ''] as [string, string]),
        done: i >= sets.length,
      };
    },
  };
}
