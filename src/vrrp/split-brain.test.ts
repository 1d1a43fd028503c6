/**
 * Split brain on a fake clock: two routers cut apart both become MASTER; when the path is back
 * exactly one MASTER remains within two advert intervals, the winner reports it once and
 * re-announces its VIPs whichever of the two spoke first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VrrpRuntime } from '../daemon/vrrp-runtime.js';
import { ipv4AdvertPacket } from '../testing/advert-packet.js';
import { FakeClock } from '../testing/fake-clock.js';
import { type VrrpPorts, withDefaults } from './ports.js';
import { detectSplitBrain } from './split-brain.js';

const GROUP = '224.0.0.18';
const S = 1_000_000;

interface Router {
  readonly runtime: VrrpRuntime;
  readonly announced: number[];
  readonly splitBrains: string[];
}

function pair(clock: FakeClock, cut: { on: boolean }, prioA: number, prioB: number): [Router, Router] {
  const routers: Router[] = [];
  const make = (addr: string, prio: number, peer: () => Router): Router => {
    const announced: number[] = [];
    const splitBrains: string[] = [];
    const ports: VrrpPorts = {
      transport: {
        sendAdvert: (_i, e) => {
          if (cut.on) return;
          const bytes = ipv4AdvertPacket(e.advert, addr, GROUP);
          clock.schedule(clock.nowUs(), () =>
            peer().runtime.receive({ family: 4, bytes, srcAddr: addr, dstAddr: GROUP, ttl: 255, ifindex: 2 }),
          );
        },
      },
      vips: { addVips: () => {}, delVips: () => {} },
      announcer: { announce: () => announced.push(clock.nowUs()) },
      notifier: {
        notify: (_i, e) => {
          if (e.kind === 'split-brain') splitBrains.push(`${e.peer} ${e.peerPriority} ${e.priority}`);
        },
      },
      logger: { log: () => {} },
    };
    const params = withDefaults({
      name: 'VI_1',
      vrid: 51,
      srcAddr: addr,
      basePriority: prio,
      vips: ['192.0.2.250'],
      adverIntUs: S,
      garp: { masterDelayUs: 0 },
    });
    return { runtime: new VrrpRuntime([{ params, ifindex: 2 }], { clock, ports }), announced, splitBrains };
  };
  routers.push(make('192.0.2.1', prioA, () => routers[1] as Router));
  routers.push(make('192.0.2.2', prioB, () => routers[0] as Router));
  return routers as [Router, Router];
}

const state = (r: Router) => r.runtime.status()[0]?.state;

for (const [label, prioA, prioB] of [
  ['different priorities', 100, 90],
  ['equal priorities (the higher address wins)', 100, 100],
] as const) {
  for (const offsetUs of [0, 300_000, 700_000]) {
    test(`split brain, ${label}, healed ${offsetUs} µs into an interval: one MASTER, winner re-announces`, () => {
      const clock = new FakeClock();
      const cut = { on: false };
      const [a, b] = pair(clock, cut, prioA, prioB);
      a.runtime.start();
      b.runtime.start();
      clock.advanceBy(10 * S);
      const [winner, loser] = prioA > prioB ? [a, b] : [b, a];
      assert.equal(state(winner), 'MASTER');
      cut.on = true;
      clock.advanceBy(10 * S + offsetUs);
      assert.equal(state(a), 'MASTER');
      assert.equal(state(b), 'MASTER');
      const healedAt = clock.nowUs();
      cut.on = false;
      clock.runUntil(() => state(loser) === 'BACKUP', healedAt + 2 * S);
      assert.equal(state(loser), 'BACKUP');
      assert.equal(state(winner), 'MASTER');
      assert.ok(clock.nowUs() - healedAt <= 2 * S, 'one MASTER within 2 × advert_int');
      clock.advanceBy(S / 10);
      assert.ok(
        winner.announced.some((t) => t >= healedAt),
        'the winner re-announced its VIPs after the heal',
      );
      assert.equal(winner.splitBrains.length, 1, 'reported once');
      assert.deepEqual(loser.splitBrains, []);
      assert.equal(winner.runtime.engine.instance('VI_1')?.stats().splitBrain, 1);
      clock.advanceBy(10 * S);
      assert.equal(winner.splitBrains.length, 1, 'one episode');
    });
  }
}

test('a preempting master does not call the old master a split brain', () => {
  const clock = new FakeClock();
  const cut = { on: false };
  const [a, b] = pair(clock, cut, 90, 100);
  a.runtime.start();
  clock.advanceBy(5 * S);
  assert.equal(state(a), 'MASTER');
  b.runtime.start();
  clock.advanceBy(10 * S);
  assert.equal(state(b), 'MASTER');
  assert.equal(state(a), 'BACKUP');
  assert.deepEqual([...a.splitBrains, ...b.splitBrains], []);
});

test('detectSplitBrain: not within the first interval as master; one episode while adverts keep coming', () => {
  const rules = { adverIntUs: S, holdUs: 3 * S };
  assert.equal(
    detectSplitBrain({ nowUs: 10 * S, masterSinceUs: 9.5 * S, untilUs: undefined }, rules).newEpisode,
    false,
  );
  const first = detectSplitBrain({ nowUs: 10 * S, masterSinceUs: 2 * S, untilUs: undefined }, rules);
  assert.deepEqual(first, { newEpisode: true, untilUs: 13 * S });
  assert.equal(
    detectSplitBrain({ nowUs: 12 * S, masterSinceUs: 2 * S, untilUs: 13 * S }, rules).newEpisode,
    false,
  );
  assert.equal(
    detectSplitBrain({ nowUs: 14 * S, masterSinceUs: 2 * S, untilUs: 13 * S }, rules).newEpisode,
    true,
  );
});
