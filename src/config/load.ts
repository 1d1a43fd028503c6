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
}

export interface LoadResult {
  /** Undefined when no configuration file could be read at all. */
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

/** A growable column of 32-bit integers, one entry per line. */
class IntColumn {
  data = new Int32Array(BLOCK);
  push(length: number, v: number): void {
    if (length === this.data.length) {
      const grown = new Int32Array(length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[length] = v;
  }
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
  private length = 0;
  /** Per line: where it is (an index into files), its number there, and for a line of a
   * plain file its start and end in that file's text (source -1: its text is in blocks). */
  private readonly fileOf = new IntColumn();
  private readonly lineNos = new IntColumn();
  private readonly source = new IntColumn();
  private readonly starts = new IntColumn();
  private readonly ends = new IntColumn();
  private readonly files: string[] = [];
  private readonly sources: string[] = [];
  private done = false;
  /** The file of the line read last, and its text when a plain run came from it. */
  private lastFile = '';
  private lastFileIndex = -1;
  private lastSource = '';
  private lastSourceIndex = -1;
  private readonly emit = (start: number, end: number, lineNo: number): void => {
    const n = this.length;
    this.storeText('');
    this.lineNos.push(n, lineNo);
    this.fileOf.push(n, this.lastFileIndex);
    this.source.push(n, this.lastSourceIndex);
    this.starts.push(n, start);
    this.ends.push(n, end);
    this.length = n + 1;
  };
  constructor(private readonly reader: ConfigReader) {}

  private storeText(t: string): void {
    if (this.block.length === BLOCK) this.block = [];
    if (this.block.length === 0) this.blocks.push(this.block);
    this.block.push(t);
  }

  private fileIndex(path: string): number {
    if (path !== this.lastFile || this.lastFileIndex < 0) {
      this.lastFile = path;
      this.lastFileIndex = this.files.indexOf(path);
      if (this.lastFileIndex < 0) this.lastFileIndex = this.files.push(path) - 1;
    }
    return this.lastFileIndex;
  }

  /** Reads more lines: a plain run when the reader is at one, else one line. */
  private readMore(): void {
    const src = this.reader.plainSource();
    if (src !== this.lastSource) {
      this.lastSource = src;
      this.lastSourceIndex = this.sources.push(src) - 1;
    }
    const path = this.reader.plainFile();
    if (path !== undefined) this.fileIndex(path);
    if (this.reader.readPlainLines(this.emit, PLAIN_RUN) > 0) return;
    const t = this.reader.readText();
    if (t === null) {
      this.done = true;
      this.reader.finish();
      return;
    }
    const n = this.length;
    this.storeText(t);
    this.lineNos.push(n, this.reader.lineNo);
    this.fileOf.push(n, this.fileIndex(this.reader.lineFile));
    this.source.push(n, -1);
    this.starts.push(n, 0);
    this.ends.push(n, 0);
    this.length = n + 1;
  }

  text(index: number): string | undefined {
    while (!this.done && this.length <= index) this.readMore();
    if (index >= this.length) return undefined;
    const s = this.source.data[index] as number;
    return s < 0
      ? (this.blocks[index >>> BLOCK_BITS] as string[])[index & (BLOCK - 1)]
      : (this.sources[s] as string).slice(this.starts.data[index], this.ends.data[index]);
  }
  words(index: number, onQuoteError: QuoteError): string[] | undefined | null {
    while (!this.done && this.length <= index) this.readMore();
    if (index >= this.length) return null;
    const s = this.source.data[index] as number;
    if (s < 0) {
      const t = (this.blocks[index >>> BLOCK_BITS] as string[])[index & (BLOCK - 1)] as string;
      return splitWords(t, onQuoteError);
    }
    // A plain file's line has no quote: its words are the runs of non-blanks.
    const text = this.sources[s] as string;
    const end = this.ends.data[index] as number;
    let words: string[] | undefined;
    let i = this.starts.data[index] as number;
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
    const s = this.source.data[index] as number;
    if (s < 0) return skipKindOf((this.blocks[index >>> BLOCK_BITS] as string[])[index & (BLOCK - 1)]);
    // A plain file's line is a brace alone or has none, and no quote.
    const start = this.starts.data[index] as number;
    if (this.ends.data[index] !== start + 1) return SKIP_PLAIN;
    const c = (this.sources[s] as string).charCodeAt(start);
    return c === 123 ? SKIP_OPEN : c === 125 ? SKIP_CLOSE : SKIP_PLAIN;
  }
  loc(index: number): SourceLoc {
    return {
      file: this.files[this.fileOf.data[index] as number] as string,
      line: this.lineNos.data[index] as number,
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
