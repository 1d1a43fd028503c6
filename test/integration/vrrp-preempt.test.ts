/**
 * Preemption against keepalived 2.2.7, each implementation as the returning higher priority:
 * with `nopreempt` it stays backup and the VIP stays where it is; with `preempt_delay` it takes
 * over, but not before the delay has passed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Implementation } from '../../src/testing/keepalived-ref.js';
import { pollUntil, withLab } from '../../src/testing/netns-lab.js';
import {
  lastLoggedState,
  PAIR_VIP,
  type PairVariant,
  pairConfig,
  startRouter,
  v3Ipv4,
} from '../../src/testing/vrrp-pair.js';

const V: PairVariant = v3Ipv4(0.2);
const VIP = PAIR_VIP[4];
/** 3 × 0.2 s + skew of priority 100. */
const MASTER_DOWN_MS = 600 + ((256 - 100) * 200) / 256;
const PREEMPT_DELAY_S = 2;

const IMPLS: readonly [Implementation, Implementation][] = [
  ['keepalived-ts', 'keepalived'],
  ['keepalived', 'keepalived-ts'],
];

for (const [returning, holder] of IMPLS) {
  describe(`${returning} returning (priority 100) to ${holder} (priority 90, master)`, () => {
    test('nopreempt: the VIP stays with the lower priority master', (t) =>
      withLab(t, {}, async (lab) => {
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
        const low = await startRouter(
          b,
          holder,
          pairConfig(V, { priority: 90, self: '192.0.2.2', peer: '192.0.2.1', vip: VIP }),
        );
        await low.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
        const high = await startRouter(
          a,
          returning,
          pairConfig(V, { priority: 100, self: '192.0.2.1', peer: '192.0.2.2', vip: VIP, nopreempt: true }),
        );
        await high.proc.waitForLine('Entering BACKUP STATE', { timeoutMs: 5000 });
        // Ten master-down intervals: a preempting router would have taken over many times.
        await new Promise((r) => setTimeout(r, 10 * MASTER_DOWN_MS));
        assert.equal(lastLoggedState(high), 'BACKUP');
        assert.equal(lastLoggedState(low), 'MASTER');
        assert.ok(await b.hasAddress(VIP), 'the VIP stays on the lower priority master');
        assert.ok(!(await a.hasAddress(VIP)), 'the nopreempt router does not hold the VIP');
        await high.stop();
        await low.stop();
      }));

    test(`preempt_delay ${PREEMPT_DELAY_S}: takes over, but only after the delay`, (t) =>
      withLab(t, {}, async (lab) => {
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
        const low = await startRouter(
          b,
          holder,
          pairConfig(V, { priority: 90, self: '192.0.2.2', peer: '192.0.2.1', vip: VIP }),
        );
        await low.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
        const high = await startRouter(
          a,
          returning,
          pairConfig(V, {
            priority: 100,
            self: '192.0.2.1',
            peer: '192.0.2.2',
            vip: VIP,
            preemptDelayS: PREEMPT_DELAY_S,
          }),
        );
        const startedAt = (await high.proc.waitForLogLine('Entering BACKUP STATE', { timeoutMs: 5000 })).atMs;
        const tookMs =
          (await high.proc.waitForLogLine('Entering MASTER STATE', { timeoutMs: 10_000 })).atMs - startedAt;
        t.diagnostic(`took over ${tookMs.toFixed(0)} ms after entering BACKUP`);
        assert.ok(tookMs >= PREEMPT_DELAY_S * 1000 - 50, `took over after ${tookMs.toFixed(0)} ms`);
        assert.ok(
          tookMs <= PREEMPT_DELAY_S * 1000 + MASTER_DOWN_MS + 300,
          `took over after ${tookMs.toFixed(0)} ms`,
        );
        await pollUntil(() => lastLoggedState(low) === 'BACKUP', {
          what: 'the holder to yield',
          timeoutMs: 3000,
          intervalMs: 20,
        });
        await pollUntil(async () => (await a.hasAddress(VIP)) && !(await b.hasAddress(VIP)), {
          what: 'the VIP on the returning router only',
          timeoutMs: 3000,
          intervalMs: 20,
        });
        await high.stop();
        await low.stop();
      }));
  });
}
