/**
 * Differential check of a configuration: `keepalived -t` (the reference, Debian's 2.2.7) and
 * `keepalived-ts -t` on the same file in the same network namespace, compared by exit status
 * and by the set of (file, line) places they report. Message wording may differ.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const KEEPALIVED_TS = resolve(REPO_ROOT, 'bin/keepalived-ts');

export interface ConfigTestRun {
  readonly status: number;
  /** "file:line" places, file resolved to an absolute path. */
  readonly places: ReadonlySet<string>;
  /** Messages printed without a place. */
  readonly unplaced: readonly string[];
  readonly stderr: string;
}

export interface CompareOptions {
  /** Network namespace both run in (interfaces are part of the check). */
  readonly ns?: string;
  readonly configId?: string;
  readonly cwd?: string;
  readonly extraArgs?: readonly string[];
}

const PLACE = /^\((?:(.*): )?Line (\d+)\) /;

export function parsePlaces(
  stderr: string,
  mainFile: string,
  cwd: string,
): { places: Set<string>; unplaced: string[] } {
  const places = new Set<string>();
  const unplaced: string[] = [];
  for (const line of stderr.split('\n')) {
    if (line.trim() === '') continue;
    const m = PLACE.exec(line);
    if (!m) {
      unplaced.push(line);
      continue;
    }
    let file = m[1] ?? mainFile;
    if (!isAbsolute(file)) {
      const a = resolve(cwd, file);
      file = existsSync(a) ? a : resolve(dirname(mainFile), file);
    }
    places.add(`${file}:${m[2]}`);
  }
  return { places, unplaced };
}

function run(cmd: string, args: readonly string[], opts: CompareOptions): { status: number; stderr: string } {
  const full = opts.ns ? ['ip', ['netns', 'exec', opts.ns, cmd, ...args]] : [cmd, args];
  const r = spawnSync(full[0] as string, full[1] as string[], {
    cwd: opts.cwd ?? process.cwd(),
    encoding: 'latin1',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status ?? (r.signal ? 128 : 1), stderr: r.stderr ?? '' };
}

export function configTest(
  which: 'keepalived' | 'keepalived-ts',
  file: string,
  opts: CompareOptions = {},
): ConfigTestRun {
  const cwd = opts.cwd ?? process.cwd();
  const args = ['-t', '-f', file, ...(opts.configId ? ['-i', opts.configId] : []), ...(opts.extraArgs ?? [])];
  const r =
    which === 'keepalived'
      ? run('keepalived', args, opts)
      : run(process.execPath, [KEEPALIVED_TS, ...args], opts);
  const mainFile = resolve(cwd, file);
  const { places, unplaced } = parsePlaces(r.stderr, mainFile, cwd);
  return { status: r.status, places, unplaced, stderr: r.stderr };
}

export interface Comparison {
  readonly same: boolean;
  readonly reference: ConfigTestRun;
  readonly ours: ConfigTestRun;
  readonly onlyReference: string[];
  readonly onlyOurs: string[];
}

export function compareConfigTest(file: string, opts: CompareOptions = {}): Comparison {
  const reference = configTest('keepalived', file, opts);
  const ours = configTest('keepalived-ts', file, opts);
  const onlyReference = [...reference.places].filter((p) => !ours.places.has(p)).sort();
  const onlyOurs = [...ours.places].filter((p) => !reference.places.has(p)).sort();
  return {
    same: reference.status === ours.status && onlyReference.length === 0 && onlyOurs.length === 0,
    reference,
    ours,
    onlyReference,
    onlyOurs,
  };
}

/** A readable account of a difference, for assertion messages. */
export function describeComparison(file: string, c: Comparison): string {
  return [
    `${file}: keepalived -t exit ${c.reference.status}, keepalived-ts -t exit ${c.ours.status}`,
    ...c.onlyReference.map((p) => `  only keepalived reports ${p}`),
    ...c.onlyOurs.map((p) => `  only keepalived-ts reports ${p}`),
    '--- keepalived:',
    c.reference.stderr.trimEnd(),
    '--- keepalived-ts:',
    c.ours.stderr.trimEnd(),
  ].join('\n');
}
