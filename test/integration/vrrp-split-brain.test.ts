/**
 * Split brain with nftables drop rules between two routers, a client on the same segment.
 * a (priority 100) is master, b (90) backup; the client has a neighbour entry for the VIP.
 * The partition drops every frame between a and b: b becomes MASTER too and its gratuitous ARPs
 * move the client's entry to b. The heal comes right after an advert of b, so a speaks first:
 * the case where keepalived's b steps down silently, a never hears a lower priority, and the
 * client keeps b's MAC until its entry expires. keepalived-ts's b sends one advert as it yields,
 * so a (keepalived-ts, or keepalived 2.2.7) hears it and re-announces: exactly one MASTER within
 * 2 × advert_int, and the client's entry points to a. keepalived-ts's a reports the split brain
 * (log line, counter, --split-brain-notify script with its arguments).
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  type Implementation,
  type RefKeepalived,
  startKeepalived,
} from '../../src/testing/keepalived-ref.js';
import { type LabNode, type LabProcess, pollUntil, withLab } from '../../src/testing/netns-lab.js';
import {
  lastLoggedState,
  PAIR_VIP,
  type PairVariant,
  pairConfig,
  v3Ipv4,
} from '../../src/testing/vrrp-pair.js';

const ADVERT_INT_MS = 1000;
const V: PairVariant = v3Ipv4(ADVERT_INT_MS / 1000);
const VIP = PAIR_VIP[4];
/** Linux ignores a gratuitous ARP for an entry that changed less than this ago (locktime). */
const ARP_LOCKTIME_MS = 1000;

function waitState(r: RefKeepalived, state: string, timeoutMs = 10_000): Promise<unknown> {
  return pollUntil(() => lastLoggedState(r) === state, {
    what: `${r.node.name} ${state}`,
    timeoutMs,
    intervalMs: 20,
  });
}

function start(
  node: LabNode,
  impl: Implementation,
  priority: number,
  self: string,
  peer: string,
  notify: string,
) {
  const extra = impl === 'keepalived-ts' ? [`--split-brain-notify=${notify}`] : [];
  return startKeepalived(node, pairConfig(V, { priority, self, peer, vip: VIP }), {
    impl,
    label: `${impl}-${node.name}`,
    extraArgs: ['-P', ...extra],
  });
}

for (const winnerImpl of ['keepalived-ts', 'keepalived'] as Implementation[]) {
  describe(`split brain healed, ${winnerImpl} winner, keepalived-ts loser`, () => {
    test('both MASTER while cut; healed: one MASTER within 2 × advert_int, the client points to it', (t) =>
      withLab(t, {}, async (lab) => {
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
        const client = await lab.addNode('c', { ipv4: '192.0.2.10/24' });
        const notified = a.path('split-brain.notified');
        const notify = a.path('split-brain.sh');
        writeFileSync(notify, `#!/bin/sh\necho "$@" >> ${notified}\n`);
        chmodSync(notify, 0o755);
        writeFileSync(notified, '');

        const ra = await start(a, winnerImpl, 100, '192.0.2.1', '192.0.2.2', notify);
        await waitState(ra, 'MASTER');
        const rb = await start(b, 'keepalived-ts', 90, '192.0.2.2', '192.0.2.1', notify);
        await waitState(rb, 'BACKUP');
        const macA = await a.mac();
        const macB = await b.mac();
        assert.equal(await client.canReach(VIP), true, 'the client reaches the VIP');
        assert.equal(await client.neighbourMac(VIP), macA);

        await lab.partition(a, b);
        await waitState(rb, 'MASTER');
        assert.equal(lastLoggedState(ra), 'MASTER', 'split brain: both MASTER');
        const bMasterAt = performance.now();
        await pollUntil(async () => (await client.neighbourMac(VIP)) === macB, {
          what: "the client's entry moved to b by b's gratuitous ARPs",
          timeoutMs: 3000,
          intervalMs: 20,
        });

        // Heal right after an advert of b (and a locktime after b's ARPs): a speaks first.
        const wait = bMasterAt + ARP_LOCKTIME_MS + 300 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const adverts: LabProcess = b.spawn(
          'tcpdump',
          ['-l', '-n', '-i', 'eth0', '-Q', 'out', 'ip proto 112'],
          {
            label: 'tcpdump-b',
          },
        );
        const since = adverts.lineCount;
        await adverts.waitForLogLine(/> 224\.0\.0\.18: VRRP/, { since, timeoutMs: 5000 });
        const markB = rb.proc.lineCount;
        await lab.heal();
        const healedAt = performance.now();
        const yielded = await rb.proc.waitForLogLine('Entering BACKUP STATE', {
          since: markB,
          timeoutMs: 5000,
        });
        await adverts.stop({ signal: 'SIGKILL', timeoutMs: 2000 });
        const oneMasterMs = yielded.atMs - healedAt;
        t.diagnostic(`one MASTER ${Math.round(oneMasterMs)} ms after the heal`);
        assert.ok(oneMasterMs <= 2 * ADVERT_INT_MS, `one MASTER after ${Math.round(oneMasterMs)} ms`);
        assert.equal(lastLoggedState(ra), 'MASTER');
        assert.equal(await b.hasAddress(VIP), false, 'b released the VIP');

        await pollUntil(async () => (await client.neighbourMac(VIP)) === macA, {
          what: "the client's entry back on a",
          timeoutMs: 2 * ADVERT_INT_MS,
          intervalMs: 20,
        });
        assert.equal(await client.canReach(VIP), true);

        if (winnerImpl === 'keepalived-ts') {
          await ra.proc.waitForLogLine('(VI_1) Split brain: 192.0.2.2 is also MASTER for VRID 51', {
            timeoutMs: 1000,
          });
          await pollUntil(() => readFileSync(notified, 'utf8').trim() !== '', {
            what: 'the split-brain notify',
            timeoutMs: 2000,
            intervalMs: 20,
          });
          assert.equal(readFileSync(notified, 'utf8'), 'INSTANCE VI_1 SPLIT_BRAIN 100 192.0.2.2 90\n');
          assert.equal(ra.proc.lines.filter((l) => l.text.includes('Split brain')).length, 1, 'logged once');
        }
        assert.equal(
          rb.proc.lines.some((l) => l.text.includes('Split brain')),
          false,
          'the loser reports nothing',
        );
        await rb.stop();
        await ra.stop();
      }));
  });
}
