import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VrrpInput } from '../vrrp/fsm.js';
import {
  type BinaryStatus,
  type BinaryTracked,
  computeTracking,
  faultReason,
  type Tracked,
  type TrackingInput,
  trackedEffect,
  trackedOf,
  trackingInputs,
} from './priority.js';

const script = (
  name: string,
  weight: number,
  status: BinaryStatus,
  weightReverse = false,
): BinaryTracked => ({
  kind: 'script',
  name,
  weight,
  weightReverse,
  status,
});

// The inputs must be acceptable to the VRRP core as they are.
const _fits: (i: TrackingInput) => VrrpInput = (i) => i;
void _fits;

test('a positive weight is added while up and nothing while down', () => {
  assert.equal(computeTracking(100, [script('a', 20, 'up')]).totalPriority, 120);
  assert.equal(computeTracking(100, [script('a', 20, 'down')]).totalPriority, 100);
});

test('a negative weight is added while down and nothing while up', () => {
  assert.equal(computeTracking(100, [script('a', -30, 'up')]).totalPriority, 100);
  assert.equal(computeTracking(100, [script('a', -30, 'down')]).totalPriority, 70);
});

test('reverse flips the sign of whichever weight applies', () => {
  assert.equal(computeTracking(100, [script('a', 20, 'up', true)]).totalPriority, 80);
  assert.equal(computeTracking(100, [script('a', 20, 'down', true)]).totalPriority, 100);
  assert.equal(computeTracking(100, [script('a', -30, 'up', true)]).totalPriority, 100);
  assert.equal(computeTracking(100, [script('a', -30, 'down', true)]).totalPriority, 130);
});

test("state sums equal keepalived's incremental +/-|w|*m on every transition", () => {
  // process_script_update_priority after init: up adds |w|*m, down subtracts it.
  for (const w of [-40, -1, 1, 40]) {
    for (const rev of [false, true]) {
      const m = rev ? -1 : 1;
      const up = computeTracking(100, [script('a', w, 'up', rev)]).totalPriority;
      const down = computeTracking(100, [script('a', w, 'down', rev)]).totalPriority;
      assert.equal(up - down, Math.abs(w) * m, `w=${w} reverse=${rev}`);
    }
  }
});

test('a weighted script in init adds nothing and does not fault', () => {
  assert.deepEqual(computeTracking(100, [script('a', 20, 'init'), script('b', -20, 'init')]), {
    totalPriority: 100,
    faults: [],
  });
});

test('weight 0 faults while down, or while up with reverse, and never moves the priority', () => {
  assert.deepEqual(computeTracking(100, [script('a', 0, 'down')]), {
    totalPriority: 100,
    faults: ['script a'],
  });
  assert.deepEqual(computeTracking(100, [script('a', 0, 'up')]).faults, []);
  assert.deepEqual(computeTracking(100, [script('a', 0, 'up', true)]).faults, ['script a']);
  assert.deepEqual(computeTracking(100, [script('a', 0, 'down', true)]).faults, []);
});

test('weight 0 in init holds the instance in FAULT either way (num_script_init), by an init reason', () => {
  // An init reason of its own: the core keeps that FAULT silent, as keepalived (fault-reasons.ts).
  assert.deepEqual(computeTracking(100, [script('a', 0, 'init')]).faults, ['init script a']);
  assert.deepEqual(computeTracking(100, [script('a', 0, 'init', true)]).faults, ['init script a']);
});

test('several scripts on one instance add up and each faults on its own', () => {
  const v = computeTracking(90, [
    script('a', 10, 'up'),
    script('b', -25, 'down'),
    script('c', 5, 'down'),
    script('d', 0, 'down'),
    script('e', 0, 'init'),
  ]);
  assert.deepEqual(v, { totalPriority: 75, faults: ['init script e', 'script d'] });
});

test('interfaces, processes and BFDs follow the same rules', () => {
  const t: Tracked[] = [
    { kind: 'interface', name: 'eth1', weight: -50, weightReverse: false, status: 'down' },
    { kind: 'process', name: 'nginx', weight: 15, weightReverse: false, status: 'up' },
    { kind: 'bfd', name: 'b1', weight: 0, weightReverse: false, status: 'down' },
  ];
  assert.deepEqual(computeTracking(100, t), { totalPriority: 65, faults: ['bfd b1'] });
});

test('track files: value times weight, capped at 253, fault at -254 or below', () => {
  const file = (value: number, weight: number, weightReverse = false): Tracked => ({
    kind: 'file',
    name: 'f',
    weight,
    weightReverse,
    value,
  });
  assert.deepEqual(trackedEffect(file(3, 10)), { delta: 30, fault: undefined });
  assert.deepEqual(trackedEffect(file(3, 10, true)), { delta: -30, fault: undefined });
  assert.deepEqual(trackedEffect(file(100, 10)), { delta: 253, fault: undefined });
  assert.deepEqual(trackedEffect(file(-253, 1)), { delta: -253, fault: undefined });
  assert.deepEqual(trackedEffect(file(-254, 1)), { delta: 0, fault: 'file f' });
  assert.deepEqual(trackedEffect(file(0, 0)), { delta: 0, fault: undefined });
  assert.deepEqual(trackedEffect(file(7, 0)), { delta: 0, fault: 'file f' });
  assert.deepEqual(trackedEffect(file(0, 0, true)), { delta: 0, fault: 'file f' });
  assert.deepEqual(trackedEffect(file(7, 0, true)), { delta: 0, fault: undefined });
});

test('totals are not clamped here: the core clamps them', () => {
  assert.equal(computeTracking(250, [script('a', 100, 'up')]).totalPriority, 350);
  assert.equal(computeTracking(10, [script('a', -100, 'down')]).totalPriority, -90);
});

test('an owner gets the full sum too (fsm.ts keeps it at 255)', () => {
  assert.equal(computeTracking(255, [script('a', -30, 'down')]).totalPriority, 225);
});

test('trackingInputs: start-up gives every fault and the priority', () => {
  assert.deepEqual(trackingInputs(undefined, { totalPriority: 120, faults: ['script a'] }), [
    { kind: 'fault-set', reason: 'script a' },
    { kind: 'priority', totalPriority: 120 },
  ]);
});

test('trackingInputs: new faults, then the priority, then cleared faults; nothing when unchanged', () => {
  const prev = { totalPriority: 100, faults: ['script a', 'script b'] };
  const next = { totalPriority: 80, faults: ['script b', 'script c'] };
  assert.deepEqual(trackingInputs(prev, next), [
    { kind: 'fault-set', reason: 'script c' },
    { kind: 'priority', totalPriority: 80 },
    { kind: 'fault-clear', reason: 'script a' },
  ]);
  assert.deepEqual(trackingInputs(next, next), []);
});

test('a script shared by two instances moves each by its own weight', () => {
  const vi1 = { ...noTracking, trackScripts: [{ name: 'chk', weight: 20, weightReverse: false }] };
  const vi2 = { ...noTracking, trackScripts: [{ name: 'chk', weight: 0, weightReverse: false }] };
  const verdicts = (status: BinaryStatus) => {
    const lookup = { script: (n: string) => (n === 'chk' ? status : undefined) };
    return [computeTracking(100, trackedOf(vi1, lookup)), computeTracking(90, trackedOf(vi2, lookup))];
  };
  const [a0, b0] = verdicts('init');
  const [a1, b1] = verdicts('up');
  const [a2, b2] = verdicts('down');
  assert.deepEqual(trackingInputs(undefined, a0!), [{ kind: 'priority', totalPriority: 100 }]);
  assert.deepEqual(trackingInputs(undefined, b0!), [
    { kind: 'fault-set', reason: 'init script chk' },
    { kind: 'priority', totalPriority: 90 },
  ]);
  assert.deepEqual(trackingInputs(a0, a1!), [{ kind: 'priority', totalPriority: 120 }]);
  assert.deepEqual(trackingInputs(b0, b1!), [{ kind: 'fault-clear', reason: 'init script chk' }]);
  assert.deepEqual(trackingInputs(a1, a2!), [{ kind: 'priority', totalPriority: 100 }]);
  assert.deepEqual(trackingInputs(b1, b2!), [{ kind: 'fault-set', reason: 'script chk' }]);
});

const noTracking = {
  trackScripts: [],
  trackInterfaces: [],
  trackProcesses: [],
  trackBfds: [],
  trackFiles: [],
};

test('trackedOf leaves out objects the lookup does not know (disabled scripts)', () => {
  const cfg = {
    ...noTracking,
    trackScripts: [
      { name: 'ok', weight: 5, weightReverse: false },
      { name: 'insecure', weight: 0, weightReverse: false },
    ],
    trackInterfaces: [{ name: 'eth0', weight: 0, weightReverse: false }],
    trackFiles: [{ name: 'f', weight: 2, weightReverse: false }],
  };
  const t = trackedOf(cfg, {
    script: (n) => (n === 'ok' ? 'up' : undefined),
    interface: () => 'down',
    file: () => 4,
  });
  assert.deepEqual(computeTracking(100, t), {
    totalPriority: 113,
    faults: [faultReason('interface', 'eth0')],
  });
});
