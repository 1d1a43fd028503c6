import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawsock } from './rawsock.js';

test('onSignal catches a real-time signal Node cannot name, without keeping the process alive', async () => {
  const addon = rawsock();
  const rt = addon.realtimeSignals();
  assert.ok(rt.min >= 32 && rt.max > rt.min + 2, `SIGRTMIN ${rt.min}, SIGRTMAX ${rt.max}`);
  const got = new Promise<number>((resolve) => addon.onSignal(rt.min + 2, resolve));
  // The watch is unref'd (a daemon's other handles keep it alive): hold the loop open here.
  const keepAlive = setTimeout(() => {}, 5000);
  process.kill(process.pid, rt.min + 2);
  assert.equal(await got, rt.min + 2);
  clearTimeout(keepAlive);
});
