/**
 * The interop matrix (issue 4): keepalived-ts against the real keepalived 2.2.7 on one lab
 * segment, each side as master (priority 100) and as backup (priority 90), for v2/IPv4,
 * v3/IPv4 and v3/IPv6, auth none / PASS / AH, multicast and unicast. For each cell:
 * the election; a graceful stop of the master (backup takes over within skew + 300 ms);
 * the master's return (it preempts); a hard failure, the master's link cut (backup takes
 * over within 3 × advert_int + skew + 300 ms). Times are taken from when each daemon's log
 * line arrived. After each change the VIP is on the master only, a client on the segment
 * reaches it, and the client's neighbour entry for it is the master's MAC.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Implementation, RefKeepalived } from '../../src/testing/keepalived-ref.js';
import { type Lab, type LabNode, pollUntil, withLab } from '../../src/testing/netns-lab.js';
import {
  lastLoggedState,
  PAIR_VIP,
  type PairVariant,
  pairConfig,
  startRouter,
  waitSettled,
} from '../../src/testing/vrrp-pair.js';

const VARIANTS: readonly PairVariant[] = [
  { label: 'v2/IPv4 no auth multicast', version: 2, family: 4, auth: 'none', unicast: false, advertIntS: 1 },
  { label: 'v2/IPv4 PASS multicast', version: 2, family: 4, auth: 'PASS', unicast: false, advertIntS: 1 },
  { label: 'v2/IPv4 AH multicast', version: 2, family: 4, auth: 'AH', unicast: false, advertIntS: 1 },
  { label: 'v2/IPv4 PASS unicast', version: 2, family: 4, auth: 'PASS', unicast: true, advertIntS: 1 },
  { label: 'v2/IPv4 AH unicast', version: 2, family: 4, auth: 'AH', unicast: true, advertIntS: 1 },
  { label: 'v3/IPv4 multicast', version: 3, family: 4, auth: 'none', unicast: false, advertIntS: 0.2 },
  { label: 'v3/IPv6 multicast', version: 3, family: 6, auth: 'none', unicast: false, advertIntS: 0.2 },
  { label: 'v3/IPv6 unicast', version: 3, family: 6, auth: 'none', unicast: true, advertIntS: 0.2 },
];

const MASTER_PRIO = 100;
const BACKUP_PRIO = 90;
const SLACK_MS = 300;

/** RFC 5798 §6.1 Skew_Time for the backup, in ms. */
const skewMs = (v: PairVariant): number => ((256 - BACKUP_PRIO) * v.advertIntS * 1000) / 256;
const masterDownMs = (v: PairVariant): number => 3 * v.advertIntS * 1000 + skewMs(v);

const addrOf = (node: LabNode, family: 4 | 6): string =>
  ((family === 4 ? node.ipv4 : node.ipv6) ?? '').split('/')[0] ?? '';

interface Pair {
  readonly lab: Lab;
  readonly a: LabNode;
  readonly b: LabNode;
  /** A client on the segment, reaching the VIP. */
  readonly c: LabNode;
  readonly vip: string;
  configA: string;
  configB: string;
}

async function makePair(lab: Lab, v: PairVariant): Promise<Pair> {
  const a = await lab.addNode('a', { ipv4: '192.0.2.1/24', ipv6: '2001:db8::1/64' });
  const b = await lab.addNode('b', { ipv4: '192.0.2.2/24', ipv6: '2001:db8::2/64' });
  const c = await lab.addNode('c', { ipv4: '192.0.2.3/24', ipv6: '2001:db8::3/64' });
  const vip = PAIR_VIP[v.family];
  return {
    lab,
    a,
    b,
    c,
    vip,
    configA: pairConfig(v, {
      priority: MASTER_PRIO,
      self: addrOf(a, v.family),
      peer: addrOf(b, v.family),
      vip,
    }),
    configB: pairConfig(v, {
      priority: BACKUP_PRIO,
      self: addrOf(b, v.family),
      peer: addrOf(a, v.family),
      vip,
    }),
  };
}

/** Resolves with the arrival time of `router`'s next "Entering STATE" line at or after `since`. */
async function entered(
  router: RefKeepalived,
  state: string,
  since: number,
  timeoutMs: number,
): Promise<number> {
  const line = await router.proc.waitForLogLine(`Entering ${state} STATE`, { since, timeoutMs });
  return line.atMs;
}

const macOf = async (node: LabNode): Promise<string> =>
  (await node.run('cat', [`/sys/class/net/${node.ifname}/address`])).trim();

/** The link-layer address `node` has for `ip` in its neighbour table, if any. */
async function neighbourMac(node: LabNode, ip: string): Promise<string | undefined> {
  const out = await node.run('ip', ['neigh', 'show', ip, 'dev', node.ifname]);
  return /lladdr ([0-9a-f:]+)/.exec(out)?.[1];
}

/**
 * The VIP is on `holder` only, the client reaches it, and the client's neighbour entry for it
 * is the holder's MAC (the gratuitous ARP / unsolicited NA did their job).
 */
async function vipServedBy(p: Pair, holder: LabNode, other: LabNode): Promise<void> {
  await pollUntil(async () => (await holder.hasAddress(p.vip)) && !(await other.hasAddress(p.vip)), {
    what: `the VIP on ${holder.name} only`,
    timeoutMs: 3000,
    intervalMs: 20,
  });
  assert.ok(await p.c.canReach(p.vip), 'the client reaches the VIP');
  const mac = await macOf(holder);
  await pollUntil(async () => (await neighbourMac(p.c, p.vip)) === mac, {
    what: `the client's neighbour entry for the VIP to be ${holder.name}'s MAC ${mac}`,
    timeoutMs: 3000,
    intervalMs: 20,
  });
}

function cell(v: PairVariant, masterImpl: Implementation, backupImpl: Implementation): void {
  test(`${v.label}: ${masterImpl} master, ${backupImpl} backup`, (t) =>
    withLab(t, {}, async (lab) => {
      const p = await makePair(lab, v);
      const downMs = masterDownMs(v);
      const startWait = 2 * downMs + 3000;

      // Election: the backup starts first and becomes master alone; the higher priority preempts it.
      const backup = await startRouter(p.b, backupImpl, p.configB);
      let master = await startRouter(p.a, masterImpl, p.configA);
      await waitSettled(master, backup, startWait);
      await vipServedBy(p, p.a, p.b);

      // Graceful stop: priority 0 advert; the backup takes over after its skew time.
      let since = backup.proc.lineCount;
      const stopAt = performance.now();
      await master.stop();
      const gracefulMs = (await entered(backup, 'MASTER', since, 5000)) - stopAt;
      t.diagnostic(
        `graceful takeover ${gracefulMs.toFixed(0)} ms (bound ${(skewMs(v) + SLACK_MS).toFixed(0)})`,
      );
      assert.ok(gracefulMs <= skewMs(v) + SLACK_MS, `graceful takeover took ${gracefulMs.toFixed(0)} ms`);
      await vipServedBy(p, p.b, p.a);

      // The higher priority returns and preempts.
      master = await startRouter(p.a, masterImpl, p.configA, `${masterImpl}2`);
      await waitSettled(master, backup, startWait);

      // Hard failure: the master's link goes down right after one of its adverts.
      since = backup.proc.lineCount;
      await p.a.linkSet('down');
      const cutAt = performance.now();
      const hardMs = (await entered(backup, 'MASTER', since, downMs + 5000)) - cutAt;
      t.diagnostic(`hard failover ${hardMs.toFixed(0)} ms (bound ${(downMs + SLACK_MS).toFixed(0)})`);
      assert.ok(hardMs <= downMs + SLACK_MS, `hard failover took ${hardMs.toFixed(0)} ms`);
      assert.equal(lastLoggedState(backup), 'MASTER');
      // The cut master keeps its VIP on the dead link; the client must reach the new master.
      await pollUntil(() => p.b.hasAddress(p.vip), { what: 'the VIP on b', timeoutMs: 3000, intervalMs: 20 });
      assert.ok(await p.c.canReach(p.vip), 'the client reaches the VIP after the hard failover');
      const bMac = await macOf(p.b);
      await pollUntil(async () => (await neighbourMac(p.c, p.vip)) === bMac, {
        what: "the client's neighbour entry for the VIP to be b's MAC",
        timeoutMs: 3000,
        intervalMs: 20,
      });
      // The cut master noticed its link go and is in FAULT, as keepalived would be.
      await master.proc.waitForLine('Entering FAULT STATE', { timeoutMs: 3000 });

      // The link returns: the master leaves FAULT and preempts again.
      await p.a.linkSet('up');
      await waitSettled(master, backup, startWait);
      await vipServedBy(p, p.a, p.b);
      await master.stop();
      await backup.stop();
      if (process.env.KT_DEBUG) t.diagnostic(`${master.proc.tail(60)}\n---\n${backup.proc.tail(60)}`);
    }));
}

describe('VRRP interop with keepalived 2.2.7', { concurrency: 4 }, () => {
  for (const v of VARIANTS) {
    cell(v, 'keepalived-ts', 'keepalived');
    cell(v, 'keepalived', 'keepalived-ts');
  }
});
