/**
 * Benchmark: a healed split brain, and where the client's ARP entry ends up. a (keepalived-ts,
 * priority 100) and b (90, keepalived-ts or keepalived 2.2.7) on a lab segment with a client
 * that has a neighbour entry for the VIP; VRRPv3, advert_int 1 s, no delayed GARP burst.
 * Per trial: an nft partition between a and b, b becomes MASTER (its GARPs move the client to
 * b), then the heal comes at a random point of b's advert interval (a locktime after b's GARPs).
 * Measured from the heal: the time to one MASTER (b's "Entering BACKUP STATE" line), and the
 * time until the client's entry is a's MAC, given up after 5 s ("stale"). Prints n, median and
 * max per loser implementation, and how many trials left the client stale.
 * Usage: node dist/bench/split-brain.js [trials]   (default 8 per loser)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Implementation, RefKeepalived } from '../src/testing/keepalived-ref.js';
import { startKeepalived } from '../src/testing/keepalived-ref.js';
import { Lab, pollUntil } from '../src/testing/netns-lab.js';
import { lastLoggedState, PAIR_VIP, type PairVariant, pairConfig } from '../src/testing/vrrp-pair.js';

const trials = Number(process.argv[2] ?? 8);
const V: PairVariant = {
  label: 'VRRPv3 IPv4 advert_int 1 s',
  version: 3,
  family: 4,
  auth: 'none',
  unicast: false,
  advertIntS: 1,
};
const VIP = PAIR_VIP[4];
const STALE_AFTER_MS = 5000;

function waitState(r: RefKeepalived, state: string): Promise<unknown> {
  return pollUntil(() => lastLoggedState(r) === state, {
    what: `${r.node.name} ${state}`,
    timeoutMs: 15_000,
    intervalMs: 10,
  });
}

interface Trial {
  readonly oneMasterMs: number;
  /** undefined: still on b after STALE_AFTER_MS. */
  readonly clientMs: number | undefined;
}

async function run(loser: Implementation): Promise<Trial[]> {
  const lab = await Lab.create({ name: `bench split brain ${loser}` });
  try {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
    const client = await lab.addNode('c', { ipv4: '192.0.2.10/24' });
    const conf = (priority: number, self: string, peer: string) =>
      pairConfig(V, { priority, self, peer, vip: VIP });
    const ra = await startKeepalived(a, conf(100, '192.0.2.1', '192.0.2.2'), {
      impl: 'keepalived-ts',
      label: 'a',
      extraArgs: ['-P'],
    });
    await waitState(ra, 'MASTER');
    const rb = await startKeepalived(b, conf(90, '192.0.2.2', '192.0.2.1'), {
      impl: loser,
      label: 'b',
      extraArgs: ['-P'],
    });
    await waitState(rb, 'BACKUP');
    const [macA, macB] = [await a.mac(), await b.mac()];
    await client.canReach(VIP);
    const out: Trial[] = [];
    for (let i = 0; i < trials; i++) {
      await lab.partition(a, b);
      await waitState(rb, 'MASTER');
      await pollUntil(async () => (await client.neighbourMac(VIP)) === macB, {
        what: 'client on b',
        timeoutMs: 5000,
        intervalMs: 20,
      });
      // A locktime after b's GARPs, then a random point of an advert interval.
      await sleep(1300 + Math.random() * V.advertIntS * 1000);
      const mark = rb.proc.lineCount;
      await lab.heal();
      const healedAt = performance.now();
      const yielded = await rb.proc.waitForLogLine('Entering BACKUP STATE', {
        since: mark,
        timeoutMs: 10_000,
      });
      let clientMs: number | undefined;
      while (performance.now() - healedAt < STALE_AFTER_MS) {
        if ((await client.neighbourMac(VIP)) === macA) {
          clientMs = performance.now() - healedAt;
          break;
        }
        await sleep(20);
      }
      out.push({ oneMasterMs: yielded.atMs - healedAt, clientMs });
      // The client finds a by itself once its entry times out; make it do so now.
      await client.run('ip', ['neigh', 'flush', 'to', VIP, 'dev', 'eth0']);
      await client.canReach(VIP);
      await sleep(1500);
    }
    await rb.stop();
    await ra.stop();
    return out;
  } finally {
    await lab.destroy();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] ?? Number.NaN);
};

for (const loser of ['keepalived-ts', 'keepalived'] as Implementation[]) {
  const r = await run(loser);
  const one = r.map((t) => t.oneMasterMs);
  const fixed = r.flatMap((t) => (t.clientMs === undefined ? [] : [t.clientMs]));
  console.log(
    `loser ${loser}: n=${r.length}; one MASTER after heal median ${median(one).toFixed(0)} ms, max ${Math.max(...one).toFixed(0)} ms; ` +
      `client back on the winner in ${fixed.length}/${r.length} trials (median ${median(fixed).toFixed(0)} ms, ` +
      `max ${fixed.length === 0 ? 'n/a' : Math.max(...fixed).toFixed(0)} ms), stale after ${STALE_AFTER_MS} ms in ${r.length - fixed.length}`,
  );
}
