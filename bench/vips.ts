/**
 * Benchmark: 1,000 VIPs in one instance, time from takeover to all installed, keepalived-ts
 * against keepalived 2.2.7. Two routers on the lab bridge run one VRRPv3 IPv6 instance with
 * 1,000 VIPs (2001:db8:1::1..3e8/128; IPv4 has only 762 documentation addresses): b (priority
 * 200) holds them, a (priority 100) waits as backup. The
 * bench first cuts b off at the switch (hard failure: a takes over after the master-down
 * interval, and b, which still thinks itself master, does nothing meanwhile), heals, waits for b
 * to preempt back, then SIGTERMs b (graceful: priority-0 advert, a takes over after its skew
 * time while b removes its own 1,000 VIPs). From the kernel's creation stamp of each of a's
 * VIPs (IFA_CACHEINFO cstamp: 10 ms steps since boot, compared with /proc/uptime):
 *   cut/stop→first   the cut or the SIGTERM until a's first VIP appears
 *   first→all        the first VIP to the 1,000th: the install itself
 *   stop→all         SIGTERM to b until a holds all 1,000
 * All netlink work of every namespace takes the kernel's one RTNL lock, so in the graceful
 * case a's adds wait behind b's deletes if b removes its VIPs at the same time.
 * Both routers run the implementation under test; each round runs both implementations, one
 * after the other, each in a lab of its own; the order alternates.
 * Usage: node dist/bench/vips.js [rounds] [--vips N] [--impl keepalived-ts|keepalived]
 *   (default 5 rounds, N = 1000, both implementations)
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Implementation, type RefKeepalived, startKeepalived } from '../src/testing/keepalived-ref.js';
import { Lab, type LabNode, pollUntil } from '../src/testing/netns-lab.js';

const argv = process.argv.slice(2);
const nAt = argv.indexOf('--vips');
const VIPS = nAt < 0 ? 1000 : Number(argv[nAt + 1]);
const rounds = Number(argv.find((a, i) => /^\d+$/.test(a) && (nAt < 0 || i !== nAt + 1)) ?? 5);
const implAt = argv.indexOf('--impl');
const IMPLS: readonly Implementation[] =
  implAt < 0 ? ['keepalived-ts', 'keepalived'] : [argv[implAt + 1] as Implementation];

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

/** Time since boot (ms, 10 ms steps), the clock of the kernel's address stamps. */
function uptimeMs(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
}

const mod = (path: string): string => new URL(path, import.meta.url).href;
/** Run inside node a: the creation stamps of its 2001:db8:1:: addresses, first and last. */
const CSTAMPS = `
import { NetlinkRoute } from '${mod('../src/net/netlink-route.js')}';
import { encodeGetAddrDump, IFA } from '${mod('../src/net/rtnetlink-addr.js')}';
import { parseAttrs, readU32 } from '${mod('../src/net/rtnetlink.js')}';
import { formatIp } from '${mod('../src/base/ip.js')}';
const r = new NetlinkRoute();
const d = await r.dump((seq) => encodeGetAddrDump(seq, 6));
r.close();
const s = [];
for (const m of d.messages) {
  const { attrs } = parseAttrs(m.payload, 8);
  const a = attrs.get(IFA.address);
  const ci = attrs.get(IFA.cacheinfo);
  if (a && ci && a.length === 16 && formatIp(a).startsWith('2001:db8:1::')) s.push(readU32(ci, 8));
}
console.log(JSON.stringify({ first: Math.min(...s), last: Math.max(...s) }));
`;

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
    await sleep(1500);
    /**
     * Waits for all VIPs on a, then reads the kernel's own creation stamps of a's VIPs
     * (IFA_CACHEINFO cstamp, hundredths of a second since boot): first and last, in ms since
     * boot. `ip -ts monitor` stamps when `ip` reads, which CPU contention shifts by tens of ms.
     */
    const installed = async (): Promise<{ first: number; last: number }> => {
      await pollUntil(async () => (await vipCount(a)) === VIPS, {
        what: `a's ${VIPS} VIPs`,
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      const out = await a.run(process.execPath, ['--input-type=module', '-e', CSTAMPS], {
        timeoutMs: 30_000,
      });
      const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { first: number; last: number };
      return { first: r.first * 10, last: r.last * 10 };
    };
    // 1. Hard failure: b cut off at the switch keeps its VIPs and does nothing, so the kernel
    //    (one RTNL lock for all namespaces) does a's install alone.
    const cutAt = uptimeMs();
    await lab.isolate(b);
    const cut = await installed();
    await lab.heal();
    await pollUntil(async () => (await vipCount(a)) === 0, {
      what: 'a to give the VIPs back',
      timeoutMs: 20_000,
    });
    await sleep(1500);
    // 2. Graceful: b's SIGTERM sends priority 0, then b removes its own 1,000 meanwhile.
    const stopAt = uptimeMs();
    holder.proc.kill('SIGTERM');
    const stop = await installed();
    await holder.stop();
    await backup.stop();
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
