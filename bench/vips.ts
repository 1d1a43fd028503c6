/**
 * Benchmark: 1,000 VIPs in one instance, time from takeover to all installed, keepalived-ts
 * against keepalived 2.2.7. Two routers on the lab bridge run one VRRPv3 IPv6 instance with
 * 1,000 VIPs (2001:db8:1::1..3e8/128; IPv4 has only 762 documentation addresses): b (priority
 * 200) holds them, a (priority 100) waits as backup. `ip -ts monitor address` runs in a. The
 * bench first cuts b off at the switch (hard failure: a takes over after the master-down
 * interval, and b, which still thinks itself master, does nothing meanwhile), heals, waits for b
 * to preempt back, then SIGTERMs b (graceful: priority-0 advert, a takes over after its skew
 * time while b removes its own 1,000 VIPs). From a's monitor (microsecond wall-clock stamps,
 * the bench's Date.now() clock):
 *   cut/stop→first   the cut or the SIGTERM until a's first VIP appears
 *   first→all        the first VIP to the 1,000th: the install itself
 *   stop→all         SIGTERM to b until a holds all 1,000
 * All netlink work of every namespace takes the kernel's one RTNL lock, so in the graceful
 * case a's adds wait behind b's deletes if b removes its VIPs at the same time.
 * Both routers run the implementation under test; each round runs both implementations, one
 * after the other, each in a lab of its own; the order alternates.
 * Usage: node dist/bench/vips.js [rounds] [--vips N]   (default 5 rounds, N = 1000)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Implementation, type RefKeepalived, startKeepalived } from '../src/testing/keepalived-ref.js';
import { Lab, type LabNode, pollUntil } from '../src/testing/netns-lab.js';

const argv = process.argv.slice(2);
const nAt = argv.indexOf('--vips');
const VIPS = nAt < 0 ? 1000 : Number(argv[nAt + 1]);
const rounds = Number(argv.find((a, i) => /^\d+$/.test(a) && (nAt < 0 || i !== nAt + 1)) ?? 5);
const IMPLS: readonly Implementation[] = ['keepalived-ts', 'keepalived'];

const vip = (i: number): string => `2001:db8:1::${(i + 1).toString(16)}`;

function config(priority: number): string {
  const vips = Array.from({ length: VIPS }, (_, i) => `    ${vip(i)}/128`);
  return [
    'global_defs {',
    `  router_id r${priority}`,
    '  vrrp_garp_master_delay 0',
    '}',
    'vrrp_instance VI_1 {',
    '  state BACKUP',
    '  interface eth0',
    '  virtual_router_id 51',
    '  version 3',
    `  priority ${priority}`,
    '  advert_int 1',
    '  garp_master_repeat 1',
    '  virtual_ipaddress {',
    ...vips,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** `[2026-12-04T15:41:22.180689] 3: eth0    inet6 2001:db8:1::5/128 ...` -> epoch ms, address. */
function parseMonitor(line: string): { atMs: number; address: string; deleted: boolean } | undefined {
  const m = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\] (Deleted )?\d+: \S+\s+inet6 ([0-9a-f:]+)\//.exec(
    line,
  );
  if (!m) return undefined;
  const atMs = Date.parse(`${m[1]}Z`) + Number(m[2]) / 1000;
  return { atMs, address: m[4] as string, deleted: m[3] !== undefined };
}

interface Trial {
  readonly cutToFirstMs: number;
  readonly cutFirstToAllMs: number;
  readonly stopToFirstMs: number;
  readonly firstToAllMs: number;
  readonly stopToAllMs: number;
}

async function vipCount(node: LabNode): Promise<number> {
  const out = await node.run('ip', ['-6', '-o', 'addr', 'show', 'dev', 'eth0']);
  return out.split('\n').filter((l) => l.includes('2001:db8:1::')).length;
}

async function trial(impl: Implementation): Promise<Trial> {
  const lab = await Lab.create({ name: `bench vips ${impl}` });
  const routers: RefKeepalived[] = [];
  try {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24', ipv6: '2001:db8::1/64' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24', ipv6: '2001:db8::2/64' });
    const holder = await startKeepalived(b, config(200), { impl, label: `${impl}-b`, extraArgs: ['-P'] });
    routers.push(holder);
    await holder.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 20_000 });
    await pollUntil(async () => (await vipCount(b)) === VIPS, {
      what: 'b holds the VIPs',
      timeoutMs: 20_000,
    });
    const backup = await startKeepalived(a, config(100), { impl, label: `${impl}-a`, extraArgs: ['-P'] });
    routers.push(backup);
    await backup.proc.waitForLine('Entering BACKUP STATE', { timeoutMs: 20_000 });
    const monitor = a.spawn('ip', ['-ts', 'monitor', 'address'], { label: 'monitor' });
    await sleep(1500);
    /** Waits for all VIPs on a after `fromMs`; first and last install times. */
    const installed = async (fromMs: number): Promise<{ first: number; last: number }> => {
      const added = new Map<string, number>();
      await pollUntil(
        () => {
          for (const l of monitor.lines) {
            const e = parseMonitor(l.text);
            if (e && !e.deleted && e.atMs >= fromMs && !added.has(e.address)) added.set(e.address, e.atMs);
          }
          return added.size >= VIPS;
        },
        { what: `a's ${VIPS} VIPs in the monitor`, timeoutMs: 30_000, intervalMs: 50 },
      );
      const times = [...added.values()];
      return { first: Math.min(...times), last: Math.max(...times) };
    };
    // 1. Hard failure: b cut off at the switch keeps its VIPs and does nothing, so the kernel
    //    (one RTNL lock for all namespaces) does a's install alone.
    const cutAt = Date.now();
    await lab.isolate(b);
    const cut = await installed(cutAt);
    await lab.heal();
    await pollUntil(async () => (await vipCount(a)) === 0, {
      what: 'a to give the VIPs back',
      timeoutMs: 20_000,
    });
    await sleep(1500);
    // 2. Graceful: b's SIGTERM sends priority 0, then b removes its own 1,000 meanwhile.
    const stopAt = Date.now();
    holder.proc.kill('SIGTERM');
    const stop = await installed(stopAt);
    await holder.stop();
    await backup.stop();
    monitor.kill('SIGTERM');
    return {
      cutToFirstMs: cut.first - cutAt,
      cutFirstToAllMs: cut.last - cut.first,
      stopToFirstMs: stop.first - stopAt,
      firstToAllMs: stop.last - stop.first,
      stopToAllMs: stop.last - stopAt,
    };
  } finally {
    await Promise.allSettled(routers.map((r) => r.stop()));
    await lab.destroy();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const fmt = (xs: readonly number[]): string =>
  `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;

async function main(): Promise<void> {
  const results = new Map<Implementation, Trial[]>(IMPLS.map((i) => [i, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? IMPLS : [...IMPLS].reverse();
    for (const impl of order) {
      const t = await trial(impl);
      results.get(impl)?.push(t);
      console.log(
        `round ${r + 1} ${impl}: cut→first ${t.cutToFirstMs.toFixed(1)} ms, first→all ${t.cutFirstToAllMs.toFixed(1)} ms; graceful: stop→first ${t.stopToFirstMs.toFixed(1)} ms, first→all ${t.firstToAllMs.toFixed(1)} ms, stop→all ${t.stopToAllMs.toFixed(1)} ms`,
      );
    }
  }
  console.log(`\n${VIPS} IPv6 VIPs in one instance, ${rounds} takeovers of each kind:`);
  for (const impl of IMPLS) {
    const ts = results.get(impl) ?? [];
    console.log(`${impl}:`);
    console.log(`  hard failure (master cut off): cut→first VIP ${fmt(ts.map((t) => t.cutToFirstMs))}`);
    console.log(`  hard failure: first→all VIPs   ${fmt(ts.map((t) => t.cutFirstToAllMs))}`);
    console.log('  graceful stop of the master:');
    console.log(`  stop→first VIP  ${fmt(ts.map((t) => t.stopToFirstMs))}`);
    console.log(`  first→all VIPs  ${fmt(ts.map((t) => t.firstToAllMs))}`);
    console.log(`  stop→all VIPs   ${fmt(ts.map((t) => t.stopToAllMs))}`);
  }
  const ratio = (f: (t: Trial) => number): string => {
    const ours = median((results.get('keepalived-ts') ?? []).map(f));
    const theirs = median((results.get('keepalived') ?? []).map(f));
    return (ours / theirs).toFixed(2);
  };
  console.log(
    `install time ratio (ours / keepalived, medians): hard failure ${ratio((t) => t.cutFirstToAllMs)}, graceful ${ratio((t) => t.firstToAllMs)}`,
  );
}

await main();
