import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock, TimerHandle } from '../base/clock.js';
import type { ProcessScheduling } from '../config/model/global.js';
import { lateTimerClock, type SchedulingCalls, WorkerScheduling } from './worker-scheduling.js';

const NONE: ProcessScheduling = { nice: 0, noSwap: false, cpuAffinity: [], rlimitRttimeUs: 10_000 };

/** Records the calls; `refuse` names the ones that fail with EPERM (1). */
function fakeCalls(refuse: readonly string[] = []): SchedulingCalls & { readonly calls: string[] } {
  const calls: string[] = [];
  const rc = (name: string, arg: unknown): number => {
    calls.push(`${name} ${String(arg)}`);
    return refuse.includes(name) ? 1 : 0;
  };
  return {
    calls,
    setThreadNice: (n) => rc('nice', n),
    setThreadRealtime: (p) => rc('realtime', p),
    setThreadAffinity: (cpus) => rc('affinity', cpus.join(',')),
    lockMemory: () => rc('lock', ''),
    realtimePriorityRange: () => ({ min: 1, max: 99 }),
    errorText: (e) => (e === 1 ? 'Operation not permitted' : `errno ${e}`),
  };
}

function scheduling(s: Partial<ProcessScheduling>, maxAutoPriority = 0, refuse: readonly string[] = []) {
  const calls = fakeCalls(refuse);
  const lines: string[] = [];
  const ws = new WorkerScheduling(
    calls,
    { scheduling: { ...NONE, ...s }, maxAutoPriority, minAutoPriorityDelayUs: 1_000_000 },
    (t) => lines.push(t),
  );
  return { ws, calls: calls.calls, lines };
}

test('nothing configured: no call at all', () => {
  const { ws, calls, lines } = scheduling({});
  ws.apply();
  assert.deepEqual(calls, []);
  assert.deepEqual(lines, []);
});

test('vrrp_rt_priority wins over vrrp_priority, as keepalived (nice only without real time)', () => {
  const { ws, calls } = scheduling({ realtimePriority: 20, nice: -5, noSwap: true, cpuAffinity: [1] });
  ws.apply();
  assert.deepEqual(calls, ['realtime 20', 'lock ', 'affinity 1']);
  assert.equal(ws.realtimePriority, 20);
  const nice = scheduling({ nice: -5 });
  nice.ws.apply();
  assert.deepEqual(nice.calls, ['nice -5']);
});

test("refusals are logged with keepalived's lines and the daemon carries on", () => {
  const { ws, lines } = scheduling({ realtimePriority: 20, noSwap: true, cpuAffinity: [0, 1] }, 0, [
    'realtime',
    'lock',
    'affinity',
  ]);
  ws.apply();
  assert.deepEqual(lines, [
    'child process: cannot raise priority',
    'Unable to lock process in memory - Operation not permitted',
    'unable to set cpu affinity to vrrp process (Operation not permitted)',
  ]);
  assert.equal(ws.realtimePriority, 0);
  const nice = scheduling({ nice: -20 }, 0, ['nice']);
  nice.ws.apply();
  assert.deepEqual(nice.lines, ['Unable to set process priority to -20 - Operation not permitted']);
});

test('a late timer is logged as keepalived; max_auto_priority steps from SCHED_RR min up to the maximum', () => {
  const { ws, calls, lines } = scheduling({}, 3);
  ws.timerLate(1_234_567);
  ws.timerLate(2_000_001);
  ws.timerLate(3_000_000);
  ws.timerLate(4_500_000);
  assert.deepEqual(calls, ['realtime 1', 'realtime 2', 'realtime 3']);
  assert.deepEqual(lines, [
    'A thread timer expired 1.234567 seconds ago',
    'Set realtime priority 1',
    'A thread timer expired 2.000001 seconds ago',
    'Set realtime priority 2',
    'A thread timer expired 3.000000 seconds ago',
    'Set realtime priority 3',
    'A thread timer expired 4.500000 seconds ago',
  ]);
});

test('without max_auto_priority a late timer is only logged', () => {
  const { ws, calls, lines } = scheduling({}, 0);
  ws.timerLate(1_500_000);
  assert.deepEqual(calls, []);
  assert.deepEqual(lines, ['A thread timer expired 1.500000 seconds ago']);
});

test('a reload that drops vrrp_rt_priority returns the thread to SCHED_OTHER; a new nice is applied', () => {
  const { ws, calls } = scheduling({ realtimePriority: 10 });
  ws.apply();
  ws.reapply({ scheduling: { ...NONE, nice: 5 }, maxAutoPriority: 0, minAutoPriorityDelayUs: 1_000_000 });
  assert.deepEqual(calls, ['realtime 10', 'realtime 0', 'nice 5']);
  assert.equal(ws.realtimePriority, 0);
});

/** A loop that can stall: `wake(now)` runs every due timer with the clock already at `now`. */
class StallingClock implements Clock {
  now = 0;
  readonly #due: { atUs: number; fn: () => void }[] = [];
  nowUs(): number {
    return this.now;
  }
  schedule(atUs: number, fn: () => void): TimerHandle {
    const t = { atUs, fn };
    this.#due.push(t);
    return t;
  }
  cancel(): void {}
  wake(now: number): void {
    this.now = now;
    const due = this.#due.filter((t) => t.atUs <= now);
    for (const t of due) this.#due.splice(this.#due.indexOf(t), 1);
    for (const t of due) t.fn();
  }
}

test('lateTimerClock: a stall that delays many timers is one report per turn; on-time timers none', () => {
  const clock = new StallingClock();
  const late: number[] = [];
  let turnEnd: (() => void) | undefined;
  const watched = lateTimerClock(
    clock,
    () => 1_000_000,
    (us) => late.push(us),
    (fn) => {
      turnEnd = fn;
    },
  );
  let ran = 0;
  for (let i = 0; i < 5; i++) watched.schedule(100_000 + i, () => ran++);
  clock.wake(100_500); // on time (within the threshold)
  assert.equal(ran, 5);
  assert.deepEqual(late, []);
  for (let i = 0; i < 5; i++) watched.schedule(200_000 + i, () => ran++);
  clock.wake(2_600_000); // the loop stalled 2.4 s past the deadlines
  assert.equal(ran, 10);
  assert.deepEqual(late, [2_400_000]);
  turnEnd?.();
  watched.schedule(1_000_000, () => ran++);
  clock.wake(2_600_000);
  assert.deepEqual(late, [2_400_000, 1_600_000]);
});
