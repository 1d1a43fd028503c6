/**
 * Whole elections on the fake LAN: real codec, real FSM, fake time. Every timing is exact, since
 * the clock only moves to the next deadline; the facts file's measured bounds are checked too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeLan, type FakeNode, seededRng } from '../testing/fake-lan.js';
import { type VrrpParamsInput, withDefaults } from './ports.js';
import { masterDownUs, skewUs } from './timers.js';

const S = 1_000_000;
const VIP = '192.0.2.100/24';

function lanWith(...nodes: [string, number, string, Partial<VrrpParamsInput>?][]): [FakeLan, ...FakeNode[]] {
  const lan = new FakeLan();
  const made = nodes.map(([name, prio, addr, over]) =>
    lan.addNode(withDefaults({ name, vrid: 51, srcAddr: addr, basePriority: prio, vips: [VIP], ...over })),
  );
  return [lan, ...made];
}
const n = (x: FakeNode | undefined): FakeNode => {
  assert.ok(x);
  return x;
};
const names = (ns: FakeNode[]) => ns.map((x) => x.name).join();
const lastSentAt = (x: FakeNode): number => x.sent.at(-1)?.atUs ?? Number.NaN;
/** Advances until `x` is MASTER; returns when it became so. */
function untilMaster(lan: FakeLan, x: FakeNode, limitUs: number): number {
  assert.ok(
    lan.clock.runUntil(() => x.state === 'MASTER', limitUs),
    `${x.name} never became master`,
  );
  return lan.clock.nowUs();
}
/** Checks a single master and that only it holds the VIP, over `spanUs` of adverts. */
function assertStable(lan: FakeLan, masterName: string, spanUs: number): void {
  const end = lan.clock.nowUs() + spanUs;
  while (lan.clock.nowUs() < end) {
    lan.clock.advanceBy(100_000);
    assert.equal(names(lan.masters()), masterName);
    assert.deepEqual(
      lan.nodes.filter((x) => x.vips.has(VIP)).map((x) => x.name),
      [masterName],
    );
  }
}

test('election by priority: the highest priority wins after its own master-down time', () => {
  const [lan, a, b, c] = lanWith(['A', 100, '192.0.2.1'], ['B', 90, '192.0.2.2'], ['C', 80, '192.0.2.3']);
  for (const x of [a, b, c]) n(x).start();
  const at = untilMaster(lan, n(a), 10 * S);
  assert.equal(at, masterDownUs({ version: 2, effectivePriority: 100, masterAdverIntUs: S }));
  assertStable(lan, 'A', 30 * S);
  assert.deepEqual(n(b).logTexts(), ['(B) Entering BACKUP STATE (init)']);
  assert.equal(n(a).announces[0]?.effect.reason, 'become-master');
});

test('tie on priority: the higher primary address keeps mastership', () => {
  const [lan, a, b] = lanWith(['A', 100, '192.0.2.1'], ['B', 100, '192.0.2.2']);
  n(a).start();
  n(b).start();
  lan.clock.advanceTo(10 * S);
  assertStable(lan, 'B', 20 * S);
  assert.ok(
    n(a)
      .logTexts()
      .includes(
        '(A) Master received advert from 192.0.2.2 with same priority 100 but higher IP address than ours',
      ),
  );
  assert.ok(
    n(b)
      .logTexts()
      .includes('(B) Received advert from 192.0.2.1 with lower priority 100, ours 100, forcing new election'),
  );
});

for (const [adverIntUs, boundUs] of [
  // keepalived-facts bounds, in whole ms as measured there, so +1 ms for their rounding
  [S, 3_649_000],
  [100_000, 366_000],
  [50_000, 183_000],
] as const) {
  test(`v3 advert_int ${adverIntUs / S} s: a dead master is replaced exactly at master-down (facts bound ${boundUs / 1000 - 1} ms)`, () => {
    const [lan, a, b] = lanWith(
      ['A', 100, '192.0.2.1', { version: 3, adverIntUs }],
      ['B', 90, '192.0.2.2', { version: 3, adverIntUs }],
    );
    n(a).start();
    n(b).start();
    untilMaster(lan, n(a), 10 * S);
    lan.clock.advanceBy(10 * adverIntUs);
    lan.clock.runUntil(() => lastSentAt(n(a)) === lan.clock.nowUs(), lan.clock.nowUs() + 2 * adverIntUs);
    const lastAdvert = lan.clock.nowUs();
    n(a).cut(); // power cut right after an advert, as measured in keepalived-facts
    const took = untilMaster(lan, n(b), lastAdvert + 10 * adverIntUs) - lastAdvert;
    assert.equal(took, masterDownUs({ version: 3, effectivePriority: 90, masterAdverIntUs: adverIntUs }));
    assert.ok(took <= boundUs, `${took} us exceeds keepalived's ${boundUs} us`);
    assert.ok(n(b).vips.has(VIP));
  });
}

test('graceful stop: priority-0 advert, VIPs released, backup takes over after its skew', () => {
  const [lan, a, b] = lanWith(['A', 100, '192.0.2.1'], ['B', 90, '192.0.2.2']);
  n(a).start();
  n(b).start();
  untilMaster(lan, n(a), 10 * S);
  lan.clock.advanceBy(2_500_000);
  const t = lan.clock.nowUs();
  n(a).stop();
  assert.equal(n(a).sent.at(-1)?.effect.priority, 0);
  assert.equal(n(a).vips.size, 0);
  assert.deepEqual(n(a).notifications.at(-1)?.effect, { kind: 'notify', state: 'STOP', priority: 100 });
  const took = untilMaster(lan, n(b), t + 5 * S) - t;
  assert.equal(took, skewUs({ version: 2, effectivePriority: 90, masterAdverIntUs: S }));
  assert.equal(took, 648_437); // keepalived-facts: 661 ms measured, skew 648 ms
  assertStable(lan, 'B', 5 * S);
});

function preemptScenario(over: Partial<VrrpParamsInput>): {
  lan: FakeLan;
  a: FakeNode;
  b: FakeNode;
  joinedAt: number;
} {
  const [lan, a, b] = lanWith(['A', 100, '192.0.2.1', over], ['B', 90, '192.0.2.2']);
  n(b).start();
  untilMaster(lan, n(b), 10 * S);
  lan.clock.advanceBy(1_234_567);
  const joinedAt = lan.clock.nowUs();
  n(a).start();
  return { lan, a: n(a), b: n(b), joinedAt };
}

test('preempt (default): a higher priority joining takes over at its master-down time', () => {
  const { lan, a, joinedAt } = preemptScenario({});
  const at = untilMaster(lan, a, joinedAt + 10 * S);
  assert.equal(at - joinedAt, masterDownUs({ version: 2, effectivePriority: 100, masterAdverIntUs: S }));
  assert.ok(a.logTexts().includes('(A) received lower priority (90) advert from 192.0.2.2 - discarding'));
  assertStable(lan, 'A', 5 * S);
});

test('nopreempt: a higher priority joining stays backup', () => {
  const { lan } = preemptScenario({ preempt: false });
  lan.clock.advanceBy(60 * S);
  assertStable(lan, 'B', 5 * S);
});

test('preempt_delay: takeover once the delay has run out and the last tolerated advert timed out', () => {
  const { lan, a, b, joinedAt } = preemptScenario({ preemptDelayUs: 10 * S });
  const at = untilMaster(lan, a, joinedAt + 60 * S);
  const firstSeen = b.sent.find((s) => s.atUs >= joinedAt)?.atUs ?? Number.NaN;
  const preemptAt = firstSeen + 10 * S;
  const lastTolerated = Math.max(...b.sent.filter((s) => s.atUs < preemptAt).map((s) => s.atUs));
  assert.equal(at, lastTolerated + masterDownUs({ version: 2, effectivePriority: 100, masterAdverIntUs: S }));
  assert.ok(at - joinedAt > 10 * S);
});

test('v3: a backup learns the master interval, then advertises its own', () => {
  const [lan, a, b] = lanWith(
    ['A', 100, '192.0.2.1', { version: 3, adverIntUs: 500_000 }],
    ['B', 90, '192.0.2.2', { version: 3, adverIntUs: S }],
  );
  n(a).start();
  n(b).start();
  untilMaster(lan, n(a), 10 * S);
  lan.clock.advanceBy(2 * S);
  assert.equal(n(b).instance.state.runtime.masterAdverIntUs, 500_000);
  lan.clock.runUntil(() => lastSentAt(n(a)) === lan.clock.nowUs(), lan.clock.nowUs() + S);
  const t = lan.clock.nowUs();
  n(a).cut();
  assert.equal(untilMaster(lan, n(b), t + 10 * S) - t, 1_824_218); // 3 * 0.5 s + skew(90, 0.5 s)
  lan.clock.advanceBy(3 * S);
  const gaps = n(b)
    .sent.slice(-3)
    .map((s, i, all) => s.atUs - (all[i - 1]?.atUs ?? 0));
  assert.deepEqual(gaps.slice(1), [S, S]);
});

test('owner 255 with state MASTER takes over at once, whoever is master', () => {
  const [lan, owner, b] = lanWith(
    ['OWN', 255, '192.0.2.1', { initialState: 'MASTER' }],
    ['B', 100, '192.0.2.2'],
  );
  n(b).start();
  untilMaster(lan, n(b), 10 * S);
  lan.clock.advanceBy(S / 3);
  const t = lan.clock.nowUs();
  n(owner).start();
  assert.equal(untilMaster(lan, n(owner), t + S), t + 1);
  lan.clock.advanceBy(1);
  assert.equal(n(b).state, 'BACKUP');
  assertStable(lan, 'OWN', 5 * S);
});

test('partition: both sides elect a master; after healing one master remains', () => {
  const [lan, a, b] = lanWith(['A', 100, '192.0.2.1'], ['B', 90, '192.0.2.2']);
  n(a).start();
  n(b).start();
  untilMaster(lan, n(a), 10 * S);
  lan.partition([n(a)], [n(b)]);
  lan.clock.advanceBy(10 * S);
  assert.equal(names(lan.masters()), 'A,B');
  lan.heal();
  lan.clock.advanceBy(S);
  assertStable(lan, 'A', 10 * S);
  assert.ok(
    n(b).logTexts().includes('(B) Master received advert from 192.0.2.1 with higher priority 100, ours 90'),
  );
});

test('fault on the master: priority 0, the backup takes over after its skew, the master returns by preempting', () => {
  const [lan, a, b] = lanWith(['A', 100, '192.0.2.1'], ['B', 90, '192.0.2.2']);
  n(a).start();
  n(b).start();
  untilMaster(lan, n(a), 10 * S);
  lan.clock.advanceBy(S / 2);
  const t = lan.clock.nowUs();
  n(a).setFault('eth0 down');
  assert.equal(untilMaster(lan, n(b), t + 5 * S) - t, 648_437);
  n(a).clearFault('eth0 down');
  lan.clock.advanceBy(10 * S);
  assertStable(lan, 'A', 3 * S);
});

test('tracking lowers the master below the backup: the backup preempts', () => {
  const [lan, a, b] = lanWith(['A', 100, '192.0.2.1'], ['B', 90, '192.0.2.2']);
  n(a).start();
  n(b).start();
  untilMaster(lan, n(a), 10 * S);
  n(a).setPriority(80);
  lan.clock.advanceBy(10 * S);
  assertStable(lan, 'B', 3 * S);
});

test('PASS and AH authentication elect through the real codec; a wrong key splits the brain', () => {
  for (const auth of [
    { type: 'pass', pass: 'secret' },
    { type: 'ah', pass: 'secret' },
  ] as const) {
    const [lan, a, b] = lanWith(['A', 100, '192.0.2.1', { auth }], ['B', 90, '192.0.2.2', { auth }]);
    n(a).start();
    n(b).start();
    lan.clock.advanceBy(10 * S);
    assertStable(lan, 'A', 3 * S);
    assert.equal(n(b).instance.stats().drops.size, 0);
    const [lan2, c, d] = lanWith(
      ['C', 100, '192.0.2.1', { auth }],
      ['D', 90, '192.0.2.2', { auth: { ...auth, pass: 'other' } }],
    );
    n(c).start();
    n(d).start();
    lan2.clock.advanceBy(10 * S);
    assert.equal(names(lan2.masters()), 'C,D');
    assert.equal(n(d).instance.dropCount(auth.type === 'pass' ? 'bad-password' : 'bad-ah-icv') > 0, true);
  }
});

test('IPv6 VRRPv3 and unicast peers elect too', () => {
  const v6 = { version: 3, family: 6, vips: ['2001:db8::100/64'] } as const;
  const [lan, a, b] = lanWith(['A', 100, 'fe80::1', v6], ['B', 90, 'fe80::2', v6]);
  n(a).start();
  n(b).start();
  lan.clock.advanceBy(10 * S);
  assert.equal(names(lan.masters()), 'A');
  const [lan2, c, d] = lanWith(
    ['C', 100, '192.0.2.1', { unicastPeers: ['192.0.2.2'], checkUnicastSrc: true }],
    ['D', 90, '192.0.2.2', { unicastPeers: ['192.0.2.1'], checkUnicastSrc: true }],
  );
  n(c).start();
  n(d).start();
  lan2.clock.advanceBy(10 * S);
  assertStable(lan2, 'C', 3 * S);
});

test('30% loss: elections still settle to one master once the loss stops', () => {
  const lan = new FakeLan(undefined, { rng: seededRng(7) });
  const mk = (name: string, prio: number, addr: string) =>
    lan.addNode(withDefaults({ name, vrid: 51, srcAddr: addr, basePriority: prio, vips: [VIP] }));
  const a = mk('A', 100, '192.0.2.1');
  const b = mk('B', 90, '192.0.2.2');
  a.start();
  b.start();
  lan.setLoss(0.3);
  lan.clock.advanceBy(120 * S);
  lan.setLoss(0);
  lan.clock.advanceBy(5 * S);
  assertStable(lan, 'A', 5 * S);
  assert.ok(lan.framesLost > 0);
});
