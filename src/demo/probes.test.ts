import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastAnswers, outageAfter, parseProbeLine, summariseAnswers } from './probes.js';
import type { Probe } from './types.js';

const ok = (seq: number, startMs: number, answer = 'master', ms = 5): Probe => ({
  seq,
  startMs,
  endMs: startMs + ms,
  ok: true,
  answer,
});
const bad = (seq: number, startMs: number, answer = 'refused', ms = 5): Probe => ({
  seq,
  startMs,
  endMs: startMs + ms,
  ok: false,
  answer,
});

test('parseProbeLine() reads a page, a refusal and a timeout', () => {
  assert.deepEqual(parseProbeLine('P\t7\tmaster\t0\t200\t0.004', 100), {
    seq: 7,
    startMs: 96,
    endMs: 100,
    ok: true,
    answer: 'master',
  });
  assert.equal(parseProbeLine('P\t8\t\t7\t000\t0.001', 50)?.answer, 'refused');
  assert.equal(parseProbeLine('P\t9\t\t28\t000\t0.500', 600)?.answer, 'timeout');
  assert.equal(parseProbeLine('P\t9\tgone\t0\t502\t0.010', 600)?.answer, 'http 502');
  assert.equal(parseProbeLine('listening on eth0', 1), undefined);
});

test('outageAfter() runs from the event to the first answer after the last failure', () => {
  const probes = [ok(1, 0), ok(2, 50), bad(3, 100), bad(4, 150), ok(5, 200, 'slave'), ok(6, 250, 'slave')];
  const o = outageAfter(probes, 90, 1000);
  assert.deepEqual(o, { fromMs: 90, toMs: 205, ms: 115, recoveredWith: 'slave', failed: 2 });
});

test('outageAfter() starts at the last good answer when the client was served after the event', () => {
  const probes = [ok(1, 0), ok(2, 1000), bad(3, 1050), ok(4, 1100, 'slave')];
  assert.equal(outageAfter(probes, 10, 2000)?.fromMs, 1005);
  assert.equal(outageAfter(probes, 10, 2000)?.ms, 100);
});

test('outageAfter() is undefined when every request after the event was answered', () => {
  assert.equal(outageAfter([bad(1, 0, 'timeout', 600), ok(2, 100)], 50, 1000), undefined);
});

test('outageAfter() runs to the end of the window when the client never recovers', () => {
  const o = outageAfter([ok(1, 0), bad(2, 100)], 50, 400);
  assert.equal(o?.toMs, undefined);
  assert.equal(o?.ms, 350);
});

test('summariseAnswers() counts runs in the order requests were sent', () => {
  const probes = [ok(1, 0), ok(2, 50), bad(3, 100, 'timeout', 500), bad(4, 150), ok(5, 200, 'slave')];
  assert.equal(summariseAnswers(probes), 'master ×2, timeout ×1, refused ×1, slave ×1');
  assert.equal(summariseAnswers([]), 'no requests');
  assert.equal(
    lastAnswers(probes, 2)
      .map((p) => p.seq)
      .join(),
    '4,5',
  );
});
