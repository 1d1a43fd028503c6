import assert from 'node:assert/strict';
import { test } from 'node:test';
import { masterDownUs, minSkewUs, skewUs } from './timers.js';

test('v3 skew and master-down at advert_int 1 s, priority 90 match the measured 3648 ms bound', () => {
  const p = { version: 3 as const, effectivePriority: 90, masterAdverIntUs: 1_000_000 };
  assert.equal(skewUs(p), 648_437);
  assert.equal(masterDownUs(p), 3_648_437);
});

test('v3 at advert_int 0.1 s, priority 90: bound 365 ms (keepalived-facts)', () => {
  assert.equal(masterDownUs({ version: 3, effectivePriority: 90, masterAdverIntUs: 100_000 }), 364_843);
});

test('v2 skew ignores the interval: (256 - priority) / 256 s', () => {
  const p = { version: 2 as const, effectivePriority: 90, masterAdverIntUs: 5_000_000 };
  assert.equal(skewUs(p), 648_437);
  assert.equal(masterDownUs(p), 15_648_437);
});

test('priority 255 has the smallest skew; down_timer_adverts scales the wait', () => {
  const p = { version: 3 as const, effectivePriority: 255, masterAdverIntUs: 1_000_000, downTimerAdverts: 5 };
  assert.equal(skewUs(p), minSkewUs(p));
  assert.equal(masterDownUs(p), 5_000_000 + 3_906);
});
