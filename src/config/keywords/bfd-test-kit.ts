/**
 * Test helpers for keyword tables: load a config from memory as `keepalived -t` would, or run a
 * single pass to look at that process's parse state. (Used by the bfd, track_file and parser
 * tests; a shared test kit could take it over.)
 */
import { DiagnosticSink } from '../../base/diagnostics.js';
import { memoryConfigFs } from '../fs.js';
import { type LoadResult, loadConfig } from '../load.js';
import { type Environment, type LineSource, ParseContext, type Pass, type RootKeyword } from '../parser.js';
import { type ConfigLine, ConfigReader } from '../reader.js';

export const CONF = '/etc/keepalived/keepalived.conf';

export function fakeEnv(extra: Partial<Environment> & Record<string, unknown> = {}): Environment {
  return {
    interfaces: { exists: (n) => n === 'eth0' || n === 'lo', isLoopback: (n) => n === 'lo' },
    fileExists: () => false,
    ...extra,
  };
}

export function load(text: string, env: Environment = fakeEnv()): LoadResult {
  return loadConfig({ path: CONF, fs: memoryConfigFs({ [CONF]: text }), env, cwd: '/', testMode: true });
}

/** Distinct `line:kind` of each placed diagnostic, as the CLI prints them once. */
export function places(r: LoadResult): string[] {
  const out = new Set<string>();
  for (const d of r.diagnostics) if (d.loc) out.add(`${d.loc.line}:${d.kind}`);
  return [...out].sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b));
}

/** Distinct messages of the diagnostics at `line`. */
export function messagesAt(r: LoadResult, line: number): string[] {
  return [...new Set(r.diagnostics.filter((d) => d.loc?.line === line).map((d) => d.message))];
}

/** Runs one pass over `text` with the given roots and returns its context and diagnostics. */
export function runPass(
  pass: Pass,
  text: string,
  roots: readonly RootKeyword[],
  env: Environment = fakeEnv(),
): { ctx: ParseContext; sink: DiagnosticSink } {
  const sink = new DiagnosticSink();
  const reader = new ConfigReader(
    { fs: memoryConfigFs({ [CONF]: text }), cwd: '/', configId: undefined },
    sink,
  );
  reader.open(CONF);
  const lines: ConfigLine[] = [];
  for (let l = reader.readLine(); l; l = reader.readLine()) lines.push(l);
  const source: LineSource = { text: (i) => lines[i]?.text, loc: (i) => lines[i] as ConfigLine };
  const ctx = new ParseContext(pass, source, sink, env, true, undefined);
  ctx.run(roots);
  return { ctx, sink };
}
