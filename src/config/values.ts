/**
 * Number, timer and boolean readers with keepalived 2.2.7's checks and messages
 * (lib/parser.c read_int_func, read_unsigned_func, read_decimal_unsigned_long_func,
 * check_true_false). Each returns the value or undefined after reporting.
 *
 * `ignoreError` mirrors keepalived's flag: when not checking a config (`-t`), a number that
 * is malformed but whose leading part is in range is used with a "WARNING - " message.
 */
import type { ConfigErrKind } from '../base/diagnostics.js';

export interface ValueReport {
  report(kind: ConfigErrKind, message: string): void;
  /** True under `-t`: keepalived is stricter there. */
  readonly testMode: boolean;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;
/**
 * keepalived's TIMER_MAXIMUM (ULONG_MAX - 1 µs). A double cannot hold it exactly, so the
 * range printed for a huge value may differ in its last digits; the verdict does not.
 */
export const TIMER_MAXIMUM_US = 2 ** 64 - 2;
export const TIMER_HZ_DIGITS = 6;

/**
 * Nearly every number in a config is a short plain decimal: read as a double (exact up to 15
 * digits), with no BigInt on the way, it is what parseLeading() would make of it.
 */
const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;
/** Up to nine digits: times 10^6 still a safe integer, so readDecimal() needs no strings. */
const SMALL_INTEGER = /^[0-9]{1,9}$/;

/** strtol/strtoul with base 10 (or 0/16): the longest valid prefix and whether all was used. */
function parseLeading(text: string, base: number): { value: bigint; rest: string; any: boolean } {
  const s = text.replace(/^[ \t\n\v\f\r]+/, '');
  let re: RegExp;
  if (base === 16) re = /^([+-]?)(?:0[xX])?([0-9a-fA-F]+)/;
  else if (base === 0) re = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/;
  else re = /^([+-]?)([0-9]+)/;
  const m = re.exec(s);
  if (!m) return { value: 0n, rest: text, any: false };
  let digits = m[2] as string;
  let value: bigint;
  if (base === 16 || /^0[xX]/.test(digits)) value = BigInt('0x' + digits.replace(/^0[xX]/, ''));
  else if (base === 0 && digits.length > 1 && digits.startsWith('0')) {
    digits = digits.slice(1);
    value = BigInt('0o' + digits);
  } else value = BigInt(digits);
  if (m[1] === '-') value = -value;
  return { value, rest: s.slice(m[0].length), any: true };
}

export function readInt(
  r: ValueReport,
  text: string,
  min: number,
  max: number,
  ignoreError = false,
  base = 10,
): number | undefined {
  const warn = ignoreError && !r.testMode ? 'WARNING - ' : '';
  let v: number;
  let rest = '';
  if (base !== 16 && PLAIN_DECIMAL.test(text)) v = Number(text);
  else {
    const p = parseLeading(text, base);
    v = Number(p.value);
    rest = p.rest;
  }
  if (rest !== '') r.report('invalid-number', `${warn}invalid number '${text}'`);
  else if (v < INT_MIN || v > INT_MAX)
    r.report('invalid-number', `${warn}number '${text}' outside integer range`);
  else if (v < min || v > max) r.report('invalid-number', `number '${text}' outside range [${min}, ${max}]`);
  else return v;
  return ignoreError && v >= min && v <= max && !r.testMode ? v : undefined;
}

export function readUnsigned(
  r: ValueReport,
  text: string,
  min: number,
  max: number,
  ignoreError = false,
  base = 10,
): number | undefined {
  const warn = ignoreError && !r.testMode ? 'WARNING - ' : '';
  let v: number;
  let rest = '';
  let negative = false;
  if (base !== 16 && PLAIN_DECIMAL.test(text)) v = Number(text);
  else {
    const trimmed = text.replace(/^[ \t\n\v\f\r]+/, '');
    const p = parseLeading(trimmed, base);
    // strtoul accepts a '-' and wraps; keepalived reports it as negative first.
    v = Number(p.value < 0n ? -p.value : p.value);
    rest = p.rest;
    negative = trimmed.startsWith('-');
  }
  if (negative) r.report('invalid-number', `${warn}negative number '${text}'`);
  else if (rest !== '') r.report('invalid-number', `${warn}invalid number '${text}'`);
  else if (v > UINT_MAX) r.report('invalid-number', `${warn}number '${text}' outside unsigned integer range`);
  else if (v < min || v > max)
    r.report('invalid-number', `${warn}number '${text}' outside range [${min}, ${max}]`);
  else return v;
  return ignoreError && v >= min && v <= max && !r.testMode ? v : undefined;
}

/**
 * A decimal with up to `shift` places, returned multiplied by 10^shift (e.g. seconds with
 * shift 6 → microseconds). min and max are in the returned unit.
 */
export function readDecimal(
  r: ValueReport,
  text: string,
  min: number,
  max: number,
  shift: number,
  ignoreError = false,
): number | undefined {
  const warn = ignoreError && !r.testMode ? 'WARNING - ' : '';
  if (text.startsWith('-')) {
    r.report('invalid-number', `${warn}negative number '${text}'`);
    return undefined;
  }
  let v: number;
  let rest = '';
  let tooBig = false;
  let digits = '';
  if (shift <= 6 && SMALL_INTEGER.test(text)) {
    // A whole number (most timers): what the lines below make of it, without the strings.
    v = Number(text) * 10 ** shift;
  } else {
    const dp = text.indexOf('.');
    let numDp = dp >= 0 ? text.length - dp - 1 : 0;
    let roundUp = false;
    if (numDp > shift) {
      r.report('invalid-number', `${warn}number '${text}' has too many decimal places`);
      roundUp = (text[dp + shift + 1] ?? '0') >= '5';
      numDp = shift;
    }
    digits = dp >= 0 ? text.slice(0, dp) + text.slice(dp + 1, dp + 1 + numDp) : text;
    digits += '0'.repeat(shift - numDp);
    if (PLAIN_DECIMAL.test(digits)) v = Number(digits);
    else {
      const p = parseLeading(digits, 10);
      v = p.any ? Number(p.value) : 0;
      rest = p.rest;
      tooBig = p.any && p.value > 18446744073709551615n;
    }
    if (roundUp) v++;
  }
  const scale = 10 ** shift;
  const fmt = (x: number): string => `${Math.floor(x / scale)}.${String(x % scale).padStart(shift, '0')}`;
  if (rest !== '' || (digits.length > 0 && /^[ \t]/.test(digits))) {
    r.report('invalid-number', `${warn}invalid number '${text}'`);
  } else if (tooBig) {
    r.report('invalid-number', `${warn}number '${text}' outside unsigned decimal range`);
    return undefined;
  } else if (v < min || v > max) {
    r.report('invalid-number', `${warn}number '${text}' outside range [${fmt(min)}, ${fmt(max)}]`);
  } else return v;
  return ignoreError && v >= min && v <= max ? v : undefined;
}

/** A time in seconds with up to 6 decimals, in microseconds (keepalived's read_timer). */
export function readTimerUs(
  r: ValueReport,
  text: string,
  minUs: number,
  maxUs: number,
  ignoreError = false,
): number | undefined {
  return readDecimal(r, text, minUs, maxUs || TIMER_MAXIMUM_US, TIMER_HZ_DIGITS, ignoreError);
}

/** on/true/yes or off/false/no; undefined for anything else (the caller reports). */
export function parseTrueFalse(text: string): boolean | undefined {
  if (text === 'true' || text === 'on' || text === 'yes') return true;
  if (text === 'false' || text === 'off' || text === 'no') return false;
  return undefined;
}
