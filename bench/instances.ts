/**
 * Benchmark: the idle cost of 1,000 VRRP instances, keepalived-ts against keepalived 2.2.7.
 * One router alone (node a) runs 1,000 VRRPv3 instances with advert_int 1 s, all `state MASTER`
 * priority 200, so each one advertises once a second. VRIDs are unique per interface and
 * family, so the 1,000 are 250 VRIDs × {IPv4, IPv6} × {eth0, eth1}: eth0 is a's port on the lab
 * bridge, eth1 a veth straight to node b. Each instance has one VIP of its own (IPv4 from
 * 198.51.100.0/24 and 203.0.113.0/24, IPv6 from 2001:db8:100::/48 and 2001:db8:101::/48).
 * Once every instance has logged "Entering MASTER STATE" and 10 s have passed (GARP / NA bursts):
 *   CPU      utime and stime (/proc/PID/stat, all threads) of the daemon's process tree over
 *            30 s, as a share of one CPU (keepalived: parent + VRRP child; ours: one process)
 *   memory   VmRSS and RssAnon (/proc/PID/status) summed over the tree: RssAnon leaves out
 *            the mapped binary and libraries (shared with every other node or keepalived on
 *            the machine), so it is the heap, stacks and data that grow with the instances.
 *            Both count twice the pages keepalived's parent and child share after fork.
 *   wire     tcpdump on every interface of node b for 12 s: instances heard, the sustained
 *            advert rate (the sum over instances of 1 / their mean interval: all instances of
 *            one daemon send in the same burst, so a count in a fixed window hides a slow
 *            drift), and per instance the gaps between its adverts (min, mean, median, p99, max)
 * Also the time from start to the last "Entering MASTER STATE" and the time SIGTERM takes.
 * Each round starts the two daemons one after the other, each in a lab of its own, then
 * measures them side by side over the same windows (this machine is shared: background load
 * hits both alike); the start order alternates between rounds.
 * Usage: node dist/bench/instances.js [rounds] [--instances N]   (default 1 round, N = 1000;
 *        a smaller N takes the first N instances, e.g. 1 for the daemons' baseline)
 *        node dist/bench/instances.js --config [--instances N]   (prints the config, exits)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Implementation, type RefKeepalived, startKeepalived } from '../src/testing/keepalived-ref.js';
import { Lab, type LabNode, pollUntil } from '../src/testing/netns-lab.js';
import { addSecondLink, instancesConfig, quantile } from './instances-lab.js';

const argv = process.argv.slice(2);
const nAt = argv.indexOf('--instances');
const INSTANCES = nAt < 0 ? 1000 : Number(argv[nAt + 1]);
const rounds = Number(argv.find((a, i) => /^\d+$/.test(a) && (nAt < 0 || i !== nAt + 1)) ?? 1);
const IMPLS: readonly Implementation[] = ['keepalived-ts', 'keepalived'];
const CPU_WINDOW_MS = 30_000;
const SETTLE_MS = 10_000;
const CAPTURE_S = 12;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface Result {
  impl: Implementation;
  allMasterS: number;
  processes: number;
  cpuPct: number;
  cpuUserPct: number;
  cpuSysPct: number;
  rssMiB: number;
  anonMiB: number;
  advertsPerS: number;
  instancesHeard: number;
  gapMinMs: number;
  gapMeanMs: number;
  gapMedianMs: number;
  gapP99Ms: number;
  gapMaxMs: number;
  dropped: string;
  stopS: number;
}

/** The pid and every descendant (keepalived's parent forks its VRRP child). */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // Fields after the command (which may contain spaces) start at ") ".
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** [utime, stime] in ticks (fields 14 and 15 of /proc/PID/stat: the whole thread group). */
function cpuTicks(pids: readonly number[]): [number, number] {
  let user = 0;
  let sys = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    user += Number(f[11]);
    sys += Number(f[12]);
  }
  return [user, sys];
}

function kibField(file: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
  return Number(m?.[1] ?? Number.NaN);
}

const countMasters = (r: RefKeepalived): number =>
  readFileSync(r.proc.logFile, 'utf8').split('Entering MASTER STATE').length - 1;

type Wire = Pick<
  Result,
  | 'advertsPerS'
  | 'instancesHeard'
  | 'gapMinMs'
  | 'gapMeanMs'
  | 'gapMedianMs'
  | 'gapP99Ms'
  | 'gapMaxMs'
  | 'dropped'
>;

/** The adverts node b sees in CAPTURE_S seconds, on all its interfaces. */
async function captureAdverts(b: LabNode): Promise<Wire> {
  const file = b.path('adverts.pcap');
  const dump = b.spawn('tcpdump', ['-i', 'any', '-n', '-w', file, 'ip proto 112 or ip6 proto 112'], {
    label: 'tcpdump',
  });
  await dump.waitForLine('listening on', { timeoutMs: 5000 });
  await sleep(CAPTURE_S * 1000);
  await dump.stop({ signal: 'SIGINT' });
  const dropped = dump.lines.find((l) => l.text.includes('dropped by kernel'))?.text ?? '? dropped by kernel';
  const text = await b.run('tcpdump', ['-r', file, '-n', '-tt'], { timeoutMs: 60_000 });
  const seen: { t: number; key: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+) .*IP6? (\S+) > \S+: VRRPv\d, Advertisement, vrid (\d+)/.exec(line);
    if (m) seen.push({ t: Number(m[1]) * 1000, key: `${m[2]} ${m[3]}` });
  }
  const first = new Map<string, { t: number; n: number }>();
  const last = new Map<string, number>();
  const gaps: number[] = [];
  for (const s of seen) {
    const prev = last.get(s.key);
    if (prev !== undefined) gaps.push(s.t - prev);
    last.set(s.key, s.t);
    const f = first.get(s.key);
    if (f === undefined) first.set(s.key, { t: s.t, n: 1 });
    else f.n++;
  }
  // Each instance's own rate, (adverts - 1) / (last - first), summed.
  let perS = 0;
  for (const [key, f] of first) {
    const span = (last.get(key) ?? f.t) - f.t;
    if (span > 0) perS += ((f.n - 1) * 1000) / span;
  }
  return {
    advertsPerS: perS,
    instancesHeard: first.size,
    gapMinMs: Math.min(...gaps),
    gapMeanMs: gaps.reduce((x, y) => x + y, 0) / gaps.length,
    gapMedianMs: median(gaps),
    gapP99Ms: quantile(gaps, 0.99),
    gapMaxMs: Math.max(...gaps),
    dropped: dropped.trim(),
  };
}

interface Running {
  readonly impl: Implementation;
  readonly lab: Lab;
  readonly b: LabNode;
  readonly r: RefKeepalived;
  readonly allMasterS: number;
}

/** A lab with `impl` running the config in node a, once every instance is MASTER. */
async function startOne(impl: Implementation, config: string): Promise<Running> {
  const lab = await Lab.create({ name: `bench instances ${impl}` });
  try {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24', ipv6: '2001:db8::1/64' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24', ipv6: '2001:db8::2/64' });
    await addSecondLink(a, b);
    const began = performance.now();
    const r = await startKeepalived(a, config, { impl, extraArgs: ['-P'], startTimeoutMs: 60_000 });
    await pollUntil(() => countMasters(r), {
      what: `${impl}: ${INSTANCES} instances in MASTER`,
      until: (n) => n >= INSTANCES || !r.proc.running,
      timeoutMs: 180_000,
      intervalMs: 250,
    });
    if (!r.proc.running) throw new Error(`${impl} exited:\n${r.proc.tail()}`);
    return { impl, lab, b, r, allMasterS: (performance.now() - began) / 1000 };
  } catch (e: unknown) {
    console.error(lab.describe(20));
    await lab.destroy();
    throw e;
  }
}

/**
 * One round: the daemons are started one after the other, then measured side by side over the
 * same windows, so whatever else loads this shared machine meanwhile loads both alike.
 */
async function round(config: string, order: readonly Implementation[]): Promise<Result[]> {
  const running: Running[] = [];
  try {
    for (const impl of order) running.push(await startOne(impl, config));
    await sleep(SETTLE_MS);
    const trees = running.map((x) => processTree(x.r.proc.pid));
    const t0 = performance.now();
    const before = trees.map(cpuTicks);
    await sleep(CPU_WINDOW_MS);
    const after = trees.map(cpuTicks);
    const seconds = (performance.now() - t0) / 1000;
    const sum = (pids: readonly number[], file: string, fields: readonly string[]): number =>
      pids.reduce((s, p) => s + fields.reduce((t, f) => t + kibField(`/proc/${p}/${file}`, f), 0), 0) / 1024;
    const memory = trees.map((pids) => ({
      rssMiB: sum(pids, 'status', ['VmRSS']),
      anonMiB: sum(pids, 'status', ['RssAnon']),
    }));
    const wires = await Promise.all(running.map((x) => captureAdverts(x.b)));
    const results: Result[] = [];
    for (const [i, x] of running.entries()) {
      if (!x.r.proc.running) throw new Error(`${x.impl} exited:\n${x.r.proc.tail()}`);
      const stopAt = performance.now();
      await x.r.stop({ timeoutMs: 60_000 });
      const pct = (ticks: number): number => (ticks / CLK_TCK / seconds) * 100;
      const cpuUserPct = pct((after[i]?.[0] ?? 0) - (before[i]?.[0] ?? 0));
      const cpuSysPct = pct((after[i]?.[1] ?? 0) - (before[i]?.[1] ?? 0));
      results.push({
        impl: x.impl,
        allMasterS: x.allMasterS,
        processes: trees[i]?.length ?? 0,
        cpuPct: cpuUserPct + cpuSysPct,
        cpuUserPct,
        cpuSysPct,
        ...(memory[i] as { rssMiB: number; anonMiB: number }),
        ...(wires[i] as Wire),
        stopS: (performance.now() - stopAt) / 1000,
      });
    }
    return results;
  } catch (e: unknown) {
    for (const x of running) console.error(x.lab.describe(20));
    throw e;
  } finally {
    await Promise.allSettled(running.map((x) => x.lab.destroy()));
  }
}

/** The middle value, or the mean of the two middle values. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
}

async function main(config: string): Promise<void> {
  const results: Result[] = [];
  for (let i = 0; i < rounds; i++) {
    process.stderr.write(`round ${i + 1}/${rounds}\n`);
    results.push(...(await round(config, i % 2 === 0 ? IMPLS : [...IMPLS].reverse())));
  }

  const of = (impl: Implementation, f: (r: Result) => number): number =>
    median(results.filter((r) => r.impl === impl).map(f));
  const rows: [string, (r: Result) => number, number][] = [
    ['start to all MASTER (s)', (r) => r.allMasterS, 1],
    ['CPU, % of one core (30 s)', (r) => r.cpuPct, 2],
    ['  of which user', (r) => r.cpuUserPct, 2],
    ['  of which system', (r) => r.cpuSysPct, 2],
    ['VmRSS, sum (MiB)', (r) => r.rssMiB, 1],
    ['RssAnon, sum (MiB)', (r) => r.anonMiB, 1],
    ['instances heard (12 s)', (r) => r.instancesHeard, 0],
    ['adverts/s, sustained', (r) => r.advertsPerS, 1],
    ['advert gap min (ms)', (r) => r.gapMinMs, 1],
    ['advert gap mean (ms)', (r) => r.gapMeanMs, 1],
    ['advert gap median (ms)', (r) => r.gapMedianMs, 1],
    ['advert gap p99 (ms)', (r) => r.gapP99Ms, 1],
    ['advert gap max (ms)', (r) => r.gapMaxMs, 1],
    ['SIGTERM to exit (s)', (r) => r.stopS, 2],
  ];
  console.log(
    `${INSTANCES} VRRPv3 instances, advert_int 1 s, all MASTER (up to 250 VRIDs × IPv4/IPv6 × eth0/eth1); ${rounds} round(s), medians`,
  );
  console.log(
    `${'figure'.padEnd(28)} ${'keepalived-ts'.padStart(14)} ${'keepalived'.padStart(12)} ${'ratio'.padStart(7)}`,
  );
  for (const [label, f, digits] of rows) {
    const a = of('keepalived-ts', f);
    const b = of('keepalived', f);
    console.log(
      `${label.padEnd(28)} ${a.toFixed(digits).padStart(14)} ${b.toFixed(digits).padStart(12)} ${(b === 0 ? 'n/a' : (a / b).toFixed(2)).padStart(7)}`,
    );
  }
  for (const r of results) {
    console.log(
      `${r.impl}: ${r.processes} process(es), CPU ${r.cpuPct.toFixed(2)} %, VmRSS ${r.rssMiB.toFixed(1)} MiB, advert gap mean ${r.gapMeanMs.toFixed(1)} / max ${r.gapMaxMs.toFixed(1)} ms; tcpdump: ${r.dropped}`,
    );
  }
}

const config = instancesConfig(INSTANCES);
if (argv.includes('--config')) process.stdout.write(config);
else await main(config);
