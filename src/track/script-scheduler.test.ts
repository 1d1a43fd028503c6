import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VrrpScriptConfig } from '../config/model/vrrp-extras.js';
import { FakeClock } from '../testing/fake-clock.js';
import {
  computeTracking,
  type TrackingInput,
  type TrackingVerdict,
  trackedOf,
  trackingInputs,
} from './priority.js';
import {
  type ScriptChangeEvent,
  type ScriptExecutor,
  type ScriptRunRequest,
  ScriptScheduler,
} from './script-scheduler.js';
import type { ScriptRunResult } from './script-tracker.js';

const S = 1_000_000;

function scriptConfig(name: string, over: Partial<VrrpScriptConfig> = {}): VrrpScriptConfig {
  return {
    name,
    script: { args: [`/usr/local/bin/${name}`] },
    intervalUs: 2 * S,
    timeoutUs: 1 * S,
    weight: 0,
    weightReverse: false,
    rise: 1,
    fall: 1,
    initFail: false,
    ...over,
  };
}

/** An executor whose runs end when the test says so (or, like the real one, on abort). */
class FakeExecutor implements ScriptExecutor {
  readonly runs: { request: ScriptRunRequest; finish: (r: ScriptRunResult) => void }[] = [];
  constructor(readonly honourAbort = true) {}
  run(request: ScriptRunRequest): Promise<ScriptRunResult> {
    return new Promise((resolve) => {
      const entry = { request, finish: resolve };
      this.runs.push(entry);
      if (this.honourAbort) {
        request.signal?.addEventListener('abort', () => {
          this.runs.splice(this.runs.indexOf(entry), 1);
          resolve({ timedOut: true });
        });
      }
    });
  }
  /** Ends the oldest unfinished run of `name`. */
  finish(name: string, result: ScriptRunResult): void {
    const i = this.runs.findIndex((r) => r.request.name === name);
    assert.ok(i >= 0, `no run of ${name} in progress`);
    const [run] = this.runs.splice(i, 1);
    run!.finish(result);
  }
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(configs: VrrpScriptConfig[], executor: ScriptExecutor = new FakeExecutor()) {
  const clock = new FakeClock(1_000 * S);
  const logs: string[] = [];
  const changes: ScriptChangeEvent[] = [];
  const scheduler = new ScriptScheduler(
    configs.map((config) => ({ config })),
    { timer: clock, executor, log: (l) => logs.push(l), onChange: (c) => changes.push(c) },
  );
  return { clock, logs, changes, scheduler };
}

test('every script runs at start, then every interval measured from the tick', async () => {
  const ex = new FakeExecutor();
  const { clock, scheduler } = setup([scriptConfig('a'), scriptConfig('b', { intervalUs: 3 * S })], ex);
  scheduler.start();
  scheduler.start();
  clock.advanceBy(0);
  assert.deepEqual(
    ex.runs.map((r) => r.request.name),
    ['a', 'b'],
  );
  ex.finish('a', { exitCode: 0 });
  ex.finish('b', { exitCode: 0 });
  await settle();
  clock.advanceBy(2 * S);
  assert.deepEqual(
    ex.runs.map((r) => r.request.name),
    ['a'],
  );
  clock.advanceBy(1 * S);
  assert.deepEqual(
    ex.runs.map((r) => r.request.name),
    ['a', 'b'],
  );
  await scheduler.stop();
});

test('a run gets the timeout, or the interval when the timeout is 0, and the script user', () => {
  const ex = new FakeExecutor();
  const clock = new FakeClock();
  const scheduler = new ScriptScheduler(
    [
      { config: scriptConfig('a', { timeoutUs: 5 * S }), ids: { uid: 65534, gid: 65533 } },
      { config: scriptConfig('b', { timeoutUs: 0, intervalUs: 7 * S }) },
    ],
    { timer: clock, executor: ex, log: () => {}, onChange: () => {} },
  );
  scheduler.start();
  clock.advanceBy(0);
  const [a, b] = ex.runs.map((r) => r.request);
  assert.equal(a!.timeoutUs, 5 * S);
  assert.equal(a!.uid, 65534);
  assert.equal(a!.gid, 65533);
  assert.deepEqual(a!.args, ['/usr/local/bin/a']);
  assert.equal(b!.timeoutUs, 7 * S);
  assert.equal(b!.uid, undefined);
  return scheduler.stop();
});

test('a tick that finds the previous run going skips it and says so', async () => {
  const ex = new FakeExecutor();
  const { clock, logs, scheduler } = setup(
    [scriptConfig('slow', { intervalUs: 1 * S, timeoutUs: 5 * S })],
    ex,
  );
  scheduler.start();
  clock.advanceBy(0);
  clock.advanceBy(1 * S);
  assert.equal(ex.runs.length, 1, 'never two runs of one script at once');
  assert.deepEqual(logs, ['Track script slow is already running, expect idle - skipping run']);
  ex.runs[0]!.request.onTerminating?.();
  clock.advanceBy(1 * S);
  assert.equal(logs[1], 'Track script slow is being timed out, expect idle - skipping run');
  ex.finish('slow', { timedOut: true });
  await settle();
  clock.advanceBy(1 * S);
  assert.equal(ex.runs.length, 1);
  assert.deepEqual(scheduler.view('slow'), {
    tracker: { result: 0, status: 'down', lastExitCode: 0 },
    running: true,
    runs: 2,
    skipped: 2,
  });
  await scheduler.stop();
});

test('results drive rise/fall and report each change once', async () => {
  const ex = new FakeExecutor();
  const { clock, changes, logs, scheduler } = setup([scriptConfig('chk', { rise: 2, fall: 2 })], ex);
  scheduler.start();
  const tick = async (result: ScriptRunResult): Promise<void> => {
    clock.advanceBy(0);
    ex.finish('chk', result);
    await settle();
    clock.advanceBy(2 * S);
  };
  assert.equal(scheduler.status('chk'), 'init');
  await tick({ exitCode: 0 });
  assert.equal(scheduler.status('chk'), 'up');
  await tick({ exitCode: 1 });
  assert.equal(scheduler.status('chk'), 'up');
  await tick({ exitCode: 1 });
  assert.equal(scheduler.status('chk'), 'down');
  await tick({ exitCode: 0 });
  await tick({ exitCode: 0 });
  assert.equal(scheduler.status('chk'), 'up');
  assert.deepEqual(changes, [
    { name: 'chk', from: 'init', to: 'up' },
    { name: 'chk', from: 'up', to: 'down' },
    { name: 'chk', from: 'down', to: 'up' },
  ]);
  assert.deepEqual(logs, [
    'VRRP_Script(chk) succeeded',
    'Script `chk` now returning 1',
    'VRRP_Script(chk) failed (exited with status 1)',
    'Script `chk` now returning 0',
    'VRRP_Script(chk) succeeded',
  ]);
  await scheduler.stop();
});

test('an executor that throws or rejects counts as a failed run', async () => {
  const throwing: ScriptExecutor = {
    run: () => {
      throw new Error('boom');
    },
  };
  const a = setup([scriptConfig('t')], throwing);
  a.scheduler.start();
  a.clock.advanceBy(0);
  await settle();
  assert.equal(a.scheduler.status('t'), 'down');
  await a.scheduler.stop();

  const rejecting: ScriptExecutor = { run: () => Promise.reject(new Error('no')) };
  const b = setup([scriptConfig('r')], rejecting);
  b.scheduler.start();
  b.clock.advanceBy(0);
  await settle();
  assert.equal(b.scheduler.status('r'), 'down');
  assert.match(b.logs.at(-1) ?? '', /^VRRP_Script\(r\) failed \(could not be run: Error: no\)$/);
  await b.scheduler.stop();
});

test('stop() cancels the timers, aborts running scripts, waits for them and ignores their results', async () => {
  const ex = new FakeExecutor(false);
  const { clock, changes, scheduler } = setup([scriptConfig('a')], ex);
  scheduler.start();
  clock.advanceBy(0);
  const signal = ex.runs[0]!.request.signal!;
  let stopped = false;
  const done = scheduler.stop().then(() => {
    stopped = true;
  });
  assert.equal(signal.aborted, true);
  assert.equal(clock.pending, 0);
  await settle();
  assert.equal(stopped, false, 'waits for the running script');
  ex.finish('a', { timedOut: true });
  await done;
  assert.deepEqual(changes, []);
  assert.equal(scheduler.status('a'), 'init');
  scheduler.start();
  assert.equal(clock.pending, 0, 'no restart after stop');
});

test('a script shared by two instances: one run, each instance moved by its own weight', async () => {
  const ex = new FakeExecutor();
  const instances = [
    {
      name: 'VI_1',
      base: 100,
      cfg: { ...none, trackScripts: [{ name: 'chk', weight: -30, weightReverse: false }] },
    },
    {
      name: 'VI_2',
      base: 90,
      cfg: { ...none, trackScripts: [{ name: 'chk', weight: 0, weightReverse: false }] },
    },
  ];
  const inputs: Record<string, TrackingInput[]> = { VI_1: [], VI_2: [] };
  const verdicts = new Map<string, TrackingVerdict>();
  const clock = new FakeClock();
  const scheduler: ScriptScheduler = new ScriptScheduler([{ config: scriptConfig('chk') }], {
    timer: clock,
    executor: ex,
    log: () => {},
    onChange: () => recompute(),
  });
  const recompute = (): void => {
    for (const i of instances) {
      const next = computeTracking(i.base, trackedOf(i.cfg, { script: (n) => scheduler.status(n) }));
      inputs[i.name]!.push(...trackingInputs(verdicts.get(i.name), next));
      verdicts.set(i.name, next);
    }
  };
  recompute();
  scheduler.start();
  clock.advanceBy(0);
  assert.equal(ex.runs.length, 1);
  ex.finish('chk', { exitCode: 0 });
  await settle();
  clock.advanceBy(2 * S);
  ex.finish('chk', { exitCode: 4 });
  await settle();
  assert.deepEqual(inputs.VI_1, [
    { kind: 'priority', totalPriority: 100 },
    { kind: 'priority', totalPriority: 70 },
  ]);
  assert.deepEqual(inputs.VI_2, [
    { kind: 'fault-set', reason: 'init script chk' },
    { kind: 'priority', totalPriority: 90 },
    { kind: 'fault-clear', reason: 'init script chk' },
    { kind: 'fault-set', reason: 'script chk' },
  ]);
  await scheduler.stop();
});

const none = { trackScripts: [], trackInterfaces: [], trackProcesses: [], trackBfds: [], trackFiles: [] };

test('a throwing change listener is logged and the script keeps running', async () => {
  const ex = new FakeExecutor();
  const clock = new FakeClock();
  const logs: string[] = [];
  const scheduler = new ScriptScheduler([{ config: scriptConfig('a') }], {
    timer: clock,
    executor: ex,
    log: (l) => logs.push(l),
    onChange: () => {
      throw new Error('listener bug');
    },
  });
  scheduler.start();
  clock.advanceBy(0);
  ex.finish('a', { exitCode: 0 });
  await settle();
  assert.equal(logs.at(-1), 'Track script a: result handler failed: Error: listener bug');
  clock.advanceBy(2 * S);
  assert.equal(ex.runs.length, 1, 'the next tick runs it again');
  await scheduler.stop();
});
