/**
 * Benchmark: the cost of running vrrp_scripts, keepalived-ts against keepalived 2.2.7.
 * One router alone (node a) runs one VRRPv3 instance (MASTER, advert_int 1 s) that tracks 100
 * vrrp_scripts, each `/bin/true` every second (interval 1, weight 0): 100 forks and execs a
 * second. Each daemon runs in a lab of its own with -P; once 5 s have passed:
 *   CPU      over 30 s, as a share of one CPU, from /proc/PID/stat of the daemon's processes
 *            (keepalived: parent + VRRP child; ours: one process): the daemon itself (utime +
 *            stime: forking, exec setup, reaping, scheduling) and its reaped children (cutime
 *            + cstime: the /bin/true runs, and the shell-free exec path they took)
 *   memory   VmRSS and RssAnon summed over the daemon's processes (scripts left out)
 *   runs     a run that times out, is skipped or fails to exec is logged: such lines are
 *            counted (0 expected of both), so neither daemon is cheaper by running less.
 * The two daemons are measured side by side over the same windows (background load hits both
 * alike); the start order alternates between rounds.
 * Usage: node dist/bench/scripts.js [rounds]     (default 1; about 45 s a round)
 *        node dist/bench/scripts.js --config     (prints the config, exits)
 */

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Implementation, type RefKeepalived, startKeepalived } from '../src/testing/keepalived-ref.js';
import { Lab, pollUntil } from '../src/testing/netns-lab.js';

const SCRIPTS = 100;
const CPU_WINDOW_MS = 30_000;
const SETTLE_MS = 5_000;
const IMPLS: readonly Implementation[] = ['keepalived-ts', 'keepalived'];
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export function scriptsConfig(n: number): string {
  const out = ['global_defs {', '  router_id bench', '  vrrp_version 3', '  vrrp_garp_master_delay 0', '}'];
  for (let i = 1; i <= n; i++)
    out.push(`vrrp_script chk_${i} {`, '  script "/bin/true"', '  interval 1', '}');
  out.push(
    'vrrp_instance VI_1 {',
    '  state MASTER',
    '  interface eth0',
    '  virtual_router_id 51',
    '  priority 200',
    '  advert_int 1',
    '  virtual_ipaddress {',
    '    192.0.2.250/32',
    '  }',
    '  track_script {',
    ...Array.from({ length: n }, (_, i) => `    chk_${i + 1}`),
    '  }',
    '}',
  );
  return `${out.join('\n')}\n`;
}

/** The daemon's processes: the root and its descendants, scripts (`true`) left out. */
function daemonTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (stat.includes('(true)')) continue;
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++)
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** [own utime + stime, reaped children's cutime + cstime] in ticks, over the processes. */
function ticks(pids: readonly number[]): [number, number] {
  let own = 0;
  let children = 0;
  for (const pid of pids) {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const x = f
      .slice(f.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    own += (x[11] ?? 0) + (x[12] ?? 0);
    children += (x[13] ?? 0) + (x[14] ?? 0);
  }
  return [own, children];
}

function kib(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? Number.NaN);
}

interface Result {
  impl: Implementation;
  ownPct: number;
  childrenPct: number;
  rssMiB: number;
  anonMiB: number;
  complaints: number;
}

interface Running {
  readonly impl: Implementation;
  readonly lab: Lab;
  readonly r: RefKeepalived;
}

async function startOne(impl: Implementation, config: string): Promise<Running> {
  const lab = await Lab.create({ name: `bench scripts ${impl}` });
  try {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
    const r = await startKeepalived(a, config, { impl, extraArgs: ['-P'], startTimeoutMs: 30_000 });
    await pollUntil(() => r.proc.lines.some((l) => l.text.includes('Entering MASTER STATE')), {
      what: `${impl} MASTER`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    return { impl, lab, r };
  } catch (e: unknown) {
    await lab.destroy();
    throw e;
  }
}

async function round(config: string, order: readonly Implementation[]): Promise<Result[]> {
  const running: Running[] = [];
  try {
    for (const impl of order) running.push(await startOne(impl, config));
    await sleep(SETTLE_MS);
    // Script children exist for a moment (forked, not yet exec'd): keep what persists.
    const snapshots: number[][][] = [];
    for (let k = 0; k < 3; k++, await sleep(150))
      snapshots.push(running.map((x) => daemonTree(x.r.proc.pid)));
    const trees = running.map((_, i) =>
      (snapshots[0]?.[i] ?? []).filter((p) => snapshots.every((t) => t[i]?.includes(p))),
    );
    const marks = running.map((x) => x.r.proc.lineCount);
    const t0 = performance.now();
    const before = trees.map(ticks);
    await sleep(CPU_WINDOW_MS);
    const after = trees.map(ticks);
    const seconds = (performance.now() - t0) / 1000;
    const pct = (t: number): number => (t / CLK_TCK / seconds) * 100;
    return running.map((x, i) => {
      const pids = trees[i] ?? [];
      const complaints = x.r.proc.lines.filter(
        (l) => l.seq >= (marks[i] ?? 0) && /timed out|skipping run|Error exec/.test(l.text),
      ).length;
      return {
        impl: x.impl,
        ownPct: pct((after[i]?.[0] ?? 0) - (before[i]?.[0] ?? 0)),
        childrenPct: pct((after[i]?.[1] ?? 0) - (before[i]?.[1] ?? 0)),
        rssMiB: pids.reduce((s, p) => s + kib(p, 'VmRSS'), 0) / 1024,
        anonMiB: pids.reduce((s, p) => s + kib(p, 'RssAnon'), 0) / 1024,
        complaints,
      };
    });
  } finally {
    for (const x of running) await x.r.stop({ timeoutMs: 10_000 }).catch(() => undefined);
    await Promise.allSettled(running.map((x) => x.lab.destroy()));
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
}

async function main(rounds: number): Promise<void> {
  const config = scriptsConfig(SCRIPTS);
  const results: Result[] = [];
  for (let i = 0; i < rounds; i++) {
    process.stderr.write(`round ${i + 1}/${rounds}\n`);
    results.push(...(await round(config, i % 2 === 0 ? IMPLS : [...IMPLS].reverse())));
  }
  const of = (impl: Implementation, f: (r: Result) => number): number =>
    median(results.filter((r) => r.impl === impl).map(f));
  const rows: [string, (r: Result) => number, number][] = [
    ['daemon CPU, % of one core', (r) => r.ownPct, 1],
    ['scripts CPU (reaped children)', (r) => r.childrenPct, 1],
    ['total', (r) => r.ownPct + r.childrenPct, 1],
    ['VmRSS, sum (MiB)', (r) => r.rssMiB, 1],
    ['RssAnon, sum (MiB)', (r) => r.anonMiB, 1],
    ['timeout/skip/exec lines', (r) => r.complaints, 0],
  ];
  console.log(
    `${SCRIPTS} vrrp_scripts (/bin/true, interval 1 s) tracked by one instance; ${rounds} round(s), medians`,
  );
  console.log(
    `${'figure'.padEnd(30)} ${'keepalived-ts'.padStart(14)} ${'keepalived'.padStart(12)} ${'ratio'.padStart(7)}`,
  );
  for (const [label, f, digits] of rows) {
    const a = of('keepalived-ts', f);
    const b = of('keepalived', f);
    console.log(
      `${label.padEnd(30)} ${a.toFixed(digits).padStart(14)} ${b.toFixed(digits).padStart(12)} ${(b === 0 ? 'n/a' : (a / b).toFixed(2)).padStart(7)}`,
    );
  }
}

if (process.argv.includes('--config')) process.stdout.write(scriptsConfig(SCRIPTS));
else await main(Number(process.argv[2] ?? 1));
