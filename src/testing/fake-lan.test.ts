import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withDefaults } from '../vrrp/ports.js';
import { FakeClock } from './fake-clock.js';
import { FakeLan, seededRng } from './fake-lan.js';

const mk = (lan: FakeLan, name: string, addr: string, over = {}) =>
  lan.addNode(withDefaults({ name, vrid: 51, srcAddr: addr, vips: ['192.0.2.100'], ...over }));

test('FakeLan delivers after the latency, never to the sender, and not across a partition or a cut', () => {
  const lan = new FakeLan(new FakeClock(), { latencyUs: 250 });
  const a = mk(lan, 'A', '192.0.2.1', { basePriority: 255, initialState: 'MASTER' });
  const b = mk(lan, 'B', '192.0.2.2');
  const c = mk(lan, 'C', '192.0.2.3');
  for (const x of [a, b, c]) x.start();
  lan.clock.advanceTo(1);
  assert.equal(a.state, 'MASTER');
  assert.equal(b.instance.stats().advertRcvd, 0, 'still in flight');
  lan.clock.advanceTo(251);
  assert.equal(b.instance.stats().advertRcvd, 1);
  assert.equal(a.instance.stats().advertRcvd, 0);
  lan.partition([a, b], [c]);
  assert.equal(lan.canReach(a, c), false);
  lan.clock.advanceBy(1_000_000);
  assert.equal(b.instance.stats().advertRcvd, 2);
  assert.equal(c.instance.stats().advertRcvd, 1);
  lan.heal();
  b.cut();
  lan.clock.advanceBy(1_000_000);
  assert.equal(b.instance.stats().advertRcvd, 2);
  assert.equal(c.instance.stats().advertRcvd, 2);
  assert.equal(lan.framesSent, 3);
});

test('FakeLan loss is seeded and counted; unicast goes to the peer only', () => {
  const lan = new FakeLan(undefined, { rng: seededRng(3) });
  const a = mk(lan, 'A', '192.0.2.1', {
    basePriority: 255,
    initialState: 'MASTER',
    unicastPeers: ['192.0.2.2'],
  });
  const b = mk(lan, 'B', '192.0.2.2', { unicastPeers: ['192.0.2.1'] });
  const c = mk(lan, 'C', '192.0.2.3', { unicastPeers: ['192.0.2.1'] });
  for (const x of [a, b, c]) x.start();
  lan.setLoss(0.5);
  lan.clock.advanceBy(20_000_000);
  assert.ok(lan.framesLost > 0 && lan.framesLost < lan.framesSent);
  assert.equal(c.instance.stats().advertRcvd, 0);
  const fromA = b.instance.stats().advertRcvd;
  assert.ok(fromA > 0 && fromA < a.sent.length, `${fromA} of ${a.sent.length}`);
});

test('seededRng replays', () => {
  const x = seededRng(42);
  const y = seededRng(42);
  const xs = [x(), x(), x()];
  assert.deepEqual(xs, [y(), y(), y()]);
  assert.ok(xs.every((v) => v >= 0 && v < 1));
});
