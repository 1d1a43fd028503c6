/** clear_diff_script: a reload carries each script's verdict over, mapped onto the new rise/fall. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carryScriptState } from './script-reload.js';
import { initialScriptState, stepScript } from './script-tracker.js';

const cfg = (rise: number, fall: number) => ({ name: 'chk', rise, fall, initFail: false });

test('an up script stays up, a down one stays down, an unjudged one starts over', () => {
  const old = cfg(2, 3);
  let up = initialScriptState(old);
  up = stepScript(old, up, { kind: 'result', exitCode: 0 }).state;
  assert.equal(up.status, 'up');
  const carriedUp = carryScriptState(old, up, cfg(5, 5));
  assert.equal(carriedUp.state.status, 'up');
  assert.equal(carriedUp.state.result, 9, 'fully up stays fully up: 5 failures to fall');
  assert.equal(carriedUp.log, 'VRRP_Script(chk) considered successful on reload');
  const down = stepScript(old, initialScriptState(old), { kind: 'result', exitCode: 1 }).state;
  const carriedDown = carryScriptState(old, down, cfg(5, 5));
  assert.deepEqual(carriedDown.state, { result: 0, status: 'down', lastExitCode: down.lastExitCode });
  assert.equal(carriedDown.log, 'VRRP_Script(chk) considered unsuccessful on reload');
  assert.deepEqual(
    carryScriptState(old, initialScriptState(old), cfg(4, 1)).state,
    initialScriptState(cfg(4, 1)),
  );
});

test('a down script one success short of rising stays one success short under the new rise', () => {
  const s = carryScriptState(cfg(3, 1), { result: 2, status: 'down', lastExitCode: 1 }, cfg(5, 1));
  assert.equal(s.state.result, 4);
  const next = stepScript(cfg(5, 1), s.state, { kind: 'result', exitCode: 0 });
  assert.equal(next.state.status, 'up');
});
