import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bfdNotSupportedLines, initialFaultLines } from './tracking-logs.js';

const w = (name: string, weight: number, weightReverse = false) => ({ name, weight, weightReverse });

test('initialFaultLines() words the start-up FAULT lines as keepalived', () => {
  const v = {
    name: 'VI_1',
    trackFiles: [w('big', -20), w('zero', 0), w('fine', 10), w('rev', 0, true)],
    trackProcesses: [w('nginx', 0), w('weighted', 10), w('revp', 0, true)],
  };
  const files: Record<string, number> = { big: 13, zero: 2, fine: 1, rev: 0 };
  const lines = initialFaultLines(v, {
    file: (n) => files[n],
    process: (n) => (n === 'revp' ? 'up' : 'down'),
  });
  assert.deepEqual(lines, [
    '(VI_1): entering FAULT state (tracked file big has status -260)',
    '(VI_1): entering FAULT state (tracked file zero has status -254)',
    '(VI_1): entering FAULT state (tracked file rev has status -254)',
    '(VI_1) entering FAULT state (tracked process nginx quorum not achieved)',
    '(VI_1) entering FAULT state (tracked process revp quorum not achieved)',
  ]);
});

test('bfdNotSupportedLines() gives one line per tracked BFD', () => {
  assert.deepEqual(
    bfdNotSupportedLines([
      { name: 'VI_1', trackBfds: [w('b1', 0)] },
      { name: 'VI_2', trackBfds: [] },
    ]),
    ['(VI_1) track_bfd b1: BFD is not supported by keepalived-ts - not tracked, no effect on priority'],
  );
});
