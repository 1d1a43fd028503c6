/**
 * Benchmark: `keepalived-ts -t` against `keepalived -t` on the large generated configuration,
 * in a throwaway namespace that has the config's interfaces, alternating runs (A B A B ...).
 * Prints wall time and peak RSS (GNU time's figures for the whole process), medians over the
 * runs, and the ratios. Usage: npm run build && node dist/bench/config-test.js [runs]
 * (`npm run build` also makes the single-file `-t` build that bin/keepalived-ts uses; after a
 * bare `tsc -p .` it is older than the ES build and not used, and this says so.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { largeConfig } from './gen-large-config.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const runs = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'ktbench-'));
const conf = join(dir, 'large.conf');
writeFileSync(conf, largeConfig());
// Start-up alone: a config with one empty global_defs.
const empty = join(dir, 'empty.conf');
writeFileSync(empty, 'global_defs {\n}\n');
const ns = `ktb${randomBytes(3).toString('hex')}`;
const bundled = (() => {
  try {
    const bundle = statSync(join(root, 'dist/bundle/cli.js')).mtimeMs;
    return bundle >= statSync(join(root, 'dist/src/daemon/main.js')).mtimeMs;
  } catch {
    return false;
  }
})();

interface Sample {
  wallS: number;
  /** user + system CPU seconds: steadier than wall time on a shared machine. */
  cpuS: number;
  rssKiB: number;
  status: number;
}

function timed(cmd: string[]): Sample {
  const r = spawnSync('ip', ['netns', 'exec', ns, '/usr/bin/time', '-f', '%e %M %U %S', ...cmd], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [wall, rss, user, sys] = last.split(' ').map(Number);
  return {
    wallS: wall ?? Number.NaN,
    cpuS: (user ?? Number.NaN) + (sys ?? Number.NaN),
    rssKiB: rss ?? Number.NaN,
    status: r.status ?? -1,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

try {
  execFileSync('ip', ['netns', 'add', ns]);
  for (let i = 0; i < 4; i += 2) {
    execFileSync('ip', ['-n', ns, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `eth${i + 1}`]);
  }
  const ours = (f: string) => [process.execPath, join(root, 'bin/keepalived-ts'), '-t', '-f', f];
  const ref = (f: string) => ['keepalived', '-t', '-f', f];
  const alternate = (f: string): [Sample[], Sample[]] => {
    timed(ours(f));
    timed(ref(f));
    const a: Sample[] = [];
    const b: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      a.push(timed(ours(f)));
      b.push(timed(ref(f)));
    }
    return [a, b];
  };
  const [a, b] = alternate(conf);
  const [ea, eb] = alternate(empty);
  const lines = `${largeConfig().split('\n').length - 1}`;
  const mb = (statSync(conf).size / 1e6).toFixed(1);
  const fmt = (s: Sample[]) =>
    `wall median ${median(s.map((x) => x.wallS)).toFixed(2)} s (min ${Math.min(...s.map((x) => x.wallS)).toFixed(2)}, max ${Math.max(...s.map((x) => x.wallS)).toFixed(2)}), CPU median ${median(s.map((x) => x.cpuS)).toFixed(2)} s, peak RSS median ${(median(s.map((x) => x.rssKiB)) / 1024).toFixed(0)} MiB, exit ${s[0]?.status}`;
  console.log(`config: ${lines} lines, ${mb} MB; ${runs} runs each, alternating`);
  console.log(
    bundled
      ? 'keepalived-ts -t runs from dist/bundle/cli.js'
      : 'keepalived-ts -t runs the ES modules: no current dist/bundle/cli.js (run `npm run build`)',
  );
  console.log(`keepalived-ts -t: ${fmt(a)}`);
  console.log(`keepalived -t:    ${fmt(b)}`);
  const ratios = a.map((x, i) => x.wallS / (b[i]?.wallS ?? Number.NaN));
  const cpuRatios = a.map((x, i) => x.cpuS / (b[i]?.cpuS ?? Number.NaN));
  const rssRatios = a.map((x, i) => x.rssKiB / (b[i]?.rssKiB ?? Number.NaN));
  console.log(
    `ratio keepalived-ts/keepalived: wall median ${median(ratios).toFixed(2)}, CPU median ${median(cpuRatios).toFixed(2)}, RSS median ${median(rssRatios).toFixed(2)}`,
  );
  console.log(`empty config, keepalived-ts -t: ${fmt(ea)}`);
  console.log(`empty config, keepalived -t:    ${fmt(eb)}`);
} finally {
  spawnSync('ip', ['netns', 'del', ns]);
  rmSync(dir, { recursive: true, force: true });
}
