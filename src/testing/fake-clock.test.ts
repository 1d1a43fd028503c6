import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from './fake-clock.js';

test('FakeClock runs callbacks in time order, FIFO at equal times, and only when advanced', () => {
  const c = new FakeClock(10);
  const seen: string[] = [];
  c.schedule(30, () => seen.push(`b@${c.nowUs()}`));
  c.schedule(20, () => seen.push(`a@${c.nowUs()}`));
  c.schedule(30, () => seen.push(`c@${c.nowUs()}`));
  const gone = c.schedule(25, () => seen.push('cancelled'));
  c.cancel(gone);
  assert.equal(c.nextUs(), 20);
  c.advanceTo(29);
  assert.deepEqual(seen, ['a@20']);
  assert.equal(c.nowUs(), 29);
  c.advanceBy(1);
  assert.deepEqual(seen, ['a@20', 'b@30', 'c@30']);
  assert.equal(c.pending, 0);
});

test('FakeClock: callbacks may schedule more; the past means now; runUntil stops on the predicate or the limit', () => {
  const c = new FakeClock();
  let ticks = 0;
  const tick = (): void => {
    ticks++;
    c.schedule(c.nowUs() + 100, tick);
  };
  c.schedule(-5, tick);
  assert.equal(
    c.runUntil(() => ticks === 3, 1000),
    true,
  );
  assert.equal(c.nowUs(), 200);
  assert.equal(
    c.runUntil(() => false, 1000),
    false,
  );
  assert.equal(c.nowUs(), 1000);
  assert.equal(ticks, 11);
});

test('FakeClock stops a livelock instead of spinning forever', () => {
  const c = new FakeClock();
  const again = (): void => {
    c.schedule(c.nowUs(), again);
  };
  c.schedule(0, again);
  assert.throws(() => c.advanceBy(1), /livelock/);
});
