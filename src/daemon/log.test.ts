import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cTimestamp, DaemonLog } from './log.js';

test('%c timestamps: C locale, day of month padded with a space', () => {
  assert.equal(cTimestamp(new Date(2026, 10, 5, 9, 3, 7)), 'Thu Nov  5 09:03:07 2026');
  assert.equal(cTimestamp(new Date(2026, 10, 25, 23, 59, 0)), 'Wed Nov 25 23:59:00 2026');
});

test('detail lines only with -D; every line to each sink', () => {
  const out: string[] = [];
  const sys: string[] = [];
  const sinks = {
    console: (l: string) => out.push(l),
    syslog: (m: string) => sys.push(m),
    now: () => new Date(2026, 0, 1),
  };
  new DaemonLog(sinks, { detail: false }).log('(VI_1) setting VIPs.', true);
  new DaemonLog(sinks, { detail: false }).log('(VI_1) Entering MASTER STATE');
  new DaemonLog(sinks, { detail: true }).log('(VI_1) setting VIPs.', true);
  assert.deepEqual(out, [
    'Thu Jan  1 00:00:00 2026: (VI_1) Entering MASTER STATE\n',
    'Thu Jan  1 00:00:00 2026: (VI_1) setting VIPs.\n',
  ]);
  assert.deepEqual(sys, ['(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.']);
});
