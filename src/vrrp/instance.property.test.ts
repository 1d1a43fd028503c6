import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import fc from 'fast-check';
import { FakeLan, type FakeNode, seededRng } from '../testing/fake-lan.js';
import { initialState, step, type VrrpInput } from './fsm.js';
import { normalizeParams, type VrrpParamsInput, withDefaults } from './ports.js';
import { masterDownUs } from './timers.js';

const S = 1_000_000;
const VIP = '192.0.2.100/24';

test('random bytes never throw, in any state, as IPv4 frames, IPv6 payloads or raw payloads', () => {
  const lan = new FakeLan();
  const m = lan.addNode(
    withDefaults({
      name: 'M',
      vrid: 51,
      srcAddr: '192.0.2.1',
      basePriority: 255,
      initialState: 'MASTER',
      vips: [VIP],
    }),
  );
  const b = lan.addNode(
    withDefaults({ name: 'B', vrid: 51, srcAddr: '192.0.2.2', vips: [VIP], auth: { type: 'ah', pass: 'k' } }),
  );
  const v6 = lan.addNode(
    withDefaults({ name: 'V6', vrid: 51, version: 3, family: 6, srcAddr: 'fe80::1', vips: ['2001:db8::1'] }),
  );
  for (const x of lan.nodes) x.start();
  lan.clock.advanceBy(S);
  lan.partition();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 128 }), fc.integer({ min: 0, max: 255 }), (bytes, ttl) => {
      const buf = Buffer.from(bytes);
      for (const x of [m, b, v6]) {
        x.receiveFrame({ kind: 'ipv4', bytes: buf });
        x.receiveFrame({ kind: 'ipv6', bytes: buf, srcAddr: 'fe80::2', dstAddr: 'ff02::12', hopLimit: ttl });
        x.handle({
          kind: 'packet',
          packet: { bytes: buf, srcAddr: '192.0.2.9', dstAddr: '224.0.0.18', ttl },
        });
      }
    }),
    { numRuns: 2000 },
  );
  assert.equal(m.state, 'MASTER');
});

test('VRRP-shaped random adverts never throw and never unseat a master they should not', () => {
  const lan = new FakeLan();
  const m = lan.addNode(
    withDefaults({ name: 'M', vrid: 51, srcAddr: '192.0.2.1', basePriority: 200, vips: [VIP] }),
  );
  m.start();
  lan.clock.advanceBy(10 * S);
  assert.equal(m.state, 'MASTER');
  fc.assert(
    fc.property(
      fc.record({
        vrid: fc.integer({ min: 0, max: 255 }),
        priority: fc.integer({ min: 0, max: 199 }),
        interval: fc.integer({ min: 0, max: 255 }),
      }),
      (r) => {
        const adv = {
          version: 2,
          family: 4,
          vrid: r.vrid,
          priority: r.priority,
          addresses: ['192.0.2.100'],
          adverIntSec: r.interval,
          authType: 'none',
        } as const;
        m.handle({
          kind: 'decoded',
          rx: { advert: adv, srcAddr: '192.0.2.7', dstAddr: '224.0.0.18', ttl: 255 },
        });
        assert.equal(m.state, 'MASTER');
      },
    ),
    { numRuns: 1000 },
  );
});

type Ev =
  | { t: 'advance'; us: number }
  | { t: 'priority'; node: number; prio: number }
  | { t: 'fault'; node: number; reason: 'a' | 'b' }
  | { t: 'clear'; node: number; reason: 'a' | 'b' }
  | { t: 'stop' | 'start' | 'cut' | 'reconnect'; node: number }
  | { t: 'partition'; mask: number }
  | { t: 'heal' }
  | { t: 'loss'; p: number };

const evArb = (nodes: number): fc.Arbitrary<Ev> => {
  const node = fc.integer({ min: 0, max: nodes - 1 });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ t: fc.constant('advance' as const), us: fc.integer({ min: 0, max: 6 * S }) }),
    },
    fc.record({ t: fc.constant('priority' as const), node, prio: fc.integer({ min: -10, max: 300 }) }),
    fc.record({
      t: fc.constant('fault' as const),
      node,
      reason: fc.constantFrom('a' as const, 'b' as const),
    }),
    fc.record({
      t: fc.constant('clear' as const),
      node,
      reason: fc.constantFrom('a' as const, 'b' as const),
    }),
    fc.record({
      t: fc.constantFrom('stop' as const, 'start' as const, 'cut' as const, 'reconnect' as const),
      node,
    }),
    fc.record({ t: fc.constant('partition' as const), mask: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ t: fc.constant('heal' as const) }),
    fc.record({ t: fc.constant('loss' as const), p: fc.constantFrom(0, 0.2, 0.7, 1) }),
  );
};

const nodeArb = fc.record({
  prio: fc.oneof(fc.integer({ min: 1, max: 254 }), fc.constant(255)),
  preempt: fc.boolean(),
  preemptDelayUs: fc.constantFrom(0, 0, 5 * S),
  initialState: fc.constantFrom('BACKUP' as const, 'MASTER' as const),
  higherPrioSendAdvert: fc.boolean(),
  skipCheckAdvAddr: fc.boolean(),
});

const scenarioArb = fc
  .record({
    version: fc.constantFrom(2 as const, 3 as const),
    adverIntUs: fc.constantFrom(S, 2 * S, 100_000),
    nodes: fc.array(nodeArb, { minLength: 2, maxLength: 4 }),
    seed: fc.integer(),
  })
  .chain((s) => fc.record({ s: fc.constant(s), events: fc.array(evArb(s.nodes.length), { maxLength: 40 }) }));

test('random event sequences never throw; once healed, exactly one master holds the VIP after master-down', () => {
  fc.assert(
    fc.property(scenarioArb, ({ s, events }) => {
      if (s.version === 2 && s.adverIntUs < S) return; // v2 intervals are whole seconds
      const lan = new FakeLan(undefined, { rng: seededRng(s.seed) });
      const nodes: FakeNode[] = s.nodes.map((x, i) => {
        const over: VrrpParamsInput = {
          name: `N${i}`,
          vrid: 7,
          srcAddr: `192.0.2.${i + 1}`,
          version: s.version,
          adverIntUs: s.adverIntUs,
          basePriority: x.prio,
          preempt: x.preempt,
          preemptDelayUs: x.preemptDelayUs,
          initialState: x.initialState,
          higherPrioSendAdvert: x.higherPrioSendAdvert,
          skipCheckAdvAddr: x.skipCheckAdvAddr,
          vips: [VIP],
        };
        return lan.addNode(normalizeParams(withDefaults(over)).params);
      });
      for (const x of nodes) x.start();
      for (const e of events) {
        const x = 'node' in e ? nodes[e.node] : undefined;
        switch (e.t) {
          case 'advance':
            lan.clock.advanceBy(e.us);
            break;
          case 'priority':
            x?.setPriority(e.prio);
            break;
          case 'fault':
            x?.setFault(e.reason);
            break;
          case 'clear':
            x?.clearFault(e.reason);
            break;
          case 'stop':
            x?.stop();
            break;
          case 'start':
            x?.start();
            break;
          case 'cut':
            x?.cut();
            break;
          case 'reconnect':
            x?.reconnect();
            break;
          case 'partition':
            lan.partition(
              nodes.filter((_, i) => ((e.mask >> i) & 1) === 0),
              nodes.filter((_, i) => ((e.mask >> i) & 1) === 1),
            );
            break;
          case 'heal':
            lan.heal();
            break;
          case 'loss':
            lan.setLoss(e.p);
            break;
        }
      }
      lan.heal();
      lan.setLoss(0);
      for (const x of nodes) x.reconnect();
      // Long enough for: one advert round, an owner conflict's double step-down, a new master-down.
      const down = masterDownUs({ version: s.version, effectivePriority: 1, masterAdverIntUs: s.adverIntUs });
      lan.clock.advanceBy(3 * (down + s.adverIntUs));
      const live = nodes.filter((x) => x.state === 'BACKUP' || x.state === 'MASTER');
      const masters = lan.masters();
      assert.ok(masters.length <= 1, `two masters: ${masters.map((x) => x.name)}`);
      if (live.length > 0) assert.equal(masters.length, 1, 'a live instance but no master');
      const holders = nodes.filter((x) => x.vips.size > 0);
      assert.deepEqual(
        holders.map((x) => x.name),
        masters.map((x) => x.name),
        'VIPs only on the master',
      );
    }),
    { numRuns: 300 },
  );
});

test('step() is total over random inputs from any reachable state', () => {
  const p = withDefaults({ name: 'VI', vrid: 1, srcAddr: '192.0.2.1', vips: [VIP], preemptDelayUs: 3 * S });
  const inputArb: fc.Arbitrary<VrrpInput> = fc.oneof(
    fc.constantFrom<VrrpInput>({ kind: 'start' }, { kind: 'stop' }, { kind: 'timer' }),
    fc.record({
      kind: fc.constant('priority' as const),
      totalPriority: fc.integer({ min: -1000, max: 1000 }),
    }),
    fc.record({
      kind: fc.constantFrom('fault-set' as const, 'fault-clear' as const),
      reason: fc.constantFrom('x', 'y'),
    }),
    fc.record({
      kind: fc.constant('advert' as const),
      srcAddr: fc.constantFrom('192.0.2.0', '192.0.2.1', '192.0.2.2', 'garbage'),
      advert: fc.record({
        version: fc.constant(2 as const),
        family: fc.constant(4 as const),
        vrid: fc.constant(1),
        priority: fc.integer({ min: 0, max: 255 }),
        addresses: fc.constant(['192.0.2.100']),
        adverIntSec: fc.constant(1),
        authType: fc.constant('none' as const),
      }),
    }),
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(inputArb, fc.integer({ min: 0, max: 5 * S })), { maxLength: 60 }),
      (seq) => {
        let s = initialState(p);
        let now = 0;
        for (const [input, dt] of seq) {
          now += dt;
          const r = step(s, input, now);
          s = r.state;
          const rt = s.runtime;
          assert.equal(rt.vipsSet, rt.state === 'MASTER', 'VIPs are set exactly while MASTER');
          assert.equal(rt.state === 'FAULT', rt.started && rt.faults.size > 0);
          if (rt.state === 'BACKUP' || rt.state === 'MASTER') assert.notEqual(r.deadlineUs, undefined);
          assert.ok(rt.effectivePriority >= 1 && rt.effectivePriority <= 255);
        }
      },
    ),
    { numRuns: 500 },
  );
});
