/**
 * Reload as a diff on two runtimes joined on one fake clock: an unchanged reload is invisible
 * on the wire, a priority change elects nobody needlessly, VIP changes touch only the changed
 * addresses, a removed master says goodbye, an added instance starts, the AH sequence goes on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipv4AdvertPacket } from '../testing/advert-packet.js';
import { FakeClock } from '../testing/fake-clock.js';
import {
  type NotifyEffect,
  type SendAdvertEffect,
  type VrrpInstanceParams,
  type VrrpParamsInput,
  type VrrpPorts,
  withDefaults,
} from '../vrrp/ports.js';
import { type InstanceStatus, type RuntimeReload, VrrpRuntime } from './vrrp-runtime.js';

const GROUP = '224.0.0.18';

interface Node {
  readonly runtime: VrrpRuntime;
  readonly addr: string;
  /** VIP operations in order, e.g. `+192.0.2.250`. */
  readonly vipOps: string[];
  readonly states: InstanceStatus[];
  readonly sent: { atUs: number; instance: string; effect: SendAdvertEffect }[];
  readonly notifies: { instance: string; effect: NotifyEffect }[];
  params(over?: Partial<VrrpParamsInput>): VrrpInstanceParams;
}

function pair(
  clock: FakeClock,
  prioA: number,
  prioB: number,
  over: Partial<VrrpParamsInput> = {},
): [Node, Node] {
  const nodes: Node[] = [];
  const make = (addr: string, priority: number, peer: () => Node): Node => {
    const params = (o: Partial<VrrpParamsInput> = {}): VrrpInstanceParams =>
      withDefaults({
        name: 'VI_1',
        vrid: 51,
        srcAddr: addr,
        basePriority: priority,
        vips: ['192.0.2.250'],
        garp: { masterDelayUs: 0 },
        ...over,
        ...o,
      });
    const node: Node = {
      addr,
      vipOps: [],
      states: [],
      sent: [],
      notifies: [],
      params,
      runtime: undefined as unknown as VrrpRuntime,
    };
    const ports: VrrpPorts = {
      transport: {
        sendAdvert: (instance, e) => {
          node.sent.push({ atUs: clock.nowUs(), instance, effect: e });
          if (e.advert.version !== 2 || e.advert.authType === 'ah') return;
          const bytes = ipv4AdvertPacket(e.advert, addr, GROUP);
          clock.schedule(clock.nowUs(), () =>
            peer().runtime.receive({ family: 4, bytes, srcAddr: addr, dstAddr: GROUP, ttl: 255, ifindex: 2 }),
          );
        },
      },
      vips: {
        // In the backend's order: addresses, routes, rules up; rules, routes, addresses down.
        addVips: (_i, e) =>
          node.vipOps.push(
            ...[...e.vips, ...e.excludedVips].map((v) => `+${v}`),
            ...e.routes.map((r) => `+route ${r}`),
            ...e.rules.map((r) => `+rule ${r}`),
          ),
        delVips: (_i, e) =>
          node.vipOps.push(
            ...e.rules.map((r) => `-rule ${r}`),
            ...e.routes.map((r) => `-route ${r}`),
            ...[...e.vips, ...e.excludedVips].map((v) => `-${v}`),
          ),
      },
      announcer: { announce: () => {} },
      notifier: { notify: (instance, effect) => node.notifies.push({ instance, effect }) },
      logger: { log: () => {} },
    };
    const runtime = new VrrpRuntime([{ params: params(), ifindex: 2 }], {
      clock,
      ports,
      onStateChange: (s) => node.states.push(s),
    });
    Object.assign(node, { runtime });
    return node;
  };
  nodes.push(make('192.0.2.1', prioA, () => nodes[1] as Node));
  nodes.push(make('192.0.2.2', prioB, () => nodes[0] as Node));
  return nodes as [Node, Node];
}

const NONE: RuntimeReload = { removed: [], changed: [], added: [], events: [] };

function settled(
  clock: FakeClock,
  prioA = 150,
  prioB = 100,
  over: Partial<VrrpParamsInput> = {},
): [Node, Node] {
  const [a, b] = pair(clock, prioA, prioB, over);
  a.runtime.start();
  b.runtime.start();
  clock.advanceBy(10_000_000);
  assert.equal(a.runtime.status()[0]?.state, 'MASTER');
  assert.equal(b.runtime.status()[0]?.state, 'BACKUP');
  return [a, b];
}

/** The largest gap between two adverts the node sent after `fromUs`. */
function maxGapUs(n: Node, fromUs: number): number {
  const times = n.sent.filter((s) => s.atUs >= fromUs).map((s) => s.atUs);
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return gap;
}

test('100 unchanged reloads: no transition, no extra or missing advert, no VIP operation', () => {
  const clock = new FakeClock();
  const [a, b] = settled(clock);
  const from = clock.nowUs();
  const statesBefore = [a.states.length, b.states.length];
  const ops = [a.vipOps.length, b.vipOps.length];
  for (let i = 0; i < 100; i++) {
    clock.advanceBy(333_000);
    a.runtime.reload(
      { ...NONE, changed: [{ params: a.params(), delta: { added: [], removed: [] } }] },
      () => {},
    );
    b.runtime.reload(NONE, () => {});
  }
  assert.deepEqual([a.states.length, b.states.length], statesBefore);
  assert.deepEqual([a.vipOps.length, b.vipOps.length], ops);
  assert.equal(maxGapUs(a, from), 1_000_000, 'adverts every advert_int, as before');
  const sent = a.sent.filter((s) => s.atUs >= from).length;
  assert.ok(Math.abs(sent - (clock.nowUs() - from) / 1_000_000) <= 1, `${sent} adverts in 33.3 s`);
});

test('a master whose priority drops below the backup stays master until a better advert arrives', () => {
  const clock = new FakeClock();
  const [a, b] = settled(clock);
  a.runtime.reload(
    {
      ...NONE,
      changed: [{ params: a.params({ basePriority: 80 }), delta: { added: [], removed: [] } }],
      events: [{ instance: 'VI_1', event: { kind: 'priority', totalPriority: 80 } }],
    },
    () => {},
  );
  assert.equal(a.runtime.status()[0]?.state, 'MASTER', 'no election at the reload itself');
  assert.equal(a.runtime.status()[0]?.effectivePriority, 80);
  // The backup (priority 100, preempt) now hears a lower master and takes over.
  clock.advanceBy(5_000_000);
  assert.equal(b.runtime.status()[0]?.state, 'MASTER');
  assert.equal(a.runtime.status()[0]?.state, 'BACKUP');
});

test("a priority change that keeps the order changes nobody's state", () => {
  const clock = new FakeClock();
  const [a, b] = settled(clock);
  const before = [a.states.length, b.states.length];
  a.runtime.reload(
    {
      ...NONE,
      changed: [{ params: a.params({ basePriority: 120 }), delta: { added: [], removed: [] } }],
      events: [{ instance: 'VI_1', event: { kind: 'priority', totalPriority: 120 } }],
    },
    () => {},
  );
  b.runtime.reload(
    {
      ...NONE,
      changed: [{ params: b.params({ basePriority: 90 }), delta: { added: [], removed: [] } }],
      events: [{ instance: 'VI_1', event: { kind: 'priority', totalPriority: 90 } }],
    },
    () => {},
  );
  clock.advanceBy(10_000_000);
  assert.deepEqual([a.states.length, b.states.length], before);
  assert.equal(a.sent.at(-1)?.effect.priority, 120, 'the master advertises its new priority');
});

test('a backup given a higher priority preempts; with nopreempt it does not', () => {
  for (const preempt of [true, false]) {
    const clock = new FakeClock();
    const [a, b] = settled(clock, 150, 100, { preempt });
    b.runtime.reload(
      {
        ...NONE,
        changed: [{ params: b.params({ basePriority: 200 }), delta: { added: [], removed: [] } }],
        events: [{ instance: 'VI_1', event: { kind: 'priority', totalPriority: 200 } }],
      },
      () => {},
    );
    assert.equal(b.runtime.status()[0]?.state, 'BACKUP', 'no transition at the reload itself');
    clock.advanceBy(10_000_000);
    assert.equal(b.runtime.status()[0]?.state, preempt ? 'MASTER' : 'BACKUP', `preempt ${preempt}`);
    assert.equal(a.runtime.status()[0]?.state, preempt ? 'BACKUP' : 'MASTER');
  }
});

test('VIP changes on a master add and remove only the changed addresses; a backup touches none', () => {
  const clock = new FakeClock();
  const [a, b] = settled(clock);
  a.vipOps.length = 0;
  b.vipOps.length = 0;
  const vips = ['192.0.2.250', '192.0.2.251'];
  a.runtime.reload(
    { ...NONE, changed: [{ params: a.params({ vips }), delta: { added: ['192.0.2.251'], removed: [] } }] },
    () => {},
  );
  b.runtime.reload(
    { ...NONE, changed: [{ params: b.params({ vips }), delta: { added: ['192.0.2.251'], removed: [] } }] },
    () => {},
  );
  assert.deepEqual(a.vipOps, ['+192.0.2.251']);
  assert.deepEqual(b.vipOps, []);
  a.runtime.reload(
    {
      ...NONE,
      changed: [
        { params: a.params({ vips: ['192.0.2.251'] }), delta: { added: [], removed: ['192.0.2.250'] } },
      ],
    },
    () => {},
  );
  assert.deepEqual(a.vipOps, ['+192.0.2.251', '-192.0.2.250']);
  assert.deepEqual(a.sent.at(-1)?.effect.advert.addresses, ['192.0.2.250'], 'no advert sent by the reload');
  clock.advanceBy(1_000_000);
  assert.deepEqual(
    a.sent.at(-1)?.effect.advert.addresses,
    ['192.0.2.251'],
    'the next advert carries the new list',
  );
  // Later leaving MASTER releases exactly the new list.
  a.runtime.stop();
  assert.deepEqual(a.vipOps.at(-1), '-192.0.2.251');
});

test('virtual routes and rules come and go with the VIPs; a reload removes the gone ones and adds every route again', () => {
  const clock = new FakeClock();
  const routes = ['198.51.100.0/24 via 192.0.2.254', '203.0.113.0/24 dev eth0'];
  const [a, b] = settled(clock, 150, 100, { routes, rules: ['100: from 192.0.2.250 lookup 100'] });
  assert.deepEqual(a.vipOps, [
    '+192.0.2.250',
    '+route 198.51.100.0/24 via 192.0.2.254',
    '+route 203.0.113.0/24 dev eth0',
    '+rule 100: from 192.0.2.250 lookup 100',
  ]);
  assert.deepEqual(b.vipOps, [], 'a backup installs nothing');
  a.vipOps.length = 0;
  const next = a.params({
    routes: ['203.0.113.0/24 dev eth0', '192.0.2.128/25 via 192.0.2.254'],
    rules: ['100: from 192.0.2.250 lookup 100'],
  });
  a.runtime.reload({ ...NONE, changed: [{ params: next, delta: { added: [], removed: [] } }] }, () => {});
  assert.deepEqual(a.vipOps, [
    '-route 198.51.100.0/24 via 192.0.2.254',
    '+route 203.0.113.0/24 dev eth0',
    '+route 192.0.2.128/25 via 192.0.2.254',
  ]);
  a.vipOps.length = 0;
  a.runtime.stop();
  assert.deepEqual(a.vipOps, [
    '-rule 100: from 192.0.2.250 lookup 100',
    '-route 203.0.113.0/24 dev eth0',
    '-route 192.0.2.128/25 via 192.0.2.254',
    '-192.0.2.250',
  ]);
});

test('a removed master sends priority 0, releases its VIPs and notifies FAULT, or DELETED with notify_deleted', () => {
  for (const notifyDeleted of [false, true]) {
    const clock = new FakeClock();
    const [a, b] = settled(clock);
    let adapted = false;
    a.runtime.reload({ ...NONE, removed: [{ name: 'VI_1', notifyDeleted }] }, () => {
      adapted = true;
      assert.equal(a.sent.at(-1)?.effect.priority, 0, 'the goodbye goes out before the sockets move');
    });
    assert.ok(adapted);
    assert.equal(a.vipOps.at(-1), '-192.0.2.250');
    assert.deepEqual(a.notifies.at(-1), {
      instance: 'VI_1',
      effect: { kind: 'notify', state: notifyDeleted ? 'DELETED' : 'FAULT', priority: 150, deleted: true },
    });
    assert.deepEqual(a.runtime.status(), []);
    assert.equal(clock.pending >= 0, true);
    const t = clock.nowUs();
    clock.runUntil(() => b.runtime.status()[0]?.state === 'MASTER', t + 5_000_000);
    assert.ok(clock.nowUs() - t < 1_000_000, 'the backup takes over after its skew time');
  }
});

test('an added instance starts in BACKUP and becomes master; unchanged instances are not disturbed', () => {
  const clock = new FakeClock();
  const [a] = settled(clock);
  const n = a.states.length;
  const vi2 = a.params({ name: 'VI_2', vrid: 52, vips: ['192.0.2.252'] });
  a.runtime.reload({ ...NONE, added: [{ params: vi2, ifindex: 2 }] }, () => {});
  assert.deepEqual(
    a.states.slice(n).map((s) => `${s.name} ${s.state}`),
    ['VI_2 BACKUP'],
  );
  clock.advanceBy(5_000_000);
  assert.deepEqual(
    a.states.slice(n).map((s) => `${s.name} ${s.state}`),
    ['VI_2 BACKUP', 'VI_2 MASTER'],
  );
});

test('a kept AH instance goes on with its sequence number', () => {
  const clock = new FakeClock();
  const [a] = pair(clock, 150, 100, { auth: { type: 'ah', pass: 'secret' } });
  a.runtime.start();
  clock.advanceBy(10_000_000);
  const before = a.sent.at(-1)?.effect.ahSeq ?? 0;
  assert.ok(before > 5);
  a.runtime.reload(
    { ...NONE, changed: [{ params: a.params({ basePriority: 140 }), delta: { added: [], removed: [] } }] },
    () => {},
  );
  clock.advanceBy(1_000_000);
  assert.equal(a.sent.at(-1)?.effect.ahSeq, before + 1);
});
