/**
 * The block structure of keepalived.conf, walked as keepalived 2.2.7's process_stream() and
 * alloc_value_block() walk it, so that braces, unknown keywords and skipped blocks produce the
 * same diagnostics on the same lines. Keyword tables (keywords/*.ts) give each keyword a
 * handler and, for blocks, a sub-table.
 */
import type { ConfigErrKind, DiagnosticSink, SourceLoc } from '../base/diagnostics.js';
import { splitQuotedEscaped, splitWords } from './tokens.js';
import type { ValueReport } from './values.js';

/** `{`, `}` or `"`: what can change a skipped block's level. */
const PLAIN_SKIP = /[{}"]/;

export const SKIP_END = 0;
export const SKIP_OPEN = 1;
export const SKIP_CLOSE = 2;
export const SKIP_PLAIN = 3;
export const SKIP_OTHER = 4;

/** LineSource.skipKind() of a line's text. */
export function skipKindOf(t: string | undefined): number {
  if (t === undefined) return SKIP_END;
  if (t === '{') return SKIP_OPEN;
  if (t === '}') return SKIP_CLOSE;
  return PLAIN_SKIP.test(t) ? SKIP_OTHER : SKIP_PLAIN;
}
/**
 * A keyword as processStream() uses it. Keyword tables are object literals of several shapes
 * (with or without sub, close, handler); reading their fields in the loop that runs for every
 * line went through V8's slowest (megamorphic) property lookups. Entries have one shape.
 */
class Entry {
  constructor(
    readonly handler: Handler | undefined,
    readonly sub: readonly Keyword[] | undefined,
    readonly close: ((ctx: ParseContext) => void) | undefined,
    /** A section of another pass: skipped. */
    readonly inactive: boolean,
  ) {}
}

/** Each keyword table's index by name, built once per table. */
const TABLE_INDEX = new WeakMap<readonly Keyword[], Map<string, Entry>>();

/** keepalived runs one parse per process; each sees only its own sections as active. */
export type Pass = 'parent' | 'checker' | 'vrrp' | 'bfd';
export type Section = 'global' | 'vrrp' | 'check' | 'bfd' | 'track_file';

export const ACTIVE_SECTIONS: Record<Pass, readonly Section[]> = {
  parent: ['global'],
  checker: ['check', 'bfd', 'track_file'],
  vrrp: ['vrrp', 'bfd', 'track_file'],
  bfd: ['bfd'],
};

/** Thrown when a keyword lacks its value: keepalived exits (status 2) at that point. */
export class MissingParameterAbort extends Error {
  constructor() {
    super('missing parameter');
  }
}

/** The words of one line, with keepalived's strvec_slot() behaviour for absent words. */
export class Words {
  constructor(
    readonly words: readonly string[],
    /** The logical line, or undefined for line `lineIndex`'s text (made when asked for). */
    private readonly rawText: string | undefined,
    private readonly ctx: ParseContext,
    private readonly lineIndex = -1,
  ) {}

  /** The logical line (keepalived's buf_extern), for handlers that re-split it. */
  get raw(): string {
    return this.rawText ?? this.ctx.lineText(this.lineIndex);
  }

  get length(): number {
    return this.words.length;
  }

  has(i: number): boolean {
    return i < this.words.length;
  }

  /** Word i; reports keepalived's missing-parameter error and aborts the parse when absent. */
  at(i: number): string {
    const w = this.words[i];
    if (w !== undefined) return w;
    const first = this.words[0] ?? '***MISSING ***';
    const prev = i > 0 ? this.words[i - 1] : undefined;
    this.ctx.report(
      'missing-parameter',
      prev !== undefined
        ? `*** Configuration line starting \`${first}\` is missing a parameter after keyword \`${prev}\` at word position ${i + 1}`
        : `*** Configuration line starting \`${first}\` is missing a parameter at word position ${i + 1}`,
    );
    throw new MissingParameterAbort();
  }

  /** The words from i on, joined by single spaces (keepalived's make_strvec_str / set_value). */
  from(i: number): string {
    return this.words.slice(i).join(' ');
  }
}

export type Handler = (ctx: ParseContext, w: Words) => void;

export interface Keyword {
  readonly name: string;
  readonly handler?: Handler;
  /** Makes this keyword a block; its lines are matched against this table. */
  readonly sub?: readonly Keyword[];
  /** Runs when the block ends (keepalived's sub_close_handler). */
  readonly close?: (ctx: ParseContext) => void;
}

export interface RootKeyword extends Keyword {
  readonly section: Section;
}

/** Typed slots for each section's parse state, created on first use. */
export class StateKey<T> {
  constructor(
    readonly name: string,
    readonly init: () => T,
  ) {}
}

export interface Environment {
  /** Network interfaces as `-t` would see them in this namespace. */
  readonly interfaces: InterfaceLookup;
  /**
   * The interfaces of a named network namespace (global_defs net_namespace), or undefined
   * when there is no such namespace.
   */
  readonly interfacesIn?: (netns: string) => InterfaceLookup | undefined;
  /** Whether a path exists and what it is; for script and file checks. */
  readonly fileExists: (path: string) => boolean;
  /** What a path is, following symlinks as stat(2) does; undefined when it does not exist. */
  readonly pathKind?: (path: string) => 'file' | 'directory' | 'other' | undefined;
}

export interface InterfaceLookup {
  exists(name: string): boolean;
  isLoopback(name: string): boolean;
  /**
   * Whether an existing interface may be a VMAC keepalived can take over (a private macvlan);
   * absent = never. The daemon checks the kind and mode again through netlink before use.
   */
  mayBeMacvlan?(name: string): boolean;
}

/**
 * Lines by index, read on first demand (so a pass that stops early reads no further). Text and
 * place apart: a config has hundreds of thousands of lines, and most never need their place.
 */
export interface LineSource {
  /** The text of line `index`, or undefined past the last line. */
  text(index: number): string | undefined;
  /** Where line `index` (one already read) is. */
  loc(index: number): SourceLoc;
  /**
   * The words of line `index` as splitWords() makes them (undefined: none), or null past the
   * last line; for a source that can split a line without making its text first.
   */
  words?(index: number, onQuoteError: (m: string) => void): string[] | undefined | null;
  /**
   * How line `index` bears on a skipped block (skipLines()), without making its text:
   * SKIP_END past the last line, SKIP_OPEN `{`, SKIP_CLOSE `}`, SKIP_PLAIN a line with no
   * brace or quote, SKIP_OTHER any other.
   */
  skipKind?(index: number): number;
  /** include_check: how later includes are judged (the reader is still reading). */
  setIncludeCheck?(flags: number): void;
  /**
   * Skipped blocks as an earlier pass found them: a block skipped from line `start` (just
   * inside its `{`) that ends at its `}` on line `end`. Every pass skips the sections of the
   * others, over the same lines, so each block is walked once and then jumped over.
   */
  skippedBlockEnd?(start: number): number | undefined;
  rememberSkippedBlock?(start: number, end: number): void;
}

export class ParseContext implements ValueReport {
  private readonly states = new Map<StateKey<unknown>, unknown>();
  /** The index of the current line (the last one read), -1 before the first. */
  private current = -1;
  private index = 0;

  constructor(
    readonly pass: Pass,
    private readonly lines: LineSource,
    readonly sink: DiagnosticSink,
    readonly env: Environment,
    readonly testMode: boolean,
    /** The parent pass's context: global_defs as the children inherit them. */
    readonly parent: ParseContext | undefined,
  ) {}

  state<T>(key: StateKey<T>): T {
    let v = this.states.get(key);
    if (v === undefined && !this.states.has(key)) {
      v = key.init();
      this.states.set(key, v);
    }
    return v as T;
  }

  /** global_defs' include_check takes effect for the includes read after it. */
  setIncludeCheck(flags: number): void {
    this.lines.setIncludeCheck?.(flags);
  }

  /** A section's state in the parent pass (e.g. global_defs), or a fresh default. */
  parentState<T>(key: StateKey<T>): T {
    return (this.parent ?? this).state(key);
  }

  loc(): SourceLoc | undefined {
    return this.current >= 0 ? this.lines.loc(this.current) : undefined;
  }

  report(kind: ConfigErrKind, message: string, at?: SourceLoc): void {
    const loc = at ?? this.loc();
    this.sink.report(kind, message, loc);
  }

  /** A diagnostic keepalived prints with no line (checks over the whole config). */
  reportGlobal(kind: ConfigErrKind, message: string): void {
    this.sink.report(kind, message);
  }

  /**
   * Inside a skipped block only braces matter. The reader puts every brace outside quotes on a
   * line of its own, so a line that is `{` or `}` moves the level and any other line without
   * `{`, `}` or a quote (which could hide a brace word or be unmatched) cannot change anything:
   * both are passed over unsplit. Stops at any other line, or when the skipped block ends;
   * returns true when that end also ends the enclosing level (process_stream's ret_err).
   */
  private skipLines(): boolean {
    const start = this.index;
    const whole = this.skipSublevel === 1;
    const known = whole ? this.lines.skippedBlockEnd?.(start) : undefined;
    if (known !== undefined) {
      this.skipSublevel = 0;
      this.current = known;
      this.index = known + 1;
      return this.kwLevel > 0;
    }
    for (;;) {
      const kind = this.lines.skipKind
        ? this.lines.skipKind(this.index)
        : skipKindOf(this.lines.text(this.index));
      if (kind === SKIP_END || kind === SKIP_OTHER) return false;
      if (kind === SKIP_OPEN) this.skipSublevel++;
      else if (kind === SKIP_CLOSE) {
        if (--this.skipSublevel === 0) {
          if (whole) this.lines.rememberSkippedBlock?.(start, this.index);
          this.current = this.index++;
          return this.kwLevel > 0;
        }
      }
      this.current = this.index++;
    }
  }

  private readonly onQuoteError = (m: string): void => this.report('unmatched-quote', m);

  /**
   * The next line's words, or undefined at the end; blank lines are skipped. The line itself
   * is `this.current` (its text for handlers that re-split it).
   */
  nextLine(): readonly string[] | undefined {
    for (;;) {
      const i = this.index++;
      const before = this.current;
      // The line is current while it is split: an unmatched quote is reported on it.
      this.current = i;
      // Split again in every pass, as keepalived does: cheaper than keeping 4 words per line.
      let words: string[] | undefined | null;
      if (this.lines.words) words = this.lines.words(i, this.onQuoteError);
      else {
        const text = this.lines.text(i);
        words = text === undefined ? null : splitWords(text, this.onQuoteError);
      }
      if (words === null) {
        this.current = before;
        break;
      }
      if (words) return words;
    }
    return undefined;
  }

  /** The text of line `index` (one already read). */
  lineText(index: number): string {
    return this.lines.text(index) as string;
  }

  /** Words of the current line split shell-like (quotes, escapes), for script command lines. */
  quotedWords(raw: string): string[] | undefined {
    return splitQuotedEscaped(raw, (m) => this.report('unmatched-quote', m));
  }

  /**
   * keepalived's alloc_value_block(): the lines of a `keyword { a b \n c }` value block (values
   * may also follow `{` on the keyword's own line), each handed to `each` while it is the
   * current line, so diagnostics about an entry carry that entry's line. `words[0]` names the
   * block in keepalived's "extra parameters" message.
   */
  forEachValueLine(words: readonly string[], each: (vec: string[]) => void): void {
    let needBob = true;
    if (words.length > 1) {
      if (words[1] === '{') {
        needBob = false;
        if (words.length > 2) {
          const first = words.slice(2);
          const hadEob = first[first.length - 1] === '}';
          if (hadEob) first.pop();
          if (first.length > 0) each(first);
          if (hadEob) return;
        }
      } else {
        this.report('general-error', `Block ${words[0]} has extra parameters ${words[1]} ...`);
      }
    }
    for (;;) {
      const next = this.nextLine();
      if (!next) return;
      let vec = [...next];
      if (needBob) {
        needBob = false;
        if (vec[0] === '{') {
          if (vec.length === 1) continue;
          vec = vec.slice(1);
        }
        // keepalived only logs "'{' missing from beginning of block" (no config error).
      }
      let eob = false;
      if (vec[vec.length - 1] === '}') {
        if (vec.length === 1) return;
        eob = true;
        vec = vec.slice(0, -1);
      }
      if (vec.length > 0) each(vec);
      if (eob) return;
    }
  }

  /** All lines of a value block at once (keepalived's read_value_block). */
  readValueBlock(w: Words): string[][] {
    const out: string[][] = [];
    this.forEachValueLine(w.words, (vec) => out.push(vec));
    return out;
  }

  // ---- process_stream ----

  private skipSublevel = 0;
  private kwLevel = 0;

  /** Handlers call this to ignore the rest of the current block (keepalived's skip_block). */
  skipBlock(needBlockStart: boolean): void {
    this.skipSublevel = needBlockStart ? -1 : 1;
  }

  run(roots: readonly RootKeyword[]): void {
    const active = new Set(ACTIVE_SECTIONS[this.pass]);
    const table: Keyword[] = roots.map((k) =>
      active.has(k.section) ? k : { name: k.name, inactive: true as const },
    ) as Keyword[];
    this.processStream(table, false);
  }

  /** Returns true when a skipped block ended the enclosing level (keepalived's ret_err). */
  private processStream(table: readonly Keyword[], needBobIn: boolean): boolean {
    let needBob = needBobIn;
    let bobNeeded = false;
    let byName = TABLE_INDEX.get(table);
    if (!byName) {
      // keepalived scans in order, so the first keyword of a name wins.
      byName = new Map<string, Entry>();
      for (const k of table) {
        if (byName.has(k.name)) continue;
        const inactive = (k as { inactive?: true }).inactive === true;
        byName.set(k.name, new Entry(k.handler, k.sub, k.close, inactive));
      }
      TABLE_INDEX.set(table, byName);
    }
    for (;;) {
      if (this.skipSublevel > 0 && this.skipLines()) return true;
      const words = this.nextLine();
      if (!words) return false;
      let str = words[0] as string;
      if (this.skipSublevel === -1) {
        if (str === '{') {
          this.skipSublevel = 1;
          needBob = false;
          continue;
        }
        this.skipSublevel = 0;
      }
      if (this.skipSublevel) {
        for (const s of words) {
          str = s;
          if (s === '{') this.skipSublevel++;
          else if (s === '}' && --this.skipSublevel === 0) break;
        }
        if (str === '}' && this.skipSublevel === 0 && this.kwLevel > 0) return true;
        continue;
      }
      if (needBob) {
        needBob = false;
        if (str === '{' && this.kwLevel > 0) continue;
        this.report('missing-bob', "Missing '{' at beginning of configuration block");
      } else if (str === '{') {
        this.report('unexpected-bob', "Unexpected '{' - ignoring");
        continue;
      }
      if (str === '}' && this.kwLevel > 0) return false;

      const kw = byName.get(str);
      if (!kw) {
        this.report('unknown-keyword', `Unknown keyword '${str}'`);
        continue;
      }
      if (kw.inactive) {
        this.skipSublevel = words[words.length - 1] === '{' ? 1 : -1;
        continue;
      }
      let vec = words;
      if (kw.sub) {
        if (vec[vec.length - 1] === '{') {
          vec = vec.slice(0, -1);
          bobNeeded = false;
        } else bobNeeded = true;
      }
      kw.handler?.(this, new Words(vec, undefined, this, this.current));
      if (kw.sub) {
        this.kwLevel++;
        const skipped = this.processStream(kw.sub, bobNeeded);
        this.kwLevel--;
        if (!skipped) kw.close?.(this);
      }
    }
  }
}
