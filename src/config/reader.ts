/**
 * Turns keepalived.conf files into logical lines, as keepalived 2.2.7's read_line() does
 * (lib/parser.c): comments, `\` continuation of definitions, `include` with globs relative to
 * the including file, `$NAME=value` definitions and substitution, `@id` / `@^id` conditional
 * lines, `~SEQ(...)` / `~LST(...)` repetition, and `{` / `}` split off into lines of their own.
 * Every line keeps the file and line number keepalived would report for it. Read errors are
 * collected as diagnostics, never thrown.
 */
import { DiagnosticSink, type SourceLoc } from '../base/diagnostics.js';
import { DEF_LINE_END, type Definition, Definitions } from './definitions.js';
import { type ConfigFs, MAX_CONFIG_FILE_BYTES } from './fs.js';
import { glob } from './glob.js';
import { addList, addSequence, type Repetition } from './repetition.js';

/** keepalived reads at most MAXBUF-1 characters per fgets(). */
export const MAXBUF = 1024;
const MAX_SUBSTITUTIONS = 1000;
const BRACE_OR_QUOTE = /[{}"]/g;
/** What decomment() has to look at: quotes, escapes and comment starts. */
const DECOMMENT_SPECIAL = /["\\!#]/;

export interface ConfigLine extends SourceLoc {
  readonly text: string;
}

/** keepalived's include_t flags: when a missing or bad include is an error. */
export const Include = { none: 0, r: 1, m: 2, w: 4, b: 8 } as const;

export interface ReaderOptions {
  readonly fs: ConfigFs;
  /** The directory relative paths start from (keepalived's working directory). */
  readonly cwd: string;
  /** `-i` / `--config-id`; keepalived defaults it to the host name up to the first '.'. */
  readonly configId: string | undefined;
  readonly random?: (min: number, max: number) => number;
  /** `-e` / global_defs include_check: Include flags applied to every include. */
  readonly includeCheck?: number;
}

interface OpenFile {
  readonly path: string;
  readonly dir: string;
  readonly text: string;
  pos: number;
  lineNo: number;
  /**
   * No NUL, carriage return, quote, backslash or comment character anywhere: each physical
   * line is its text without the blanks around it (most files; read on a fast path).
   */
  readonly simple: boolean;
  /** Simple, and no `@`, `$` or `~` either: no line has anything to expand. */
  readonly plain: boolean;
}

const NOT_SIMPLE = /[\0\r"\\!#]/;
const EXPANDS = /[@$~]/;

interface GlobEntry {
  readonly pattern: string;
  readonly paths: string[];
  next: number;
  readonly includeType: number;
  readonly savedIncludeCheck: number;
  /** Directory the glob's relative paths are relative to. */
  readonly cwd: string;
  current: OpenFile | undefined;
}

export class ConfigReader {
  readonly sink: DiagnosticSink;
  private readonly stack: GlobEntry[] = [];
  private readonly defs: Definitions;
  private readonly repetitions: Repetition[] = [];
  private multilineRest: string | undefined;
  private readonly multilineStack: { rest: string; depth: number }[] = [];
  private multilineSeqDepth = 0;
  private lineResidue: string | undefined;
  private definingMultiline: Definition | undefined;
  private includeCheck: number;
  /** An include failed a check that include_check / -e made fatal (config_file_error). */
  hadFileError = false;
  blockDepth = 0;
  private eof = false;
  /** The last line nextNonBlankPhysical() returned came from a plain file's fast path. */
  private physPlain = false;

  constructor(
    private readonly opts: ReaderOptions,
    sink?: DiagnosticSink,
  ) {
    this.sink = sink ?? new DiagnosticSink();
    this.includeCheck = opts.includeCheck ?? 0;
    const random = opts.random ?? ((min, max) => min + Math.floor(Math.random() * (max - min + 1)));
    this.defs = new Definitions({
      cwd: () => this.currentDir(),
      instance: () => opts.configId ?? '',
      random,
    });
  }

  /** Where a diagnostic raised now would point: the file being read and its current line. */
  loc(): SourceLoc | undefined {
    const f = this.currentFile();
    return f ? { file: f.path, line: f.lineNo } : undefined;
  }

  private currentFile(): OpenFile | undefined {
    // While an include is being opened, keepalived points at the line of the includer.
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i]?.current;
      if (f) return f;
    }
    return undefined;
  }

  private report(kind: Parameters<DiagnosticSink['report']>[0], message: string): void {
    this.sink.report(kind, message, this.loc());
  }

  private currentDir(): string {
    return this.stack[this.stack.length - 1]?.current?.dir ?? this.opts.cwd;
  }

  setIncludeCheck(flags: number): void {
    this.includeCheck = flags;
  }

  /** Opens the main configuration file (or glob), as init_data() does. */
  open(confPath: string): boolean {
    if (this.openGlob(confPath, Include.r | Include.m | Include.w, this.opts.cwd)) return true;
    this.fileError(Include.r, 'Failed to open configuration file');
    return false;
  }

  /** Reads every logical line (for tests and tools; the loader reads on demand). */
  readAll(): ConfigLine[] {
    const out: ConfigLine[] = [];
    for (let l = this.readLine(); l; l = this.readLine()) out.push(l);
    this.finish();
    return out;
  }

  /** At the end of all files: unbalanced braces are reported without a line, as keepalived does. */
  finish(): void {
    if (this.blockDepth > 0) {
      this.sink.report('missing-eob', `There are ${this.blockDepth} missing '}'s or extra '{'s`);
      this.blockDepth = 0;
    }
  }

  // ---- files and includes ----

  /** `includeType`: of the include being opened (keepalived has pushed it already). */
  private fileError(errorType: number, message: string, includeType?: number): void {
    const top = this.stack[this.stack.length - 1];
    const flags = this.includeCheck | (includeType ?? (top ? top.includeType : 0));
    if (flags & errorType) this.hadFileError = true;
    this.report(flags & errorType ? 'file-not-found' : 'ok', message);
  }

  private openGlob(pattern: string, includeType: number, cwd: string): boolean {
    const res = glob(pattern, cwd, this.opts.fs);
    const flags = this.includeCheck | includeType;
    if (res.paths.length === 0) {
      if (res.missingFiles || res.missingDirs) {
        this.fileError(
          /\{/.test(pattern) ? Include.b : Include.m,
          `Config files missing '${pattern}'.`,
          includeType,
        );
      } else if (res.haveWildcards && flags & Include.w) {
        this.fileError(Include.w, `No config files matched '${pattern}'.`, includeType);
      }
      return false;
    }
    if (res.missingFiles || res.missingDirs) {
      this.fileError(Include.b, `Some config files missing: "${pattern}".`, includeType);
      if (flags & Include.b) return false;
    }
    const entry: GlobEntry = {
      pattern,
      paths: res.paths,
      next: 0,
      includeType,
      savedIncludeCheck: this.includeCheck,
      cwd,
      current: undefined,
    };
    this.stack.push(entry);
    if (!this.openNextInGlob(entry)) {
      this.stack.pop();
      return false;
    }
    return true;
  }

  private openNextInGlob(entry: GlobEntry): boolean {
    const fs = this.opts.fs;
    while (entry.next < entry.paths.length) {
      const path = entry.paths[entry.next++] as string;
      if (path.endsWith('/')) {
        this.fileError(Include.r, `Configuration file '${path}' is a directory - skipping`);
        continue;
      }
      const abs = path.startsWith('/') ? path : `${entry.cwd.replace(/\/$/, '')}/${path}`;
      const info = fs.stat(abs);
      if (!info || !info.isFile || info.executable) {
        this.fileError(
          Include.r,
          `Configuration file '${path}' is not a regular non-executable file - skipping`,
        );
        continue;
      }
      if (info.size > MAX_CONFIG_FILE_BYTES) {
        // keepalived would read it; an operator's config is never this large, so refuse clearly.
        this.sink.report(
          'fatal',
          `Configuration file '${path}' is ${info.size} bytes, over the ${MAX_CONFIG_FILE_BYTES} byte limit - skipping`,
        );
        continue;
      }
      if (this.stack.some((e) => e.current?.path === abs)) {
        // keepalived recurses until it runs out of file descriptors; we stop at the loop.
        this.report(
          'general-error',
          `Configuration file '${path}' is already being read (include loop) - skipping`,
        );
        continue;
      }
      const bytes = fs.readFile(abs);
      if (!Buffer.isBuffer(bytes)) {
        this.fileError(Include.r, `Configuration file '${path}' open problem (${bytes.error}) - skipping`);
        continue;
      }
      const text = bytes.toString('utf8');
      const simple = !NOT_SIMPLE.test(text);
      entry.current = {
        path: abs,
        dir: abs.slice(0, abs.lastIndexOf('/')) || '/',
        text,
        pos: 0,
        lineNo: 0,
        simple,
        plain: simple && !EXPANDS.test(text),
      };
      return true;
    }
    if (entry.paths.length === 0) this.fileError(Include.r, `${entry.pattern} - no matching file`);
    return false;
  }

  /** The next physical chunk as fgets() returns it, or undefined at the end of all files. */
  private nextPhysical(): string | undefined {
    for (;;) {
      const entry = this.stack[this.stack.length - 1];
      if (!entry) return undefined;
      const f = entry.current;
      if (f && f.pos < f.text.length) {
        let end = f.text.indexOf('\n', f.pos);
        end = end < 0 ? f.text.length : end + 1;
        if (end - f.pos > MAXBUF - 1) end = f.pos + MAXBUF - 1;
        let chunk = f.text.slice(f.pos, end);
        f.pos = end;
        // C strings end at the first NUL.
        const nul = chunk.indexOf('\0');
        if (nul >= 0) chunk = chunk.slice(0, nul);
        // keepalived's VRRP and checker processes read a copy of the config in which every
        // fgets() chunk became a line of its own (a long line is two, a line cut at a NUL is
        // one): number lines as they do, since they report on almost everything.
        f.lineNo++;
        return chunk;
      }
      // This file is done: the next file of the same glob, else back to the includer.
      this.includeCheck = entry.savedIncludeCheck;
      if (this.openNextInGlob(entry)) continue;
      this.stack.pop();
    }
  }

  // ---- the bulk of a plain file ----

  /**
   * The logical lines of whole physical lines of a plain file (no quote, escape, comment,
   * CR, NUL, `@`, `$` or `~`), by position in `plainSource()`, without making strings: such a
   * line's logical lines are the runs between braces, without the blanks around them, and each
   * brace alone, which is what readText() makes of it. One loop over the characters, hot
   * enough to be optimised, instead of several calls per line.
   *
   * `emit(start, end, lineNo)` gets each line. Stops (returning the count) after `max` lines
   * or before a physical line that readText() must see: one with an `include` line, a `}`
   * that has no `{` (reported there), or longer than fgets() reads; and at the file's end.
   * Returns 0 when the reader is not at a plain file's line (a residue, a repetition or a
   * definition pending): readText() then goes on as usual.
   */
  readPlainLines(emit: (start: number, end: number, lineNo: number) => void, max: number): number {
    const f = this.stack[this.stack.length - 1]?.current;
    if (
      !f?.plain ||
      this.eof ||
      this.lineResidue !== undefined ||
      this.repetitions.length > 0 ||
      this.multilineRest !== undefined ||
      this.definingMultiline
    ) {
      return 0;
    }
    const text = f.text;
    const n = text.length;
    let pos = f.pos;
    let lineNo = f.lineNo;
    let depth = this.blockDepth;
    let count = 0;
    while (pos < n && count < max) {
      const nl = text.indexOf('\n', pos);
      const stop = nl < 0 ? n : nl;
      const next = nl < 0 ? n : nl + 1;
      if (next - pos > MAXBUF - 1) break;
      // First the line is checked (no include, no unmatched `}`), then its lines are given.
      let d = depth;
      let ok = true;
      let i = pos;
      while (i < stop) {
        const c = text.charCodeAt(i);
        if (c === 32 || c === 9) {
          i++;
        } else if (c === 123) {
          d++;
          i++;
        } else if (c === 125) {
          if (--d < 0) {
            ok = false;
            break;
          }
          i++;
        } else {
          // A logical line starts here and runs to the next brace.
          if (c === 105 && text.startsWith('include', i)) {
            ok = false;
            break;
          }
          for (i++; i < stop; i++) {
            const c2 = text.charCodeAt(i);
            if (c2 === 123 || c2 === 125) break;
          }
        }
      }
      if (!ok) break;
      lineNo++;
      i = pos;
      while (i < stop) {
        const c = text.charCodeAt(i);
        if (c === 32 || c === 9) {
          i++;
        } else if (c === 123 || c === 125) {
          emit(i, i + 1, lineNo);
          count++;
          i++;
        } else {
          const start = i;
          let end = i + 1;
          for (i++; i < stop; i++) {
            const c2 = text.charCodeAt(i);
            if (c2 === 123 || c2 === 125) break;
            if (c2 !== 32 && c2 !== 9) end = i + 1;
          }
          emit(start, end, lineNo);
          count++;
        }
      }
      depth = d;
      pos = next;
    }
    f.pos = pos;
    f.lineNo = lineNo;
    this.blockDepth = depth;
    this.lineFile = f.path;
    this.lineNo = lineNo;
    return count;
  }

  /** The text readPlainLines() positions are in: the file being read. */
  plainSource(): string {
    return this.stack[this.stack.length - 1]?.current?.text ?? '';
  }

  /** The path of the file being read (where readPlainLines() lines are). */
  plainFile(): string | undefined {
    return this.stack[this.stack.length - 1]?.current?.path;
  }

  // ---- logical lines ----

  /** Where the line readText() returned last is. */
  lineFile = '';
  lineNo = 0;

  readLine(): ConfigLine | null {
    const text = this.readText();
    return text === null ? null : { text, file: this.lineFile, line: this.lineNo };
  }

  /** The next logical line's text (its place in lineFile and lineNo), null at the end. */
  readText(): string | null {
    if (this.eof) return null;
    let buf: string;
    do {
      const got = this.nextRawLine();
      if (got === undefined) {
        this.eof = true;
        return null;
      }
      buf = got;
    } while (buf === '' || this.checkInclude(buf));
    return this.splitBraces(buf);
  }

  /** One line after comments, definitions, conditionals and repetition, before includes. */
  private nextRawLine(): string | undefined {
    for (;;) {
      let buf: string;
      if (this.lineResidue !== undefined) {
        buf = this.lineResidue;
        this.lineResidue = undefined;
      } else if (this.repetitions.length > this.multilineSeqDepth) {
        buf = this.nextRepetition();
      } else if (this.multilineRest !== undefined) {
        const nl = this.multilineRest.indexOf(DEF_LINE_END);
        if (nl < 0) {
          buf = this.multilineRest;
          const popped = this.multilineStack.pop();
          if (popped) {
            this.multilineRest = popped.rest;
            this.multilineSeqDepth = popped.depth;
          } else {
            this.multilineRest = undefined;
            this.multilineSeqDepth = 0;
          }
        } else {
          buf = this.multilineRest.slice(0, nl);
          this.multilineRest = this.multilineRest.slice(nl + 1);
        }
      } else {
        const phys = this.nextNonBlankPhysical();
        if (phys === undefined) return undefined;
        // A line of a plain file has nothing to expand.
        if (this.physPlain && !this.definingMultiline) return phys;
        buf = phys;
      }

      if (this.definingMultiline) {
        this.appendToMultilineDefinition(buf);
        continue;
      }
      if (buf.length === 0) continue;
      const processed = this.expandLine(buf);
      if (processed === '') continue;
      return processed;
    }
  }

  private nextNonBlankPhysical(): string | undefined {
    for (;;) {
      const f = this.definingMultiline ? undefined : this.stack[this.stack.length - 1]?.current;
      if (f?.simple && f.pos < f.text.length) {
        // What nextPhysical(), the end-of-line strip and decomment() make of a line of a simple
        // file, with one slice instead of three.
        const text = f.text;
        const nl = text.indexOf('\n', f.pos);
        let end = nl < 0 ? text.length : nl;
        if ((nl < 0 ? end : end + 1) - f.pos <= MAXBUF - 1) {
          let start = f.pos;
          f.pos = nl < 0 ? end : end + 1;
          f.lineNo++;
          for (
            let c = text.charCodeAt(start);
            start < end && (c === 32 || c === 9);
            c = text.charCodeAt(++start)
          );
          for (
            let c = text.charCodeAt(end - 1);
            end > start && (c === 32 || c === 9);
            c = text.charCodeAt(--end - 1)
          );
          if (start === end) continue;
          this.physPlain = f.plain;
          return text.slice(start, end);
        }
      }
      this.physPlain = false;
      const chunk = this.nextPhysical();
      if (chunk === undefined) return undefined;
      let end = chunk.length;
      for (let c = chunk.charCodeAt(end - 1); c === 10 || c === 13; c = chunk.charCodeAt(--end - 1));
      const line = end === chunk.length ? chunk : chunk.slice(0, end);
      if (line.length === 0) {
        if (this.definingMultiline) this.endMultilineDefinition();
        continue;
      }
      const text = this.decomment(line);
      if (text !== '') return text;
    }
  }

  private endMultilineDefinition(): void {
    const def = this.definingMultiline;
    this.definingMultiline = undefined;
    if (def && def.value.length === 0) def.multiline = false;
  }

  private appendToMultilineDefinition(line: string): void {
    const def = this.definingMultiline as Definition;
    let text = line;
    let more = false;
    if (text.endsWith('\\')) {
      text = text.slice(0, -1).replace(/[ \t]+$/, '') + DEF_LINE_END;
      more = true;
    }
    // keepalived does not add lines that are only the continuation marker.
    if (text.length >= 2 || (text.length > 0 && !more)) def.value += text;
    if (!more) this.endMultilineDefinition();
  }

  /** `@id`, `$NAME=`, `~SEQ`/`~LST` and `$NAME` substitution, repeated while they apply. */
  private expandLine(input: string): string {
    let buf = input;
    for (let guard = 0; guard < 1000; guard++) {
      let recheck = false;
      if (buf[0] === '@') {
        const rev = buf[1] === '^';
        const ofs = rev ? 2 : 1;
        const m = /[ \t]/.exec(buf.slice(ofs));
        if (!m) return '';
        const id = buf.slice(ofs, ofs + m.index);
        const matches = this.opts.configId !== undefined && id === this.opts.configId;
        if (matches === rev) return '';
        buf = buf.slice(ofs + m.index).replace(/^[ \t]+/, '');
      }
      if (buf[0] === '$') {
        const def = this.defs.parseDefinitionLine(buf);
        if (def) {
          if (def.multiline) this.definingMultiline = def;
          return '';
        }
      }
      if (buf.startsWith('~SEQ') || buf.startsWith('~LST')) {
        const isSeq = buf[1] === 'S';
        const rep = isSeq
          ? addSequence(buf, this.defs, (m) => this.report('general-error', m))
          : addList(buf, (m) => this.report('general-error', m));
        if (rep) this.repetitions.push(rep);
        else this.report('general-error', `Invalid ${isSeq ? '~SEQ' : '~LST'} specification '${buf}'`);
        return '';
      }
      if (buf[0] === '~') return buf;
      if (buf.includes('$')) {
        const replaced = this.replaceParams(buf);
        if (replaced === undefined) return buf;
        buf = this.decomment(replaced);
        if (buf[0] === '@' || buf.includes('$')) recheck = true;
      }
      if (!recheck) return buf;
    }
    return buf;
  }

  /** Substitutes definitions; undefined when nothing was substituted (replace_param's false). */
  private replaceParams(input: string): string | undefined {
    let buf = input;
    let found = false;
    let pos = buf.indexOf('$');
    let nextRest = this.multilineRest;
    // keepalived rescans substituted text, so `$A=$A` would never end there; we stop.
    let substitutions = 0;
    while (pos >= 0 && pos + 1 < buf.length) {
      if (++substitutions > MAX_SUBSTITUTIONS) {
        this.report('general-error', `Definitions on line '${input}' refer to themselves - not expanded`);
        return undefined;
      }
      const hit = this.defs.find(buf, pos + 1);
      if (!hit) {
        pos = buf.indexOf('$', pos + 1);
        continue;
      }
      found = true;
      const def = hit.def;
      if (def.fn) def.value = def.fn(hit.params);
      let replacement: string;
      if (def.multiline) {
        if (nextRest !== undefined)
          this.multilineStack.push({ rest: nextRest, depth: this.multilineSeqDepth });
        this.multilineSeqDepth = this.repetitions.length;
        const nl = def.value.indexOf(DEF_LINE_END);
        replacement = nl < 0 ? def.value : def.value.slice(0, nl);
        nextRest = nl < 0 ? '' : def.value.slice(nl + 1);
      } else replacement = def.value;
      const next = buf.slice(0, pos) + replacement + buf.slice(pos + 1 + hit.refLength);
      if (next.length >= MAXBUF) {
        // keepalived logs "would exceed maximum line length" and keeps the line as it was.
        return undefined;
      }
      buf = next;
      if (/^[ \t]*~/.test(def.value)) break;
      pos = buf.indexOf('$', pos);
    }
    if (found) this.multilineRest = nextRest === '' ? undefined : nextRest;
    return found ? buf : undefined;
  }

  private nextRepetition(): string {
    const rep = this.repetitions[this.repetitions.length - 1] as Repetition;
    const { text, bindings, done } = rep.next();
    for (const [name, value] of bindings) this.defs.set(name, value);
    if (done) this.repetitions.pop();
    return text;
  }

  /**
   * Strips leading blanks, `!`/`#` comments outside quotes, trailing blanks; `\#` and `\!`
   * outside quotes become literal. A trailing `\` is kept (it continues a definition).
   */
  decomment(input: string): string {
    // Most lines have no quote, escape or comment: trimming their blanks is all there is to do.
    const n = input.length;
    let start = 0;
    for (let c = input.charCodeAt(0); c === 32 || c === 9; c = input.charCodeAt(++start));
    if (!DECOMMENT_SPECIAL.test(input)) {
      let end = n;
      while (end > start && (input.charCodeAt(end - 1) === 32 || input.charCodeAt(end - 1) === 9)) end--;
      return start === 0 && end === n ? input : input.slice(start, end);
    }
    const str = start === 0 ? input : input.slice(start);
    let out = '';
    let quote = false;
    let cont = false;
    let cut = -1;
    for (let i = 0; i < str.length; i++) {
      const c = str[i];
      if (c === '"') {
        if (cut < 0) quote = !quote;
      } else if (c === '\\') {
        if (i + 1 < str.length) {
          const n = str[i + 1];
          if (!quote && (n === '#' || n === '!')) {
            if (cut < 0) out += n;
            i++;
            continue;
          }
          if (cut < 0) out += c + n;
          i++;
          continue;
        }
        cont = true;
        break;
      } else if (!quote && cut < 0 && (c === '!' || c === '#')) {
        cut = out.length;
      }
      if (cut < 0) out += c;
    }
    if (quote) this.report('general-error', `Unterminated quote '${str}'`);
    out = out.replace(/[ \t]+$/, '');
    return cont ? out + '\\' : out;
  }

  private checkInclude(buf: string): boolean {
    if (!buf.startsWith('include') || buf.length <= 7) return false;
    let p: number;
    let type: number;
    const c7 = buf[7] as string;
    if (/\s/.test(c7)) {
      p = 8;
      type = Include.none;
    } else if (/\s/.test(buf[8] ?? '') && 'rmwba'.includes(c7)) {
      p = 9;
      type =
        c7 === 'r'
          ? Include.r
          : c7 === 'a'
            ? Include.r | Include.m | Include.b | Include.w
            : c7 === 'w'
              ? Include.r | Include.m | Include.w
              : c7 === 'm'
                ? Include.r | Include.m
                : Include.r | Include.b;
    } else return false;
    const pattern = buf.slice(p).replace(/^[ \t]+/, '');
    this.openGlob(pattern, type, this.currentDir());
    return true;
  }

  /** `{` and `}` outside quotes end a line; what follows comes back as the next line. */
  private splitBraces(input: string): string {
    let buf = input;
    let idx = -1;
    if (buf[0] === '{' || buf[0] === '}') idx = 0;
    else {
      // The regular expression scans natively: a loop over characters here ran cold.
      BRACE_OR_QUOTE.lastIndex = 0;
      for (let m = BRACE_OR_QUOTE.exec(buf); m; m = BRACE_OR_QUOTE.exec(buf)) {
        if (m[0] !== '"') {
          idx = m.index;
          break;
        }
        // Braces inside "..." do not count; an unmatched quote ends the search.
        const close = buf.indexOf('"', m.index + 1);
        if (close < 0) break;
        BRACE_OR_QUOTE.lastIndex = close + 1;
      }
    }
    if (idx >= 0) {
      const skip = idx === 0 ? 1 + (/^[ \t]*/.exec(buf.slice(1)) as RegExpExecArray)[0].length : 0;
      const rest = buf.slice(idx + skip).replace(/[ \t]+$/, '');
      if (rest.length > 0) {
        this.lineResidue = rest;
        buf = buf.slice(0, idx + skip);
      }
    }
    let end = buf.length;
    while (end > 0 && (buf.charCodeAt(end - 1) === 32 || buf.charCodeAt(end - 1) === 9)) end--;
    if (end < buf.length) buf = buf.slice(0, end);
    if (buf === '{') this.blockDepth++;
    else if (buf === '}') {
      if (this.blockDepth-- < 1) {
        this.report('unexpected-eob', "Extra '}' found");
        this.blockDepth = 0;
      }
    }
    const f = this.currentFile();
    this.lineFile = f ? f.path : '';
    this.lineNo = f ? f.lineNo : 0;
    return buf;
  }
}
