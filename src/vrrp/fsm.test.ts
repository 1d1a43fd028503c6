import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initFaultReason } from '../base/fault-reasons.js';
import {
  buildAdvert,
  compareAddr,
  initialState,
  type StepResult,
  step,
  type VrrpEffect,
  type VrrpInput,
  type VrrpState,
} from './fsm.js';
import type { Advert } from './packet.js';
import { type VrrpInstanceParams, type VrrpParamsInput, withDefaults } from './ports.js';
import { masterDownUs, skewUs } from './timers.js';

const S = 1_000_000;
const VIP = '192.0.2.100/24';

function params(over: Partial<VrrpParamsInput> = {}): VrrpInstanceParams {
  return withDefaults({ name: 'VI_1', vrid: 51, srcAddr: '192.0.2.1', vips: [VIP], ...over });
}

/** Runs inputs in sequence; each is [input, nowUs]. */
class Run {
  s: VrrpState;
  last!: StepResult;
  constructor(p: VrrpInstanceParams) {
    this.s = initialState(p);
  }
  do(input: VrrpInput, nowUs: number): StepResult {
    this.last = step(this.s, input, nowUs);
    this.s = this.last.state;
    return this.last;
  }
  get rt() {
    return this.s.runtime;
  }
}

const advert = (priority: number, over: Partial<Advert> = {}): VrrpInput => ({
  kind: 'advert',
  advert: { ...buildAdvert(params(), priority), ...over } as Advert,
  srcAddr: '192.0.2.2',
});
const kinds = (fx: readonly VrrpEffect[]) =>
  fx.flatMap((e) => (e.kind === 'log' ? (e.detail ? [] : [`log:${e.text}`]) : [e.kind]));
const logs = (fx: readonly VrrpEffect[]) =>
  fx.flatMap((e) => (e.kind === 'log' && !e.detail ? [e.text] : []));

/** A started BACKUP, priority 100 unless told. */
function backup(over: Partial<VrrpParamsInput> = {}): Run {
  const r = new Run(params(over));
  r.do({ kind: 'start' }, 0);
  return r;
}

/** A MASTER reached by master-down expiry at time masterDown. */
function master(over: Partial<VrrpParamsInput> = {}): Run {
  const r = backup(over);
  r.do({ kind: 'timer' }, r.last.deadlineUs ?? 0);
  assert.equal(r.rt.state, 'MASTER');
  return r;
}

test('start as BACKUP logs "(init)", notifies BACKUP and waits master-down', () => {
  const r = new Run(params({ basePriority: 90 }));
  const res = r.do({ kind: 'start' }, 0);
  assert.deepEqual(logs(res.effects), ['(VI_1) Entering BACKUP STATE (init)']);
  assert.deepEqual(
    res.effects.filter((e) => e.kind === 'notify'),
    [{ kind: 'notify', state: 'BACKUP', priority: 90 }],
  );
  assert.equal(res.deadlineUs, masterDownUs({ version: 2, effectivePriority: 90, masterAdverIntUs: S }));
  assert.equal(r.do({ kind: 'start' }, 5).effects.length, 0, 'start is idempotent');
});

test('state MASTER with priority 255 becomes master 1 us after start, in keepalived order', () => {
  const r = new Run(params({ initialState: 'MASTER' }));
  assert.equal(r.s.config.basePriority, 255);
  const s0 = r.do({ kind: 'start' }, 0);
  assert.deepEqual(s0.effects, []);
  assert.equal(s0.deadlineUs, 1);
  const s1 = r.do({ kind: 'timer' }, 1);
  assert.deepEqual(kinds(s1.effects), [
    'send-advert',
    'log:(VI_1) Entering MASTER STATE',
    'add-vips',
    'announce',
    'notify',
  ]);
  const ann = s1.effects.find((e) => e.kind === 'announce');
  assert.deepEqual(ann, { kind: 'announce', addresses: ['192.0.2.100'], repeat: 5, reason: 'become-master' });
  assert.equal(s1.deadlineUs, 1 + S, 'next advert one interval later');
  // garp_master_delay (5 s): a second burst, while adverts keep going out every second.
  let t = 1 + S;
  for (; t < 5 * S; t += S) assert.equal(kinds(r.do({ kind: 'timer' }, t).effects).join(), 'send-advert');
  const burst = r.do({ kind: 'timer' }, 5 * S + 1);
  assert.ok(
    burst.effects.some((e) => e.kind === 'announce' && e.reason === 'master-delay' && e.repeat === 5),
  );
});

test('state MASTER without priority 255 waits like a backup', () => {
  const r = new Run(params({ initialState: 'MASTER', basePriority: 100 }));
  const res = r.do({ kind: 'start' }, 0);
  assert.deepEqual(logs(res.effects), ['(VI_1) Entering BACKUP STATE (init)']);
  assert.equal(res.deadlineUs, masterDownUs({ version: 2, effectivePriority: 100, masterAdverIntUs: S }));
});

test('BACKUP: a priority-0 advert shortens the wait to the skew time', () => {
  const r = backup({ basePriority: 90 });
  const res = r.do(advert(0), 2 * S);
  assert.equal(res.deadlineUs, 2 * S + skewUs({ version: 2, effectivePriority: 90, masterAdverIntUs: S }));
});

test('BACKUP with preempt discards a lower-priority advert and keeps its timer running', () => {
  const r = backup({ basePriority: 100 });
  const before = r.last.deadlineUs;
  const res = r.do(advert(90), S);
  assert.deepEqual(logs(res.effects), [
    '(VI_1) received lower priority (90) advert from 192.0.2.2 - discarding',
  ]);
  assert.equal(res.deadlineUs, before);
  assert.equal(r.rt.masterAddr, '192.0.2.2');
});

test('BACKUP with nopreempt accepts a lower-priority master and re-arms master-down', () => {
  const r = backup({ basePriority: 100, preempt: false });
  const res = r.do(advert(90), S);
  assert.deepEqual(logs(res.effects), []);
  assert.equal(res.deadlineUs, S + masterDownUs({ version: 2, effectivePriority: 100, masterAdverIntUs: S }));
});

test('BACKUP with preempt_delay tolerates a lower master until the delay has passed', () => {
  const r = backup({ basePriority: 100, preemptDelayUs: 10 * S });
  const down = masterDownUs({ version: 2, effectivePriority: 100, masterAdverIntUs: S });
  assert.equal(r.do(advert(90), S).deadlineUs, S + down);
  assert.equal(r.rt.preemptAtUs, 11 * S);
  assert.equal(r.do(advert(90), 10 * S).deadlineUs, 10 * S + down, 'still delaying');
  const res = r.do(advert(90), 11 * S);
  assert.deepEqual(logs(res.effects), [
    '(VI_1) received lower priority (90) advert from 192.0.2.2 - discarding',
  ]);
  assert.equal(res.deadlineUs, 10 * S + down, 'takes over when the last accepted advert times out');
  // An advert from a higher-priority master stops the delay.
  const r2 = backup({ basePriority: 100, preemptDelayUs: 10 * S });
  r2.do(advert(90), S);
  r2.do(advert(110), 2 * S);
  assert.equal(r2.rt.preemptAtUs, undefined);
});

test('v3 BACKUP learns the master interval: master-down and skew use it', () => {
  const r = backup({ version: 3, basePriority: 90, adverIntUs: S });
  const adv = { ...buildAdvert(params({ version: 3 }), 100), adverIntCs: 50 } as Advert;
  const res = r.do({ kind: 'advert', advert: adv, srcAddr: '192.0.2.2' }, S);
  assert.equal(r.rt.masterAdverIntUs, 500_000);
  assert.equal(
    res.deadlineUs,
    S + 3 * 500_000 + skewUs({ version: 3, effectivePriority: 90, masterAdverIntUs: 500_000 }),
  );
  assert.equal(res.deadlineUs, S + 1_824_218);
});

test('v2 keeps its own interval whatever it receives (mismatches are validate.ts drops)', () => {
  const r = backup({ basePriority: 90 });
  r.do(advert(100), S);
  assert.equal(r.rt.masterAdverIntUs, S);
});

test('MASTER: a higher-priority advert sends it back to BACKUP and releases the VIPs', () => {
  const r = master({ basePriority: 100 });
  const t = 10 * S;
  const res = r.do(advert(150), t);
  assert.deepEqual(kinds(res.effects), [
    // Our one advert before leaving (keepalived: only with higher_prio_send_advert): the winner
    // hears a lower priority and re-announces its VIPs (split-brain.ts).
    'send-advert',
    'log:(VI_1) Master received advert from 192.0.2.2 with higher priority 150, ours 100',
    'log:(VI_1) Entering BACKUP STATE',
    'del-vips',
    'notify',
  ]);
  assert.equal(r.rt.state, 'BACKUP');
  assert.equal(res.deadlineUs, t + masterDownUs({ version: 2, effectivePriority: 100, masterAdverIntUs: S }));
});

test('MASTER: equal priority from a higher address wins; from a lower one forces a new election', () => {
  const hi = master({ srcAddr: '192.0.2.1' });
  const yielded = hi.do(advert(100), 9 * S).effects;
  assert.equal(yielded[0]?.kind, 'send-advert', 'one advert of ours before leaving');
  assert.deepEqual(
    logs(yielded)[0],
    '(VI_1) Master received advert from 192.0.2.2 with same priority 100 but higher IP address than ours',
  );
  assert.equal(hi.rt.state, 'BACKUP');
  const lo = master({ srcAddr: '192.0.2.3' });
  const res = lo.do(advert(100), 9 * S);
  assert.equal(lo.rt.state, 'MASTER');
  assert.deepEqual(kinds(res.effects), [
    'log:(VI_1) Received advert from 192.0.2.2 with lower priority 100, ours 100, forcing new election',
    // Master for 6 intervals and it did not hear us: a split brain (split-brain.ts).
    'log:(VI_1) Split brain: 192.0.2.2 is also MASTER for VRID 51 (its priority 100, ours 100) - it yields, re-announcing our VIPs',
    'split-brain',
    'send-advert',
    'announce',
    'notify-event',
  ]);
  assert.equal(lo.rt.sandsUs, 9 * S + S, 'keepalived re-arms the advert timer after answering');
});

test('MASTER: lower-priority advert answered by advert + garp_lower_prio burst, and later a delayed burst', () => {
  const r = master({ basePriority: 100, garp: { lowerPrioDelayUs: 2 * S, lowerPrioRepeat: 3 } });
  const res = r.do(advert(50), 10 * S);
  const ann = res.effects.find((e) => e.kind === 'announce');
  assert.deepEqual(ann, { kind: 'announce', addresses: ['192.0.2.100'], repeat: 3, reason: 'lower-prio' });
  assert.ok(res.effects.some((e) => e.kind === 'notify-event' && e.event === 'master-rx-lower-pri'));
  assert.equal(r.rt.lowerPrioGarpAtUs, 12 * S);
  r.do({ kind: 'timer' }, 11 * S);
  const later = r.do({ kind: 'timer' }, 12 * S);
  assert.ok(
    later.effects.some((e) => e.kind === 'announce' && e.reason === 'lower-prio-delay' && e.repeat === 3),
  );
});

test('MASTER with lower_prio_no_advert stays quiet and keeps its advert timer', () => {
  const r = master({ lowerPrioNoAdvert: true, garp: { lowerPrioRepeat: 0 } });
  const before = r.last.deadlineUs;
  const res = r.do(advert(50), (before ?? 0) - 10);
  assert.deepEqual(kinds(res.effects), [
    'log:(VI_1) Received advert from 192.0.2.2 with lower priority 50, ours 100',
    'notify-event',
  ]);
  assert.equal(res.deadlineUs, before);
});

test('MASTER with higher_prio_send_advert sends one advert before leaving', () => {
  const r = master({ higherPrioSendAdvert: true });
  const res = r.do(advert(200), 10 * S);
  assert.equal(res.effects[0]?.kind, 'send-advert');
  assert.equal(r.rt.state, 'BACKUP');
});

test('MASTER answers a priority-0 advert with its own advert and stays master', () => {
  const r = master();
  const res = r.do(advert(0), 10 * S);
  assert.deepEqual(kinds(res.effects), ['send-advert']);
  assert.equal(r.rt.state, 'MASTER');
});

test('two address owners: the one that hears the other drops to 254 and yields', () => {
  const r = master({ basePriority: 255 });
  const res = r.do(advert(255), 10 * S);
  assert.deepEqual(logs(res.effects).slice(0, 2), [
    '(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority',
    '(VI_1) Master received advert from 192.0.2.2 with higher priority 255, ours 254',
  ]);
  assert.equal(r.rt.effectivePriority, 254);
  assert.equal(r.rt.state, 'BACKUP');
});

test('FAULT is a set of reasons: a master leaves with two priority-0 adverts, comes back as BACKUP', () => {
  const r = master();
  const res = r.do({ kind: 'fault-set', reason: 'eth0 down' }, 10 * S);
  assert.deepEqual(kinds(res.effects), [
    'log:(VI_1) Entering FAULT STATE',
    'send-advert',
    'send-advert',
    'del-vips',
    'notify',
  ]);
  assert.ok(res.effects.every((e) => e.kind !== 'send-advert' || e.priority === 0));
  assert.equal(res.deadlineUs, undefined);
  r.do({ kind: 'fault-set', reason: 'chk_nginx' }, 11 * S);
  assert.deepEqual(r.do({ kind: 'fault-clear', reason: 'eth0 down' }, 12 * S).effects, []);
  assert.equal(r.rt.state, 'FAULT');
  assert.deepEqual(r.do(advert(50), 12 * S).effects, [], 'FAULT ignores adverts');
  const up = r.do({ kind: 'fault-clear', reason: 'chk_nginx' }, 13 * S);
  assert.deepEqual(logs(up.effects), ['(VI_1) Entering BACKUP STATE']);
  assert.equal(r.rt.state, 'BACKUP');
  assert.equal(
    up.deadlineUs,
    13 * S + masterDownUs({ version: 2, effectivePriority: 100, masterAdverIntUs: S }),
  );
});

test('a fault before start makes the instance start in FAULT (init)', () => {
  const r = new Run(params());
  r.do({ kind: 'fault-set', reason: 'eth0 down' }, 0);
  const res = r.do({ kind: 'start' }, 0);
  assert.deepEqual(logs(res.effects), ['(VI_1) Entering FAULT STATE (init)']);
  assert.equal(r.rt.state, 'FAULT');
});

test('a script still in init holds FAULT silently; its first failure notifies FAULT, no log (keepalived)', () => {
  const r = new Run(params());
  r.do({ kind: 'fault-set', reason: initFaultReason('script chk') }, 0);
  const start = r.do({ kind: 'start' }, 0);
  assert.deepEqual(start.effects, []);
  assert.equal(r.rt.state, 'FAULT');
  // First result: failed. trackingInputs sets the new reason before clearing the init one.
  const fail = r.do({ kind: 'fault-set', reason: 'script chk' }, S);
  assert.deepEqual(logs(fail.effects), []);
  assert.ok(
    fail.effects.some((e) => e.kind === 'notify' && e.state === 'FAULT'),
    JSON.stringify(fail.effects),
  );
  assert.deepEqual(r.do({ kind: 'fault-clear', reason: initFaultReason('script chk') }, S).effects, []);
  // Passing later: BACKUP, logged and notified as usual.
  const up = r.do({ kind: 'fault-clear', reason: 'script chk' }, 2 * S);
  assert.deepEqual(logs(up.effects), ['(VI_1) Entering BACKUP STATE']);
});

test('priority changes: clamped to 1..254, shift a BACKUP timer, ignored for the owner', () => {
  const r = backup({ basePriority: 100, notifyPriorityChanges: true });
  const d0 = r.last.deadlineUs ?? 0;
  const res = r.do({ kind: 'priority', totalPriority: 300 }, S);
  assert.deepEqual(logs(res.effects), ['(VI_1) Changing effective priority from 100 to 254']);
  assert.ok(res.effects.some((e) => e.kind === 'notify-priority' && e.priority === 254));
  const skew = (p: number) => skewUs({ version: 2, effectivePriority: p, masterAdverIntUs: S });
  assert.equal(res.deadlineUs, d0 + skew(254) - skew(100));
  r.do({ kind: 'priority', totalPriority: -20 }, S);
  assert.equal(r.rt.effectivePriority, 1);
  const owner = backup({ basePriority: 255 });
  assert.deepEqual(owner.do({ kind: 'priority', totalPriority: 200 }, S).effects, []);
  assert.equal(owner.rt.effectivePriority, 255);
});

test('stop: a master sends priority 0 and releases its VIPs; all notify STOP; start again works', () => {
  const r = master();
  const res = r.do({ kind: 'stop' }, 10 * S);
  assert.deepEqual(kinds(res.effects), ['send-advert', 'del-vips', 'notify']);
  assert.deepEqual(res.effects.at(-1), { kind: 'notify', state: 'STOP', priority: 100 });
  assert.equal(r.rt.state, 'INIT');
  assert.equal(res.deadlineUs, undefined);
  assert.deepEqual(r.do({ kind: 'timer' }, 20 * S).effects, []);
  assert.deepEqual(r.do({ kind: 'stop' }, 20 * S).effects, [], 'stop is idempotent');
  r.do({ kind: 'start' }, 30 * S);
  assert.equal(r.rt.state, 'BACKUP');
  const b = backup();
  assert.deepEqual(kinds(b.do({ kind: 'stop' }, S).effects), ['notify'], 'a backup only notifies');
});

test('garp_master_refresh re-announces with the first advert at or after the refresh time', () => {
  const r = master({ garp: { masterRefreshUs: 2 * S, masterRefreshRepeat: 2, masterDelayUs: 0 } });
  const t0 = r.rt.garpRefreshAtUs ?? 0;
  let t = r.last.deadlineUs ?? 0;
  const seen: number[] = [];
  for (let i = 0; i < 5; i++, t += S) {
    for (const e of r.do({ kind: 'timer' }, t).effects) if (e.kind === 'announce') seen.push(t);
  }
  assert.deepEqual(seen, [t0, t0 + 2 * S]);
});

test('adverts carry keepalived fields: v2 whole seconds + password, v3 centiseconds', () => {
  const v2 = buildAdvert(params({ auth: { type: 'pass', pass: 'secret12345' } }), 100);
  assert.equal(v2.version === 2 && v2.adverIntSec, 1);
  assert.equal(v2.version === 2 && v2.authData?.toString(), 'secret12');
  const v3 = buildAdvert(params({ version: 3, adverIntUs: 50_000 }), 100);
  assert.equal(v3.version === 3 && v3.adverIntCs, 5);
  assert.deepEqual(v3.addresses, ['192.0.2.100']);
});

test('compareAddr orders by bytes and treats families apart as equal', () => {
  assert.equal(compareAddr('192.0.2.10', '192.0.2.9'), 1);
  assert.equal(compareAddr('10.0.0.1', '192.0.2.1'), -1);
  assert.equal(compareAddr('2001:db8::2', '2001:db8::1'), 1);
  assert.equal(compareAddr('2001:db8::1', '192.0.2.1'), 0);
});

test('MASTER: adverts keep their period when the timer fires late; a stall restarts the period', () => {
  const r = master();
  const first = r.last.deadlineUs ?? 0;
  const sent: number[] = [];
  let due = first;
  for (let i = 0; i < 5; i++) {
    // Each timer fires 1.5 ms late, as Node's whole-millisecond timers do.
    const res = r.do({ kind: 'timer' }, due + 1500);
    if (res.effects.some((e) => e.kind === 'send-advert')) sent.push(due);
    due = res.deadlineUs ?? 0;
  }
  assert.deepEqual(
    sent.map((t) => t - first),
    [0, 1, 2, 3, 4].map((n) => n * S),
    'deadlines stay on the 1 s grid, no drift',
  );
  // Stalled for 2.5 intervals: one advert now, the next one a full interval later.
  const late = due + 2.5 * S;
  r.do({ kind: 'timer' }, late);
  assert.equal(r.last.deadlineUs, late + S);
});

test('released: a master whose VIP was deleted goes BACKUP with priority 0 and is master again after the skew', () => {
  const r = master({ basePriority: 100 });
  const t = 10 * S;
  const res = r.do({ kind: 'released' }, t);
  assert.deepEqual(kinds(res.effects), [
    'log:(VI_1) Entering BACKUP STATE',
    'send-advert',
    'del-vips',
    'notify',
  ]);
  assert.equal(res.effects.find((e) => e.kind === 'send-advert')?.priority, 0);
  assert.equal(r.rt.state, 'BACKUP');
  const skew = skewUs({ version: 2, effectivePriority: 100, masterAdverIntUs: S });
  assert.equal(res.deadlineUs, t + skew, 'back after the skew time, not master-down');
  const back = r.do({ kind: 'timer' }, t + skew);
  assert.equal(r.rt.state, 'MASTER');
  assert.ok(
    back.effects.some((e) => e.kind === 'add-vips'),
    'the VIPs go back',
  );
});

test('released is ignored outside MASTER', () => {
  const r = backup({ basePriority: 100 });
  const before = r.last.deadlineUs;
  const res = r.do({ kind: 'released' }, 2 * S);
  assert.deepEqual(res.effects, []);
  assert.equal(res.deadlineUs, before);
});
