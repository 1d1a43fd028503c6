import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialQuorum, type QuorumParams, type QuorumState, stepQuorum } from './process-quorum.js';

const P: QuorumParams = { quorum: 2, quorumMax: 3, forkDelayUs: 0, terminateDelayUs: 0 };

const count = (s: QuorumState, p: QuorumParams, n: number, nowUs = 0, forked = false) =>
  stepQuorum(p, s, { kind: 'count', count: n, forked, nowUs });

test('up while quorum <= count <= quorum_max, at once without delays', () => {
  let s = initialQuorum(P, 1);
  assert.equal(s.up, false);
  s = count(s, P, 2);
  assert.equal(s.up, true);
  s = count(s, P, 3);
  assert.equal(s.up, true);
  s = count(s, P, 4);
  assert.equal(s.up, false);
  s = count(s, P, 3);
  assert.equal(s.up, true);
  s = count(s, P, 0);
  assert.equal(s.up, false);
});

test('terminate_delay holds the quorum until it fires; a return cancels it', () => {
  const p = { ...P, terminateDelayUs: 1000 };
  let s = initialQuorum(p, 2);
  s = count(s, p, 1, 0);
  assert.deepEqual([s.up, s.timer?.kind], [true, 'terminate']);
  assert.equal(stepQuorum(p, s, { kind: 'timer', nowUs: 999 }).up, true);
  assert.equal(stepQuorum(p, s, { kind: 'timer', nowUs: 1000 }).up, false);
  s = count(s, p, 2, 500);
  assert.deepEqual([s.up, s.timer], [true, undefined]);
});

test('fork_delay applies to forked children only; a fresh exec counts at once', () => {
  const p = { ...P, forkDelayUs: 1000 };
  const s0 = initialQuorum(p, 1);
  const forked = count(s0, p, 2, 0, true);
  assert.deepEqual([forked.up, forked.timer?.kind], [false, 'fork']);
  assert.equal(stepQuorum(p, forked, { kind: 'timer', nowUs: 1000 }).up, true);
  // The child dying before the delay ends cancels the timer; the status stays down.
  const gone = count(forked, p, 1, 10);
  assert.deepEqual([gone.up, gone.timer], [false, undefined]);
  assert.equal(count(s0, p, 2, 0, false).up, true);
});

test('a count that stays on the same side of the bounds changes nothing', () => {
  const p = { ...P, terminateDelayUs: 1000 };
  let s = initialQuorum(p, 0);
  s = count(s, p, 1);
  assert.deepEqual(s, { count: 1, up: false, timer: undefined });
});
