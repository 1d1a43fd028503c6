/**
 * Small text builders shared by the section printers: indentation, word quoting as keepalived's
 * two splitters read it back, and the units keepalived writes (seconds with up to six
 * decimals for µs fields, milliseconds with up to three for BFD).
 */
import type { ScriptCommand, ScriptUser } from '../model/global.js';

/** Lines of one block; `block()` indents a nested block by two spaces, as keepalived's samples. */
export class Out {
  readonly lines: string[] = [];
  constructor(private readonly indent = '') {}

  line(...words: readonly (string | number | undefined)[]): void {
    const text = words.filter((w) => w !== undefined).join(' ');
    this.lines.push(this.indent + text);
  }

  block(head: string, body: (o: Out) => void): void {
    this.lines.push(`${this.indent}${head} {`);
    const inner = new Out(`${this.indent}  `);
    body(inner);
    this.lines.push(...inner.lines);
    this.lines.push(`${this.indent}}`);
  }

  /** `head { }` only when the body printed something. */
  blockIf(head: string, body: (o: Out) => void): void {
    const inner = new Out(`${this.indent}  `);
    body(inner);
    if (inner.lines.length === 0) return;
    this.lines.push(`${this.indent}${head} {`, ...inner.lines, `${this.indent}}`);
  }

  text(): string {
    return this.lines.map((l) => `${l}\n`).join('');
  }
}

/** Microseconds as keepalived's read_timer() reads them: seconds with up to 6 decimals. */
export function seconds(us: number): string {
  return decimal(us, 6);
}

/** Microseconds as the BFD intervals read them: milliseconds with up to 3 decimals. */
export function millis(us: number): string {
  return decimal(us, 3);
}

/** A non-negative integer scaled by 10^places, printed without trailing zeros. */
export function decimal(value: number, places: number): string {
  const scale = 10 ** places;
  const whole = Math.floor(value / scale);
  const frac = value - whole * scale;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(places, '0').replace(/0+$/, '')}`;
}

/** Characters that end or split a word for either of keepalived's line splitters. */
const UNSAFE = /[\s"'\\#!{}$~@]/;

/**
 * A word for the plain splitter (alloc_strvec): bare when it can be, else in double quotes.
 * A word cannot hold a `"` at all; callers keep such values out of the model they print.
 */
export function word(w: string): string {
  return w !== '' && !UNSAFE.test(w) ? w : `"${w}"`;
}

/** One argument for the shell-like splitter: bare, or in single quotes with \ and ' escaped. */
function shellArg(a: string): string {
  if (a !== '' && !UNSAFE.test(a)) return a;
  return `'${a.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A command line as word 1 of a line that keepalived re-splits twice (once for the line, once
 * for the command): `"cmd 'arg with space'"`. Backslashes are doubled for the outer split.
 */
export function commandWord(args: readonly string[]): string {
  const inner = args.map(shellArg).join(' ');
  if (args.length === 1 && inner === args[0]) return inner;
  return `"${inner.replace(/\\/g, '\\\\')}"`;
}

export function userWords(u: ScriptUser | undefined): string[] {
  if (!u) return [];
  return u.group !== undefined ? [word(u.user), word(u.group)] : [word(u.user)];
}

/** `keyword "command" [user [group]]`, the shape of every notify-style script keyword. */
export function scriptLine(o: Out, keyword: string, s: ScriptCommand | undefined): void {
  if (!s) return;
  o.line(keyword, commandWord(s.args), ...userWords(s.runAs));
}

/** `keyword` when on, nothing when off (flags that only switch something on). */
export function flagLine(o: Out, keyword: string, on: boolean): void {
  if (on) o.line(keyword);
}

/** `keyword true|false` when the value is set. */
export function boolLine(o: Out, keyword: string, v: boolean | undefined): void {
  if (v !== undefined) o.line(keyword, v ? 'true' : 'false');
}

/** `NAME weight W [reverse]` of a tracking block line. */
export function weightWords(weight: number, reverse: boolean, noreverse = false): string[] {
  const w = ['weight', String(weight)];
  if (reverse) w.push('reverse');
  else if (noreverse) w.push('noreverse');
  return w;
}
