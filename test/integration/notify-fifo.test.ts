/**
 * vrrp_notify_fifo against keepalived 2.2.7: the same sequence of events (start alone and
 * become master, a higher priority appears, it leaves, stop) gives the same FIFO lines from
 * keepalived-ts as from keepalived, read by a reader on the FIFO.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { Implementation } from '../../src/testing/keepalived-ref.js';
import { type LabNode, pollUntil, withLab } from '../../src/testing/netns-lab.js';
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

async function fifoLines(a: LabNode, b: LabNode, impl: Implementation): Promise<string[]> {
  const fifo = a.path(`${impl}.fifo`);
  spawnSync('mkfifo', ['-m', '644', fifo]);
  const reader = a.spawn('cat', [fifo], { label: `reader-${impl}` });
  const config = `global_defs {\n  vrrp_notify_fifo ${fifo}\n}\n${pairConfig(V, { priority: 90, self: '192.0.2.1', peer: '192.0.2.2', vip: VIP })}`;
  const low = await startRouter(a, impl, config, `${impl}-low`);
  await low.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
  const high = await startRouter(
    b,
    'keepalived',
    pairConfig(V, { priority: 100, self: '192.0.2.2', peer: '192.0.2.1', vip: VIP }),
    `high-${impl}`,
  );
  await pollUntil(() => lastLoggedState(low) === 'BACKUP', {
    what: 'the low priority to yield',
    timeoutMs: 5000,
    intervalMs: 20,
  });
  await high.stop();
  await pollUntil(() => lastLoggedState(low) === 'MASTER', {
    what: 'the low priority to take over',
    timeoutMs: 5000,
    intervalMs: 20,
  });
  await low.stop();
  await pollUntil(() => reader.stdoutLines.some((l) => l.includes('STOP')), {
    what: 'the STOP line',
    timeoutMs: 3000,
    intervalMs: 20,
  });
  await reader.stop();
  return [...reader.stdoutLines];
}

test("the FIFO lines equal keepalived's for the same events", (t) =>
  withLab(t, {}, async (lab) => {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
    const reference = await fifoLines(a, b, 'keepalived');
    const ours = await fifoLines(a, b, 'keepalived-ts');
    t.diagnostic(`keepalived: ${JSON.stringify(reference)}`);
    assert.ok(reference.length >= 5, `keepalived wrote ${reference.length} lines`);
    assert.deepEqual(ours, reference);
  }));
