import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackProcessConfig } from '../config/model/vrrp-extras.js';
import { FakeClock } from '../testing/fake-clock.js';
import type { ProcessInfo } from './process-match.js';
import { ProcessTracker } from './process-tracker.js';

const CFG: TrackProcessConfig = {
  name: 'nginx',
  process: 'nginx',
  params: [],
  paramMatch: 'none',
  fullCommand: false,
  weight: 0,
  weightReverse: false,
  quorum: 2,
  quorumMax: 4294967295,
  terminateDelayUs: 0,
  forkDelayUs: 500_000,
};

const p = (pid: number, ppid: number, comm = 'nginx'): ProcessInfo => ({
  pid,
  ppid,
  comm,
  zombie: false,
  cmdline: undefined,
});

test('a forked worker counts after fork_delay, logged as keepalived; an exec counts at once', () => {
  const clock = new FakeClock();
  const logs: string[] = [];
  const changes: boolean[] = [];
  const t = new ProcessTracker([CFG], [p(10, 1), p(20, 1, 'bash')], {
    clock,
    log: (l) => logs.push(l),
    onChange: (_n, up) => changes.push(up),
  });
  assert.equal(t.status('nginx'), false);
  t.update([p(10, 1), p(11, 10)]);
  assert.equal(t.status('nginx'), false);
  clock.advanceBy(499_999);
  assert.equal(t.status('nginx'), false);
  clock.advanceBy(1);
  assert.equal(t.status('nginx'), true);
  t.update([p(10, 1)]);
  assert.equal(t.status('nginx'), false);
  // bash exec'd into nginx: not a child of a counted process, no delay.
  t.update([p(10, 1), p(20, 1)]);
  assert.equal(t.status('nginx'), true);
  assert.deepEqual(changes, [true, false, true]);
  assert.deepEqual(logs, [
    'Quorum gained for tracked process nginx',
    'Quorum lost for tracked process nginx',
    'Quorum gained for tracked process nginx',
  ]);
  assert.equal(t.status('other'), undefined);
});
