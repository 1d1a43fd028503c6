/**
 * Benchmark: failover time of a VRRP pair, keepalived-ts against keepalived 2.2.7, each pair
 * made of two routers of the same implementation (a: priority 100, b: priority 90) in a lab of
 * its own (netns-lab: two namespaces on a bridge, plus tcpdump in the backup's namespace).
 * The trials alternate between the two labs (A B A B ...), so drift of this shared machine
 * hits both alike. Per trial, once one master and one backup are settled:
 *   hard      the master's link is cut (`ip link set eth0 down`) right after the backup's node
 *             has seen one of its adverts (tcpdump); timed from the cut, and from that last
 *             advert (tcpdump's timestamp), to the backup's "Entering MASTER STATE" line;
 *             the link comes back and the pair settles again (the cut master leaves FAULT and
 *             preempts; if that takes more than a few seconds both routers are restarted)
 *   graceful  SIGTERM to the master (priority-0 advert), timed to the backup's "Entering
 *             MASTER STATE"; the master is started again and preempts.
 * Times are the arrival of the daemon's log line (performance.now()), so both include the same
 * log pipe. Since the cut is an `ip` process, a few more adverts may still get through at 0.01 s,
 * so the log-line figures overstate the takeover; the "wire" figures are the protocol's own
 * measure, from b's capture (tcpdump in b, both directions): a's last advert (hard) or a's
 * priority-0 advert (graceful) to b's first advert, and to b's first gratuitous ARP for the VIP.
 * Prints n, min, median, p99, max per implementation and scenario, the bound
 * (3 × advert_int + skew for hard, skew for graceful) and the ratio of the medians.
 * Usage: node dist/bench/failover.js [trials] [--v2 [trials]] [--10ms]   (default 20; --v2 adds
 * VRRPv2 advert_int 1 s, default max(3, trials / 4) trials; --10ms adds VRRPv3 advert_int
 * 0.01 s, the protocol's smallest, with the same number of trials)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Implementation, RefKeepalived } from '../src/testing/keepalived-ref.js';
import type { LogLine } from '../src/testing/lab-process.js';
import { Lab, type LabNode, type LabProcess, pollUntil } from '../src/testing/netns-lab.js';
import {
  lastLoggedState,
  PAIR_VIP,
  type PairVariant,
  pairConfig,
  startRouter,
} from '../src/testing/vrrp-pair.js';

const IMPLS: readonly Implementation[] = ['keepalived-ts', 'keepalived'];
const MASTER_PRIO = 100;
const BACKUP_PRIO = 90;

const args = process.argv.slice(2);
const v2At = args.indexOf('--v2');
const trials = Number(args.find((a, i) => /^\d+$/.test(a) && (v2At < 0 || i < v2At)) ?? 20);
const v2Trials = v2At < 0 ? 0 : Number(args[v2At + 1] ?? Math.max(3, Math.floor(trials / 4)));
const with10ms = args.includes('--10ms');

const V3_FAST: PairVariant = {
  label: 'VRRPv3 IPv4 advert_int 0.1 s',
  version: 3,
  family: 4,
  auth: 'none',
  unicast: false,
  advertIntS: 0.1,
};
const V3_FASTEST: PairVariant = {
  label: 'VRRPv3 IPv4 advert_int 0.01 s',
  version: 3,
  family: 4,
  auth: 'none',
  unicast: false,
  advertIntS: 0.01,
};
const V2_SLOW: PairVariant = {
  label: 'VRRPv2 IPv4 advert_int 1 s',
  version: 2,
  family: 4,
  auth: 'none',
  unicast: false,
  advertIntS: 1,
};

/** RFC 5798 §6.1 Skew_Time of the backup and its Master_Down_Interval, in ms. */
const skewMs = (v: PairVariant): number => ((256 - BACKUP_PRIO) * v.advertIntS * 1000) / 256;
const masterDownMs = (v: PairVariant): number => 3 * v.advertIntS * 1000 + skewMs(v);

/** One pair in its own lab; `a` should be master, `b` backup. */
interface Pair {
  readonly impl: Implementation;
  readonly lab: Lab;
  readonly a: LabNode;
  readonly b: LabNode;
  readonly configA: string;
  readonly configB: string;
  /** tcpdump in b, both directions: a's and b's adverts, ARP. */
  readonly dump: LabProcess;
  ra: RefKeepalived;
  rb: RefKeepalived;
  /** Times both routers had to be restarted because the pair did not settle. */
  restarts: number;
}

interface Samples {
  hardMs: number[];
  hardFromAdvertMs: number[];
  gracefulMs: number[];
  /** On the wire, in b's capture: a's last advert -> b's first advert. */
  hardWireMs: number[];
  /** On the wire: a's last advert -> b's first gratuitous ARP for the VIP. */
  hardWireGarpMs: number[];
  /** On the wire: a's priority-0 advert -> b's first advert. */
  gracefulWireMs: number[];
  gracefulWireGarpMs: number[];
  /** b's first advert on the wire -> its "Entering MASTER STATE" line here (log pipe). */
  logLagMs: number[];
  /** Trials without wire figures (b had taken over before the cut or the stop). */
  unmeasured: number;
}

async function makePair(impl: Implementation, v: PairVariant): Promise<Pair> {
  const lab = await Lab.create({ name: `bench failover ${impl}` });
  try {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
    const vip = PAIR_VIP[4];
    const configA = pairConfig(v, { priority: MASTER_PRIO, self: '192.0.2.1', peer: '192.0.2.2', vip });
    const configB = pairConfig(v, { priority: BACKUP_PRIO, self: '192.0.2.2', peer: '192.0.2.1', vip });
    const dump = b.spawn(
      'tcpdump',
      ['-i', 'eth0', '-n', '-tt', '-l', '--immediate-mode', 'ip proto 112 or arp'],
      { label: 'tcpdump' },
    );
    await dump.waitForLine('listening on', { timeoutMs: 5000 });
    // The backup first (it becomes master alone), then the higher priority, which preempts.
    const rb = await startRouter(b, impl, configB);
    const ra = await startRouter(a, impl, configA);
    const pair: Pair = { impl, lab, a, b, configA, configB, dump, ra, rb, restarts: 0 };
    await settle(pair, v);
    return pair;
  } catch (e: unknown) {
    await lab.destroy();
    throw e;
  }
}

const isSettled = (p: Pair): boolean =>
  p.ra.proc.running &&
  p.rb.proc.running &&
  lastLoggedState(p.ra) === 'MASTER' &&
  lastLoggedState(p.rb) === 'BACKUP';

/**
 * Waits until a is MASTER and b BACKUP (as last logged), then a few adverts more so the cut
 * falls in a steady state. After `patienceMs` without that, both routers are restarted.
 */
async function settle(p: Pair, v: PairVariant): Promise<void> {
  const patienceMs = 2 * masterDownMs(v) + 3000;
  for (let attempt = 0; ; attempt++) {
    try {
      await pollUntil(() => isSettled(p), {
        what: `${p.impl}: a MASTER and b BACKUP`,
        timeoutMs: patienceMs,
        intervalMs: 10,
      });
      break;
    } catch (e: unknown) {
      if (attempt >= 2)
        throw new Error(`${p.impl} pair does not settle:\n${p.lab.describe(30)}`, { cause: e });
      p.restarts++;
      await Promise.all([p.ra.stop(), p.rb.stop()]);
      await p.a.linkSet('up');
      p.rb = await startRouter(p.b, p.impl, p.configB);
      p.ra = await startRouter(p.a, p.impl, p.configA);
    }
  }
  await sleep(3 * v.advertIntS * 1000);
  if (!isSettled(p)) await settle(p, v);
}

// b's capture (tcpdump -tt): "<epoch s> IP 192.0.2.1 > 224.0.0.18: VRRPv3, Advertisement, vrid
// 51, prio 100, ..." and "<epoch s> ARP, Request who-has 192.0.2.250 tell 192.0.2.250, ...".
const ADVERT_OF_A = /^\S+ IP 192\.0\.2\.1 > 224\.0\.0\.18: VRRP/;
const ADVERT_OF_B = /^\S+ IP 192\.0\.2\.2 > 224\.0\.0\.18: VRRP/;
const GARP_OF_VIP = new RegExp(
  `^\\S+ ARP, \\w+ who-has ${PAIR_VIP[4].replaceAll('.', '\\.')}\\b.* tell ${PAIR_VIP[4].replaceAll('.', '\\.')}\\b`,
);
const wireEpochMs = (text: string): number => Number(text.split(' ')[0]) * 1000;

/** The next advert of a that b's tcpdump prints from now on: [arrival ms, capture epoch ms]. */
async function nextAdvert(p: Pair, timeoutMs: number): Promise<{ atMs: number; wireEpochMs: number }> {
  const line = await p.dump.waitForLogLine(ADVERT_OF_A, { since: p.dump.lineCount, timeoutMs });
  return { atMs: line.atMs, wireEpochMs: wireEpochMs(line.text) };
}

/**
 * The takeover as b's capture saw it, from capture line `since` on: the capture time of a's
 * last advert (or of a's priority-0 advert) before b's first advert, b's first advert and b's
 * first gratuitous ARP for the VIP. Timer, send path and kernel are in it; no log pipe.
 */
async function wireTakeover(
  p: Pair,
  since: number,
  graceful: boolean,
): Promise<{ lastOfA: number; firstOfB: number; firstGarp: number } | undefined> {
  const firstB = await p.dump.waitForLogLine(ADVERT_OF_B, { since, timeoutMs: 5000 });
  const garp = await p.dump.waitForLogLine(GARP_OF_VIP, { since, timeoutMs: 5000 });
  const ofA = p.dump.lines.filter((l) => l.seq >= since && l.seq < firstB.seq && ADVERT_OF_A.test(l.text));
  const last = ofA.at(-1);
  // None, or (graceful) not the priority-0 one: b took over on its own before the trial's
  // event (a backup starved of CPU); the trial has no wire figure.
  if (last === undefined || (graceful && !/, prio 0,/.test(last.text))) return undefined;
  return {
    lastOfA: wireEpochMs(last.text),
    firstOfB: wireEpochMs(firstB.text),
    firstGarp: wireEpochMs(garp.text),
  };
}

/** performance.now() on the epoch scale of tcpdump's timestamps. */
const toEpochMs = (atMs: number): number => performance.timeOrigin + atMs;

function recordWire(
  s: Samples,
  masterLine: LogLine,
  wire: Awaited<ReturnType<typeof wireTakeover>>,
  toAdvert: number[],
  toGarp: number[],
): void {
  if (wire === undefined) {
    s.unmeasured++;
    return;
  }
  toAdvert.push(wire.firstOfB - wire.lastOfA);
  toGarp.push(wire.firstGarp - wire.lastOfA);
  s.logLagMs.push(toEpochMs(masterLine.atMs) - wire.firstOfB);
}

async function hardTrial(p: Pair, v: PairVariant, s: Samples): Promise<void> {
  const dumpSince = p.dump.lineCount;
  const advert = await nextAdvert(p, 3 * v.advertIntS * 1000 + 2000);
  const since = p.rb.proc.lineCount;
  const cutAt = performance.now();
  await p.a.linkSet('down');
  const line = await p.rb.proc.waitForLogLine('Entering MASTER STATE', {
    since,
    timeoutMs: masterDownMs(v) + 10_000,
  });
  s.hardMs.push(line.atMs - cutAt);
  s.hardFromAdvertMs.push(toEpochMs(line.atMs) - advert.wireEpochMs);
  recordWire(s, line, await wireTakeover(p, dumpSince, false), s.hardWireMs, s.hardWireGarpMs);
  await p.a.linkSet('up');
  await settle(p, v);
}

async function gracefulTrial(p: Pair, v: PairVariant, s: Samples): Promise<void> {
  const since = p.rb.proc.lineCount;
  const dumpSince = p.dump.lineCount;
  const stopAt = performance.now();
  const entered = p.rb.proc.waitForLogLine('Entering MASTER STATE', { since, timeoutMs: 15_000 });
  entered.catch(() => undefined); // awaited below, after the stop
  await p.ra.stop();
  const line = await entered;
  s.gracefulMs.push(line.atMs - stopAt);
  // a's last advert before b's is its priority-0 one.
  recordWire(s, line, await wireTakeover(p, dumpSince, true), s.gracefulWireMs, s.gracefulWireGarpMs);
  p.ra = await startRouter(p.a, p.impl, p.configA);
  await settle(p, v);
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  // Nearest rank: with n < 100, p99 is the maximum.
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
}

/** The middle value, or the mean of the two middle values. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
}
const ms = (x: number): string => `${x.toFixed(1)}`.padStart(6);

function row(label: string, xs: readonly number[], bound: string): string {
  if (xs.length === 0) return `  ${label.padEnd(34)} no samples`;
  return `  ${label.padEnd(34)} n=${String(xs.length).padStart(2)} min ${ms(Math.min(...xs))}  median ${ms(median(xs))}  p99 ${ms(quantile(xs, 0.99))}  max ${ms(Math.max(...xs))} ms   ${bound}`;
}

async function runVariant(v: PairVariant, n: number): Promise<void> {
  console.log(`\n${v.label}, priorities ${MASTER_PRIO}/${BACKUP_PRIO}, ${n} trials per implementation`);
  const pairs: Pair[] = [];
  const samples = new Map<Implementation, Samples>();
  const began = performance.now();
  try {
    for (const impl of IMPLS) {
      pairs.push(await makePair(impl, v));
      samples.set(impl, {
        hardMs: [],
        hardFromAdvertMs: [],
        gracefulMs: [],
        hardWireMs: [],
        hardWireGarpMs: [],
        gracefulWireMs: [],
        gracefulWireGarpMs: [],
        logLagMs: [],
        unmeasured: 0,
      });
    }
    for (let i = 0; i < n; i++) {
      for (const p of pairs) {
        const s = samples.get(p.impl) as Samples;
        await hardTrial(p, v, s);
        await gracefulTrial(p, v, s);
      }
      process.stderr.write(`\r  trial ${i + 1}/${n}`);
    }
    process.stderr.write('\n');
  } finally {
    await Promise.allSettled(pairs.map((p) => p.lab.destroy()));
  }
  const skew = skewMs(v);
  const down = masterDownMs(v);
  for (const p of pairs) {
    const s = samples.get(p.impl) as Samples;
    console.log(`${p.impl}${p.restarts > 0 ? ` (pair restarted ${p.restarts}× to settle)` : ''}`);
    console.log(
      row(
        'hard (link cut -> MASTER)',
        s.hardMs,
        `bound 3×adv+skew ${down.toFixed(0)} ms (skew ${skew.toFixed(0)})`,
      ),
    );
    console.log(row('hard (advert before cut -> MASTER)', s.hardFromAdvertMs, ''));
    console.log(row('graceful (SIGTERM -> MASTER)', s.gracefulMs, `bound skew ${skew.toFixed(0)} ms`));
    console.log(row('wire hard (advert -> advert)', s.hardWireMs, `bound ${down.toFixed(1)} ms`));
    console.log(row('wire hard (advert -> GARP)', s.hardWireGarpMs, ''));
    console.log(row('wire graceful (prio 0 -> advert)', s.gracefulWireMs, `bound ${skew.toFixed(1)} ms`));
    console.log(row('wire graceful (prio 0 -> GARP)', s.gracefulWireGarpMs, ''));
    console.log(row('log lag (advert -> log line)', s.logLagMs, ''));
    if (s.unmeasured > 0) console.log(`  ${s.unmeasured} trial(s) without wire figures (b took over early)`);
  }
  const ours = samples.get('keepalived-ts') as Samples;
  const ref = samples.get('keepalived') as Samples;
  const ratio = (a: number[], b: number[]): string => (median(a) / median(b)).toFixed(2);
  console.log(
    `ratio of medians keepalived-ts/keepalived: hard ${ratio(ours.hardMs, ref.hardMs)}, hard from last advert ${ratio(ours.hardFromAdvertMs, ref.hardFromAdvertMs)}, graceful ${ratio(ours.gracefulMs, ref.gracefulMs)}, wire hard ${ratio(ours.hardWireMs, ref.hardWireMs)}, wire graceful ${ratio(ours.gracefulWireMs, ref.gracefulWireMs)}`,
  );
  console.log(`(${((performance.now() - began) / 1000).toFixed(0)} s)`);
}

await runVariant(V3_FAST, trials);
if (with10ms) await runVariant(V3_FASTEST, trials);
if (v2Trials > 0) await runVariant(V2_SLOW, v2Trials);
