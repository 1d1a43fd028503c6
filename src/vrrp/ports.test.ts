import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VrrpEffect } from './fsm.js';
import { applyEffects, normalizeParams, type VrrpPorts, withDefaults } from './ports.js';

const base = { name: 'VI_1', vrid: 51, srcAddr: '192.0.2.1' };

test('withDefaults: keepalived 2.2.7 defaults, state MASTER without priority means 255', () => {
  const p = withDefaults(base);
  assert.equal(p.basePriority, 100);
  assert.equal(p.adverIntUs, 1_000_000);
  assert.equal(p.version, 2);
  assert.equal(p.preempt, true);
  assert.equal(p.accept, true);
  assert.deepEqual(p.garp, {
    masterDelayUs: 5_000_000,
    masterRepeat: 5,
    masterRefreshUs: 0,
    masterRefreshRepeat: 1,
    lowerPrioDelayUs: 5_000_000,
    lowerPrioRepeat: 5,
  });
  assert.equal(withDefaults({ ...base, initialState: 'MASTER' }).basePriority, 255);
  assert.ok(Object.isFrozen(p));
});

test('withDefaults: strict mode turns off accept (unless owner), lower-prio adverts and GARPs', () => {
  const p = withDefaults({ ...base, strict: true });
  assert.equal(p.accept, false);
  assert.equal(p.lowerPrioNoAdvert, true);
  assert.equal(p.garp.lowerPrioRepeat, 0);
  assert.equal(withDefaults({ ...base, strict: true, basePriority: 255 }).accept, true);
});

test('normalizeParams clears what keepalived clears, with its warnings', () => {
  const owner = normalizeParams(withDefaults({ ...base, basePriority: 255, preempt: false }));
  assert.equal(owner.params.preempt, true);
  assert.deepEqual(owner.warnings, [
    '(VI_1) nopreempt is incompatible with priority 255. resetting nopreempt',
  ]);
  const m = normalizeParams(
    withDefaults({ ...base, initialState: 'MASTER', basePriority: 100, preemptDelayUs: 5 }),
  );
  assert.equal(m.params.preemptDelayUs, 0);
  assert.equal(m.warnings.length, 1);
  const np = normalizeParams(withDefaults({ ...base, preempt: false, preemptDelayUs: 5 }));
  assert.equal(np.params.preemptDelayUs, 0);
  const fine = withDefaults(base);
  assert.equal(normalizeParams(fine).params, fine);
});

test('applyEffects dispatches in order to the matching port', () => {
  const calls: string[] = [];
  const ports: VrrpPorts = {
    transport: { sendAdvert: (i, e) => calls.push(`${i} send ${e.priority}`) },
    vips: { addVips: () => calls.push('add'), delVips: () => calls.push('del') },
    announcer: { announce: (_i, e) => calls.push(`announce ${e.repeat}`) },
    notifier: { notify: (_i, e) => calls.push(e.kind) },
    logger: { log: (t, d) => calls.push(`${d ? 'detail' : 'info'} ${t}`) },
  };
  const advert = { version: 3, family: 4, vrid: 1, priority: 0, addresses: [], adverIntCs: 100 } as const;
  const fx: VrrpEffect[] = [
    { kind: 'send-advert', priority: 0, advert },
    { kind: 'log', text: 'x' },
    { kind: 'log', text: 'y', detail: true },
    { kind: 'add-vips', vips: [], excludedVips: [], routes: [], rules: [], blockIncoming: false },
    { kind: 'announce', addresses: ['192.0.2.1'], repeat: 2, reason: 'refresh' },
    { kind: 'del-vips', vips: [], excludedVips: [], routes: [], rules: [], blockIncoming: false },
    { kind: 'notify', state: 'STOP', priority: 1 },
    { kind: 'notify-event', event: 'master-rx-lower-pri', priority: 100 },
  ];
  applyEffects('VI_1', fx, ports);
  assert.deepEqual(calls, [
    'VI_1 send 0',
    'info x',
    'detail y',
    'add',
    'announce 2',
    'del',
    'notify',
    'notify-event',
  ]);
});
