/**
 * Benchmark (issue 5): reload time for the 1,000-instance config of bench/instances.ts, and the
 * advert gap during the reload, keepalived-ts against keepalived 2.2.7. Node a runs the 1,000
 * VRRPv3 instances (advert_int 1 s, all MASTER, on eth0 and a second link eth1 to node b);
 * once all are master and settled, tcpdump on every interface of b records the adverts while
 * the bench sends SIGHUP to a's daemon with the config unchanged, then (second reload) with
 * every instance's priority lowered from 200 to 199 (a change each instance must take in).
 *   reload time   SIGHUP until the daemon's log goes quiet (its last line within 20 s: both
 *                 log the reload's lines, then nothing while adverts go on)
 *   advert gap    per instance, the gaps between its adverts in the 5 s before and the 10 s
 *                 after the SIGHUP: max and p99 over all instances, and the count of gaps over
 *                 1.5 × advert_int (an advert late by half an interval)
 * The two daemons run one after the other, each in a lab of its own.
 * Usage: node dist/bench/reload.js [rounds] [--instances N]   (default 1 round, N = 1000)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Implementation, startKeepalived } from '../src/testing/keepalived-ref.js';
import { Lab, type LabNode, pollUntil } from '../src/testing/netns-lab.js';
import { addSecondLink, instancesConfig, quantile } from './instances-lab.js';

const argv = process.argv.slice(2);
const nAt = argv.indexOf('--instances');
const INSTANCES = nAt < 0 ? 1000 : Number(argv[nAt + 1]);
const rounds = Number(argv.find((a, i) => /^\d+$/.test(a) && (nAt < 0 || i !== nAt + 1)) ?? 1);
const IMPLS: readonly Implementation[] = ['keepalived-ts', 'keepalived'];
const QUIET_WINDOW_MS = 20_000;

const CONFIG = instancesConfig(INSTANCES);

interface Measure {
  readonly what: string;
  readonly reloadMs: number;
  readonly gapMaxMs: number;
  readonly gapP99Ms: number;
  readonly lateGaps: number;
  readonly instancesHeard: number;
  readonly transitions: number;
}

/** Adverts b heard (pcap), as per-instance gaps. */
async function gaps(b: LabNode, file: string): Promise<{ gaps: number[]; heard: number }> {
  const text = await b.run('tcpdump', ['-r', file, '-n', '-tt'], { timeoutMs: 120_000 });
  const last = new Map<string, number>();
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+) .*IP6? (\S+) > \S+: VRRPv\d, Advertisement, vrid (\d+)/.exec(line);
    if (!m) continue;
    const t = Number(m[1]) * 1000;
    const key = `${m[2]} ${m[3]}`;
    const prev = last.get(key);
    if (prev !== undefined) out.push(t - prev);
    last.set(key, t);
  }
  return { gaps: out, heard: last.size };
}

async function reloadOnce(
  impl: Implementation,
  a: LabNode,
  b: LabNode,
  r: Awaited<ReturnType<typeof startKeepalived>>,
  what: string,
): Promise<Measure> {
  const file = b.path(`reload-${what.replace(/\W+/g, '-')}.pcap`);
  const dump = b.spawn('tcpdump', ['-i', 'any', '-n', '-w', file, 'ip proto 112 or ip6 proto 112'], {
    label: 'tcpdump',
  });
  await dump.waitForLine('listening on', { timeoutMs: 5000 });
  await sleep(5000);
  const leftBefore =
    readFileSync(r.proc.logFile, 'utf8').match(/Entering (BACKUP|FAULT) STATE/g)?.length ?? 0;
  const sentAt = performance.now();
  process.kill(r.proc.pid, 'SIGHUP');
  await sleep(QUIET_WINDOW_MS);
  await dump.stop({ signal: 'SIGINT' });
  // The process keeps only its last lines: those stamped after the SIGHUP are the reload's.
  const after = r.proc.lines.filter((l) => l.atMs >= sentAt);
  const lastAt = after.length === 0 ? sentAt : (after[after.length - 1]?.atMs ?? sentAt);
  const { gaps: g, heard } = await gaps(b, file);
  const transitions =
    (readFileSync(r.proc.logFile, 'utf8').match(/Entering (BACKUP|FAULT) STATE/g)?.length ?? 0) - leftBefore;
  void a;
  return {
    what: `${impl}, ${what}`,
    reloadMs: lastAt - sentAt,
    gapMaxMs: Math.max(...g),
    gapP99Ms: quantile(g, 0.99),
    lateGaps: g.filter((x) => x > 1500).length,
    instancesHeard: heard,
    transitions,
  };
}

async function run(impl: Implementation): Promise<Measure[]> {
  const lab = await Lab.create({ name: `bench reload ${impl}` });
  try {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24', ipv6: '2001:db8::1/64' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24', ipv6: '2001:db8::2/64' });
    await addSecondLink(a, b);
    const r = await startKeepalived(a, CONFIG, { impl, extraArgs: ['-P'], startTimeoutMs: 60_000 });
    await pollUntil(() => readFileSync(r.proc.logFile, 'utf8').split('Entering MASTER STATE').length - 1, {
      what: `${impl}: ${INSTANCES} instances in MASTER`,
      until: (n) => n >= INSTANCES || !r.proc.running,
      timeoutMs: 180_000,
      intervalMs: 250,
    });
    await sleep(8000);
    const out = [await reloadOnce(impl, a, b, r, 'unchanged config')];
    writeFileSync(r.confPath, CONFIG.replaceAll('priority 200', 'priority 199'));
    out.push(await reloadOnce(impl, a, b, r, 'every priority 200 -> 199'));
    await r.stop({ timeoutMs: 60_000 });
    return out;
  } finally {
    await lab.destroy();
  }
}

const all: Measure[] = [];
for (let i = 0; i < rounds; i++) {
  for (const impl of i % 2 === 0 ? IMPLS : [...IMPLS].reverse()) {
    for (const m of await run(impl)) {
      all.push(m);
      console.log(
        `${m.what}: reload ${m.reloadMs.toFixed(0)} ms; advert gap max ${m.gapMaxMs.toFixed(0)} ms, p99 ${m.gapP99Ms.toFixed(0)} ms, gaps > 1.5 s: ${m.lateGaps}; instances heard ${m.instancesHeard}; transitions ${m.transitions}`,
      );
    }
  }
}
console.log(`\n${INSTANCES} VRRPv3 instances, advert_int 1 s, SIGHUP; ${rounds} round(s)`);
