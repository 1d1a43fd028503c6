/**
 * Reading a configuration the way `keepalived -t` judges it: the file is read once, then
 * parsed once per keepalived process (parent, checker, VRRP, BFD), each pass seeing only its
 * own sections, followed by that process's validation. The model takes each section from the
 * pass that owns it; diagnostics are collected from all passes.
 */
import { ConfigTestExit, type Diagnostic, DiagnosticSink, type SourceLoc } from '../base/diagnostics.js';
import { type ConfigFs, nodeConfigFs } from './fs.js';
import { glob } from './glob.js';
import { bfdSection } from './keywords/bfd.js';
import { checkSection } from './keywords/check.js';
import { GLOBAL, globalSection } from './keywords/global.js';
import { trackFileSection } from './keywords/track-file.js';
import { vrrpSection } from './keywords/vrrp.js';
import type { KeepalivedConfig } from './model.js';
import {
  type Environment,
  type LineSource,
  MissingParameterAbort,
  ParseContext,
  type Pass,
  SKIP_CLOSE,
  SKIP_END,
  SKIP_OPEN,
  SKIP_PLAIN,
  skipKindOf,
} from './parser.js';
import { ConfigReader, Include } from './reader.js';
import { type QuoteError, splitWords } from './tokens.js';

export interface LoadOptions {
  readonly path: string;
  readonly configId?: string | undefined;
  readonly cwd?: string;
  readonly fs?: ConfigFs;
  readonly env: Environment;
  /** `-e` / `--all-config`: every include must exist and be readable. */
  readonly allConfig?: boolean;
  /** `-t`: keepalived's stricter number checks. */
  readonly testMode?: boolean;
  /**
   * false: check only, build no model (`-t` alone prints diagnostics and an exit status; the
   * model of a large config is most of what its reading allocates). Building reports nothing,
   * so the diagnostics are the same (load.model.test.ts).
   */
  readonly model?: boolean;
}

export interface LoadResult {
  /** Undefined when no configuration file could be read at all, or with `model: false`. */
  readonly config: KeepalivedConfig | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** What `keepalived -t` exits with for this configuration. */
  readonly exitStatus: number;
  readonly lineCount: number;
}

const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;
/** Lines read at a time from a plain file's fast path. */
const PLAIN_RUN = 4096;

const PASSES: readonly Pass[] = ['parent', 'checker', 'vrrp', 'bfd'];

/** Where a line is: its file, and the text of that file for lines kept as positions. */
interface Place {
  readonly path: string;
  readonly text: string;
}

/**
 * The logical lines as the passes read them: read once, on the first pass's demand. A line of
 * a plain file's fast path (reader.readPlainLines(), most lines of most generated configs) is
 * kept as its position in the file's text and sliced again when a pass asks for it: strings
 * kept for every line of a large config were most of what the garbage collector copied. Other
 * lines keep their text, in blocks of 4,096 (one array of 300,000 would live in old space, and
 * each new line's text stored into it would have to be remembered by the garbage collector).
 */
class CachedLines implements LineSource {
  private readonly blocks: string[][] = [];
  private block: string[] = [];
  private texts = 0;
  private length = 0;
  /**
   * Four numbers per line: its place (an index into places), then its start and end in the
   * place's text, or -1 - (the index of its text in blocks) and 0; then its line number.
   */
  private meta = new Int32Array(4 * BLOCK);
  private readonly places: Place[] = [];
  /** The place of the line read last. */
  private place = -1;
  private done = false;
  private readonly emit = (start: number, end: number, lineNo: number): void => {
    this.add(this.place, start, end, lineNo);
  };
  constructor(private readonly reader: ConfigReader) {}

  private add(place: number, a: number, b: number, lineNo: number): void {
    const o = this.length * 4;
    if (o === this.meta.length) {
      const grown = new Int32Array(o * 2);
      grown.set(this.meta);
      this.meta = grown;
    }
    const m = this.meta;
    m[o] = place;
    m[o + 1] = a;
    m[o + 2] = b;
    m[o + 3] = lineNo;
    this.length++;
  }

  private placeOf(path: string, text: string): number {
    const last = this.places[this.place];
    if (last?.path !== path || last.text !== text) {
      this.place = this.places.findIndex((p) => p.path === path && p.text === text);
      if (this.place < 0) this.place = this.places.push({ path, text }) - 1;
    }
    return this.place;
  }

  /** Reads more lines: a plain run when the reader is at one, else one line. */
  private readMore(): void {
    const path = this.reader.plainFile();
    if (path !== undefined) this.placeOf(path, this.reader.plainSource());
    if (this.reader.readPlainLines(this.emit, PLAIN_RUN) > 0) return;
    const t = this.reader.readText();
    if (t === null) {
      this.done = true;
      this.reader.finish();
      return;
    }
    if (this.block.length === BLOCK) this.block = [];
    if (this.block.length === 0) this.blocks.push(this.block);
    this.block.push(t);
    this.add(this.placeOf(this.reader.lineFile, ''), -1 - this.texts++, 0, this.reader.lineNo);
  }

  /** The text of line `index` when it is kept as a string. */
  private stored(index: number): string | undefined {
    const a = this.meta[index * 4 + 1] as number;
    if (a >= 0) return undefined;
    const t = -1 - a;
    return (this.blocks[t >>> BLOCK_BITS] as string[])[t & (BLOCK - 1)];
  }

  text(index: number): string | undefined {
    while (!this.done && this.length <= index) this.readMore();
    if (index >= this.length) return undefined;
    const o = index * 4;
    const m = this.meta;
    const a = m[o + 1] as number;
    if (a < 0) return this.stored(index);
    return (this.places[m[o] as number] as Place).text.slice(a, m[o + 2]);
  }
  words(index: number, onQuoteError: QuoteError): string[] | undefined | null {
    while (!this.done && this.length <= index) this.readMore();
    if (index >= this.length) return null;
    const o = index * 4;
    const m = this.meta;
    let i = m[o + 1] as number;
    if (i < 0) return splitWords(this.stored(index) as string, onQuoteError);
    // A plain file's line has no quote: its words are the runs of non-blanks.
    const text = (this.places[m[o] as number] as Place).text;
    const end = m[o + 2] as number;
    let words: string[] | undefined;
    while (i < end) {
      let c = text.charCodeAt(i);
      if (c === 32 || (c >= 9 && c <= 13)) {
        i++;
        continue;
      }
      const w = i;
      for (i++; i < end; i++) {
        c = text.charCodeAt(i);
        if (c === 32 || (c >= 9 && c <= 13)) break;
      }
      if (words) words.push(text.slice(w, i));
      else words = [text.slice(w, i)];
    }
    return words;
  }
  skipKind(index: number): number {
    while (!this.done && this.length <= index) this.readMore();
    if (index >= this.length) return SKIP_END;
    const o = index * 4;
    const m = this.meta;
    const start = m[o + 1] as number;
    if (start < 0) return skipKindOf(this.stored(index));
    // A plain file's line is a brace alone or has none, and no quote.
    if (m[o + 2] !== start + 1) return SKIP_PLAIN;
    const c = (this.places[m[o] as number] as Place).text.charCodeAt(start);
    return c === 123 ? SKIP_OPEN : c === 125 ? SKIP_CLOSE : SKIP_PLAIN;
  }
  loc(index: number): SourceLoc {
    return {
      file: (this.places[this.meta[index * 4] as number] as Place).path,
      line: this.meta[index * 4 + 3] as number,
    };
  }
  private readonly skipped = new Map<number, number>();
  skippedBlockEnd(start: number): number | undefined {
    return this.skipped.get(start);
  }
  rememberSkippedBlock(start: number, end: number): void {
    this.skipped.set(start, end);
  }
  setIncludeCheck(flags: number): void {
    this.reader.setIncludeCheck(flags);
  }
  get count(): number {
    return this.length;
  }
}

/**
 * keepalived's check_conf_file(): the main file (or glob) must name one readable file.
 * keepalived -t exits 0 when the file is missing or a directory (it reports with no error
 * class); we report those as "cannot run" (exit 4) so that `-t && reload` cannot pass on a
 * config that is not there.
 */
function checkConfFile(path: string, cwd: string, fs: ConfigFs, sink: DiagnosticSink): boolean {
  const res = glob(path, cwd, fs);
  if (res.paths.length === 0) {
    sink.report('file-not-found', `Unable to find configuration file ${path}`);
    return false;
  }
  let ok = true;
  let matches = 0;
  for (const p of res.paths) {
    if (p.endsWith('/')) {
      sink.report('file-not-found', `Configuration file '${p}' is a directory - skipping`);
      ok = false;
      continue;
    }
    const abs = p.startsWith('/') ? p : `${cwd}/${p}`;
    const info = fs.stat(abs);
    if (!info || !info.isFile || info.executable) {
      sink.report(
        'file-not-found',
        `Configuration file '${p}' is not a regular non-executable file - skipping`,
      );
      ok = false;
      continue;
    }
    if (!fs.canRead(abs)) {
      sink.report('file-not-found', `Unable to read configuration file ${p}`);
      ok = false;
      break;
    }
    matches++;
  }
  if (ok && matches > 1) {
    sink.report(
      'multiple-files',
      `WARNING, multiple configuration file matches of ${path}, starting with ${res.paths[0]}`,
    );
  }
  return ok && matches > 0;
}

export function loadConfig(opts: LoadOptions): LoadResult {
  const fs = opts.fs ?? nodeConfigFs;
  const cwd = opts.cwd ?? process.cwd();
  const sink = new DiagnosticSink();
  if (!checkConfFile(opts.path, cwd, fs, sink)) {
    return { config: undefined, diagnostics: sink.items, exitStatus: sink.exitStatus(), lineCount: 0 };
  }
  const reader = new ConfigReader(
    {
      fs,
      cwd,
      configId: opts.configId,
      includeCheck: opts.allConfig ? Include.r | Include.m | Include.w | Include.b : 0,
    },
    sink,
  );
  if (!reader.open(opts.path)) {
    return { config: undefined, diagnostics: sink.items, exitStatus: sink.exitStatus(), lineCount: 0 };
  }
  const lines = new CachedLines(reader);
  const contexts = new Map<Pass, ParseContext>();
  const roots = [globalSection, vrrpSection, checkSection, bfdSection, trackFileSection];
  try {
    let env = opts.env;
    for (const pass of PASSES) {
      const ctx = new ParseContext(pass, lines, sink, env, opts.testMode ?? false, contexts.get('parent'));
      contexts.set(pass, ctx);
      ctx.run(roots.flatMap((m) => m.roots(pass)));
      for (const m of roots) m.validate?.(ctx);
      if (pass === 'parent') {
        // The children run inside the net_namespace: check interfaces there.
        const netns = ctx.state(GLOBAL).netNamespace;
        if (netns !== undefined) {
          const inNs = opts.env.interfacesIn?.(netns);
          if (!inNs) {
            // keepalived -t stops here and exits 0; a namespace that is not there is an error.
            sink.report('fatal', `network namespace ${netns} does not exist`);
            return {
              config: undefined,
              diagnostics: sink.items,
              exitStatus: sink.exitStatus(),
              lineCount: lines.count,
            };
          }
          env = { ...opts.env, interfaces: inNs };
        }
      }
      if (pass === 'parent' && reader.hadFileError) {
        // keepalived stops after reading when a checked include failed: "no config" (6).
        return {
          config: undefined,
          diagnostics: sink.items,
          exitStatus: ConfigTestExit.noConfig,
          lineCount: lines.count,
        };
      }
    }
  } catch (e) {
    if (!(e instanceof MissingParameterAbort)) throw e;
    return {
      config: undefined,
      diagnostics: sink.items,
      exitStatus: sink.exitStatus(),
      lineCount: lines.count,
    };
  }
  if (opts.model === false) {
    return {
      config: undefined,
      diagnostics: sink.items,
      exitStatus: sink.exitStatus(),
      lineCount: lines.count,
    };
  }
  const ctx = (p: Pass): ParseContext => contexts.get(p) as ParseContext;
  const config: KeepalivedConfig = {
    global: globalSection.build(ctx('parent')),
    vrrp: vrrpSection.build(ctx('vrrp')),
    lvs: checkSection.build(ctx('checker')),
    bfd: bfdSection.build(ctx('bfd')),
    trackFiles: trackFileSection.build(ctx('vrrp')),
  };
  return { config, diagnostics: sink.items, exitStatus: sink.exitStatus(), lineCount: lines.count };
}
