import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stateOfLogLine } from './load-balancer.js';

test("stateOfLogLine() reads keepalived's and keepalived-ts's state lines alike", () => {
  assert.equal(stateOfLogLine('Wed Nov 25 09:44:20 2026: (VI_1) Entering MASTER STATE'), 'MASTER');
  assert.equal(stateOfLogLine('Wed Nov 25 09:44:16 2026: (VI_1) Entering BACKUP STATE (init)'), 'BACKUP');
  assert.equal(stateOfLogLine('Wed Nov 25 09:44:16 2026: (VI_1) Entering FAULT STATE'), 'FAULT');
  assert.equal(stateOfLogLine('Wed Nov 25 09:44:16 2026: Starting Keepalived v2.2.7 (01/16,2022)'), 'INIT');
  assert.equal(stateOfLogLine('Wed Nov 25 09:45:15 2026: Starting keepalived-ts v0.1.0'), 'INIT');
  assert.equal(stateOfLogLine('### keepalived exited with status 137'), 'DOWN');
  assert.equal(stateOfLogLine('Wed Nov 25 09:44:20 2026: (VI_1) setting VIPs.'), undefined);
});
