/**
 * Benchmark: how late the VRRP engine's timers run on this (shared) machine, keepalived-ts
 * against keepalived 2.2.7 side by side over the same minutes. Each runs one VRRPv3 master with
 * advert_int 0.01 s in a node of its own (VRIDs 51 and 52 on one lab segment) with
 * `min_auto_priority_delay` at the threshold: both then log keepalived's "A thread timer
 * expired S seconds ago" for every wake-up that came later than that after its timer (keepalived
 * checks its earliest timer per epoll wake-up; keepalived-ts its timers, once per loop turn). No
 * `max_auto_priority`: nothing moves to real time. Prints, per implementation, how many late
 * wake-ups and their median / p99 / max lateness, with the machine's load average.
 * With `--rt N` both run with `vrrp_rt_priority N` (SCHED_RR: keepalived's VRRP process, our
 * VRRP worker thread).
 * Usage: node dist/bench/timer-lateness.js [seconds] [threshold-ms] [--rt N]   (default 120 s, 5 ms)
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Implementation, RefKeepalived } from '../src/testing/keepalived-ref.js';
import { Lab } from '../src/testing/netns-lab.js';
import { startRouter } from '../src/testing/vrrp-pair.js';

const args = process.argv.slice(2);
const rtAt = args.indexOf('--rt');
const rtPriority = rtAt < 0 ? undefined : Number(args[rtAt + 1]);
const plain = args.filter((_, i) => rtAt < 0 || (i !== rtAt && i !== rtAt + 1));
const seconds = Number(plain[0] ?? 120);
const thresholdMs = Number(plain[1] ?? 5);
const IMPLS: readonly Implementation[] = ['keepalived-ts', 'keepalived'];

function config(vrid: number): string {
  return [
    'global_defs {',
    `  min_auto_priority_delay ${Math.round(thresholdMs * 1000)}`,
    ...(rtPriority === undefined ? [] : [`  vrrp_rt_priority ${rtPriority}`]),
    '  vrrp_version 3',
    '}',
    'vrrp_instance VI_1 {',
    '  state MASTER',
    '  interface eth0',
    `  virtual_router_id ${vrid}`,
    '  priority 100',
    '  advert_int 0.01',
    '  virtual_ipaddress {',
    `    192.0.2.${vrid + 150}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

const lab = await Lab.create({ name: 'bench timer lateness' });
try {
  const routers = new Map<Implementation, RefKeepalived>();
  for (const [i, impl] of IMPLS.entries()) {
    const node = await lab.addNode(`n${i}`, { ipv4: `192.0.2.${i + 1}/24` });
    const r = await startRouter(node, impl, config(51 + i));
    await r.proc.waitForLine('(VI_1) Entering MASTER STATE', { timeoutMs: 15_000 });
    routers.set(impl, r);
  }
  // Both settle (announcements out) before the window opens.
  await sleep(2000);
  const since = new Map([...routers].map(([impl, r]) => [impl, r.proc.lineCount]));
  const load0 = loadavg()[0] ?? 0;
  await sleep(seconds * 1000);
  const load1 = loadavg()[0] ?? 0;
  console.log(
    `${seconds} s, advert_int 0.01 s${rtPriority === undefined ? '' : `, vrrp_rt_priority ${rtPriority}`}, wake-ups more than ${thresholdMs} ms late (1-min load ${load0.toFixed(1)} -> ${load1.toFixed(1)})`,
  );
  for (const [impl, r] of routers) {
    const lateMs = r.proc.lines
      .filter((l) => l.seq >= (since.get(impl) ?? 0))
      .map((l) => /A thread timer expired (\d+\.\d{6}) seconds ago/.exec(l.text)?.[1])
      .filter((s): s is string => s !== undefined)
      .map((s) => Number(s) * 1000)
      .sort((a, b) => a - b);
    const fmt = (x: number): string => (Number.isNaN(x) ? '-' : `${x.toFixed(1)} ms`);
    console.log(
      `  ${impl.padEnd(14)} ${String(lateMs.length).padStart(5)} late   median ${fmt(quantile(lateMs, 0.5))}   p99 ${fmt(quantile(lateMs, 0.99))}   max ${fmt(lateMs.at(-1) ?? Number.NaN)}`,
    );
  }
  await Promise.all([...routers.values()].map((r) => r.stop()));
} finally {
  await lab.destroy();
}
