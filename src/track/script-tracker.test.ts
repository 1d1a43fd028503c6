import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  initialScriptState,
  isSucceeding,
  type ScriptRunResult,
  type ScriptStatus,
  type ScriptTrackerState,
  stepScript,
} from './script-tracker.js';

const OK: ScriptRunResult = { exitCode: 0 };
const FAIL: ScriptRunResult = { exitCode: 1 };

function params(rise: number, fall: number) {
  return { name: 'chk', rise, fall, initFail: false };
}

/** The status after each result, starting from the initial state. */
function statuses(
  p: { name: string; rise: number; fall: number; initFail: boolean },
  results: readonly ScriptRunResult[],
  honourInitFail = false,
): ScriptStatus[] {
  let s: ScriptTrackerState = initialScriptState(p, { honourInitFail });
  return results.map((r) => {
    s = stepScript(p, s, { kind: 'result', ...r }).state;
    return s.status;
  });
}

test('a script starts in init with keepalived result rise-1', () => {
  const s = initialScriptState(params(3, 2));
  assert.deepEqual(s, { result: 2, status: 'init', lastExitCode: 0 });
  assert.equal(isSucceeding(params(3, 2), s), false);
});

test('the first result decides at once whatever rise and fall are', () => {
  assert.deepEqual(statuses(params(5, 5), [OK]), ['up']);
  assert.deepEqual(statuses(params(5, 5), [FAIL]), ['down']);
});

test('fall consecutive failures take an up script down', () => {
  assert.deepEqual(statuses(params(2, 3), [OK, FAIL, FAIL, FAIL]), ['up', 'up', 'up', 'down']);
});

test('a success between failures restarts the fall count', () => {
  assert.deepEqual(statuses(params(1, 3), [OK, FAIL, FAIL, OK, FAIL, FAIL, FAIL]), [
    'up',
    'up',
    'up',
    'up',
    'up',
    'up',
    'down',
  ]);
});

test('rise consecutive successes bring a down script up; a failure restarts the count', () => {
  assert.deepEqual(statuses(params(3, 1), [FAIL, OK, OK, FAIL, OK, OK, OK]), [
    'down',
    'down',
    'down',
    'down',
    'down',
    'down',
    'up',
  ]);
});

test('the counter saturates at rise+fall-1 and drops to 0 on going down', () => {
  const p = params(2, 3);
  let s = initialScriptState(p);
  for (let i = 0; i < 10; i++) s = stepScript(p, s, { kind: 'result', exitCode: 0 }).state;
  assert.equal(s.result, 4);
  for (let i = 0; i < 3; i++) s = stepScript(p, s, { kind: 'result', exitCode: 2 }).state;
  assert.equal(s.result, 0);
  assert.equal(s.status, 'down');
});

test('only exit status 0 succeeds: 1, 2, 126, 127, 255 all fail', () => {
  for (const exitCode of [1, 2, 126, 127, 255]) {
    assert.deepEqual(statuses(params(1, 1), [OK, { exitCode }]), ['up', 'down'], `exit ${exitCode}`);
  }
});

test('death by a signal, a timeout and a failed exec are failures', () => {
  for (const r of [{ signal: 9 }, { timedOut: true as const }, { spawnError: 'ENOENT' }]) {
    assert.deepEqual(statuses(params(1, 1), [OK, r]), ['up', 'down'], JSON.stringify(r));
  }
});

test('a change is reported once, with where it came from', () => {
  const p = params(1, 2);
  const a = stepScript(p, initialScriptState(p), { kind: 'result', exitCode: 0 });
  assert.deepEqual(a.change, { from: 'init', to: 'up' });
  const b = stepScript(p, a.state, { kind: 'result', exitCode: 1 });
  assert.equal(b.change, undefined);
  const c = stepScript(p, b.state, { kind: 'result', exitCode: 1 });
  assert.deepEqual(c.change, { from: 'up', to: 'down' });
  const d = stepScript(p, c.state, { kind: 'result', exitCode: 1 });
  assert.equal(d.change, undefined);
});

test("keepalived's log lines: status changes and verdicts", () => {
  const p = params(1, 1);
  let s = initialScriptState(p);
  const run = (r: ScriptRunResult): readonly string[] => {
    const step = stepScript(p, s, { kind: 'result', ...r });
    s = step.state;
    return step.logs;
  };
  // A first 0 is not a change from keepalived's zeroed last_status.
  assert.deepEqual(run(OK), ['VRRP_Script(chk) succeeded']);
  assert.deepEqual(run(OK), []);
  assert.deepEqual(run({ exitCode: 3 }), [
    'Script `chk` now returning 3',
    'VRRP_Script(chk) failed (exited with status 3)',
  ]);
  assert.deepEqual(run({ exitCode: 3 }), []);
  assert.deepEqual(run(OK), ['Script `chk` now returning 0', 'VRRP_Script(chk) succeeded']);
  assert.deepEqual(run({ timedOut: true }), ['VRRP_Script(chk) timed_out']);
  assert.deepEqual(run(OK), ['VRRP_Script(chk) succeeded']);
  assert.deepEqual(run({ signal: 11 }), ['VRRP_Script(chk) failed (due to signal 11)']);
  assert.deepEqual(run(OK), ['VRRP_Script(chk) succeeded']);
  assert.deepEqual(run({ spawnError: 'ENOENT' }), ['VRRP_Script(chk) failed (could not be run: ENOENT)']);
});

test('init_fail is ignored by default, as keepalived 2.2.7 resets it when the script is tracked', () => {
  const p = { name: 'chk', rise: 3, fall: 1, initFail: true };
  assert.equal(initialScriptState(p).status, 'init');
  assert.deepEqual(statuses(p, [OK]), ['up']);
});

test('honoured init_fail starts down and needs rise successes', () => {
  const p = { name: 'chk', rise: 3, fall: 1, initFail: true };
  assert.deepEqual(initialScriptState(p, { honourInitFail: true }), {
    result: 0,
    status: 'down',
    lastExitCode: 0,
  });
  assert.deepEqual(statuses(p, [OK, OK, OK], true), ['down', 'down', 'up']);
  // A failure while already down is silent.
  const s = initialScriptState(p, { honourInitFail: true });
  const step = stepScript(p, s, { kind: 'result', exitCode: 1 });
  assert.equal(step.change, undefined);
  assert.deepEqual(step.logs, ['Script `chk` now returning 1']);
});
