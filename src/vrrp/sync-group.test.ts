/**
 * Sync groups on a fake clock: two routers, each with VI_1 (VRID 51, interface index 2) and
 * VI_2 (VRID 52, interface index 3) in group G, joined by a transport that encodes every advert
 * and can cut one interface. Members must change state together, as keepalived's do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VrrpRuntime } from '../daemon/vrrp-runtime.js';
import { ipv4AdvertPacket } from '../testing/advert-packet.js';
import { FakeClock } from '../testing/fake-clock.js';
import { type NotifyEffect, type VrrpPorts, withDefaults } from './ports.js';
import { initialGroupState } from './sync-group.js';

const GROUP = '224.0.0.18';
const IFINDEX: Record<string, number> = { VI_1: 2, VI_2: 3 };

interface Router {
  readonly runtime: VrrpRuntime;
  readonly vips: Set<string>;
  readonly notes: string[];
  readonly logs: string[];
  readonly sent: { instance: string; priority: number }[];
  readonly announced: { instance: string; atUs: number }[];
}

interface Lab {
  readonly clock: FakeClock;
  readonly a: Router;
  readonly b: Router;
  /** Interface indexes whose adverts are lost (both ways). */
  readonly cut: Set<number>;
}

function note(instance: string, e: NotifyEffect): string {
  if (e.kind === 'notify-group') return `GROUP ${e.group} ${e.state}`;
  if (e.kind === 'notify') return `INSTANCE ${instance} ${e.state}`;
  return `EVENT ${instance} ${e.kind}`;
}

function lab(prioA: number, prioB: number): Lab {
  const clock = new FakeClock();
  const cut = new Set<number>();
  const routers: Router[] = [];
  const make = (addr: string, prio: number, peer: () => Router): Router => {
    const vips = new Set<string>();
    const notes: string[] = [];
    const logs: string[] = [];
    const sent: { instance: string; priority: number }[] = [];
    const announced: { instance: string; atUs: number }[] = [];
    const ports: VrrpPorts = {
      transport: {
        sendAdvert: (instance, e) => {
          sent.push({ instance, priority: e.priority });
          const ifindex = IFINDEX[instance] ?? 0;
          if (cut.has(ifindex)) return;
          const bytes = ipv4AdvertPacket(e.advert, addr, GROUP);
          clock.schedule(clock.nowUs(), () =>
            peer().runtime.receive({ family: 4, bytes, srcAddr: addr, dstAddr: GROUP, ttl: 255, ifindex }),
          );
        },
      },
      vips: {
        addVips: (_i, e) => {
          for (const v of e.vips) vips.add(v);
        },
        delVips: (_i, e) => {
          for (const v of e.vips) vips.delete(v);
        },
      },
      announcer: { announce: (instance) => announced.push({ instance, atUs: clock.nowUs() }) },
      notifier: { notify: (instance, e) => notes.push(note(instance, e)) },
      logger: { log: (text) => logs.push(text) },
    };
    const specs = ['VI_1', 'VI_2'].map((name, n) => ({
      params: withDefaults({
        name,
        vrid: 51 + n,
        srcAddr: addr,
        basePriority: prio,
        vips: [`192.0.2.${250 + n}`],
        garp: { masterDelayUs: 0 },
      }),
      ifindex: IFINDEX[name] ?? 0,
    }));
    const runtime = new VrrpRuntime(specs, {
      clock,
      ports,
      syncGroups: [{ name: 'G', members: ['VI_1', 'VI_2'] }],
    });
    return { runtime, vips, notes, logs, sent, announced };
  };
  routers.push(make('192.0.2.1', prioA, () => routers[1] as Router));
  routers.push(make('192.0.2.2', prioB, () => routers[0] as Router));
  const [a, b] = routers as [Router, Router];
  return { clock, a, b, cut };
}

const states = (r: Router): string =>
  r.runtime
    .status()
    .map((s) => s.state)
    .join(',');

function settled(prioA = 150, prioB = 100): Lab {
  const l = lab(prioA, prioB);
  l.a.runtime.start();
  l.b.runtime.start();
  l.clock.advanceBy(10_000_000);
  assert.equal(states(l.a), 'MASTER,MASTER');
  assert.equal(states(l.b), 'BACKUP,BACKUP');
  return l;
}

test('start: the group notifies BACKUP before its members, then MASTER once both are master', () => {
  const l = settled();
  // VI_1's timer runs out first and is held (VI_2 does not want MASTER yet); VI_2's then
  // takes the group, and VI_1 with it.
  assert.deepEqual(l.a.notes, [
    'GROUP G BACKUP',
    'INSTANCE VI_1 BACKUP',
    'INSTANCE VI_2 BACKUP',
    'INSTANCE VI_2 MASTER',
    'INSTANCE VI_1 MASTER',
    'GROUP G MASTER',
  ]);
  assert.deepEqual(l.b.notes, ['GROUP G BACKUP', 'INSTANCE VI_1 BACKUP', 'INSTANCE VI_2 BACKUP']);
  assert.ok(l.a.logs.includes('VRRP_Group(G) Syncing instances to MASTER state'));
  assert.deepEqual([...l.a.vips].sort(), ['192.0.2.250', '192.0.2.251']);
  assert.equal(l.a.runtime.engine.syncGroupState('G'), 'MASTER');
});

test('one member faulted: both go to FAULT, the peer takes both VIPs; back up, both preempt again', () => {
  const l = settled();
  l.a.notes.length = 0;
  l.b.notes.length = 0;
  const t0 = l.clock.nowUs();
  l.a.runtime.event('VI_2', { kind: 'fault-set', reason: 'interface eth1' });
  assert.equal(states(l.a), 'FAULT,FAULT');
  assert.deepEqual(l.a.vips, new Set());
  // Both send priority 0 (VI_2 from down_instance, VI_1 as it leaves master for FAULT).
  const zeros = new Set(l.a.sent.filter((s) => s.priority === 0).map((s) => s.instance));
  assert.deepEqual([...zeros].sort(), ['VI_1', 'VI_2']);
  assert.deepEqual(l.a.notes, ['INSTANCE VI_2 FAULT', 'INSTANCE VI_1 FAULT', 'GROUP G FAULT']);
  l.clock.runUntil(() => states(l.b) === 'MASTER,MASTER', t0 + 5_000_000);
  assert.equal(states(l.b), 'MASTER,MASTER');
  assert.ok(l.clock.nowUs() - t0 < 1_000_000, 'the peer takes over after the skew time');
  assert.deepEqual([...l.b.vips].sort(), ['192.0.2.250', '192.0.2.251']);
  assert.equal(l.b.notes.at(-1), 'GROUP G MASTER');
  // A's VI_1 stays in FAULT while VI_2 is down, whatever it hears.
  l.clock.advanceBy(5_000_000);
  assert.equal(states(l.a), 'FAULT,FAULT');
  l.a.notes.length = 0;
  l.a.runtime.event('VI_2', { kind: 'fault-clear', reason: 'interface eth1' });
  assert.equal(states(l.a), 'BACKUP,BACKUP');
  assert.deepEqual(l.a.notes, ['INSTANCE VI_2 BACKUP', 'INSTANCE VI_1 BACKUP', 'GROUP G BACKUP']);
  l.clock.advanceBy(5_000_000);
  assert.equal(states(l.a), 'MASTER,MASTER');
  assert.equal(states(l.b), 'BACKUP,BACKUP');
  assert.equal(l.b.notes.at(-1), 'GROUP G BACKUP');
});

test('a member whose master went quiet is held in BACKUP while the other still hears its master', () => {
  const l = settled();
  l.cut.add(IFINDEX.VI_1 ?? 0);
  l.clock.advanceBy(10_000_000);
  assert.equal(states(l.b), 'BACKUP,BACKUP', 'held: VI_2 does not want MASTER');
  assert.equal(
    l.b.runtime.engine.instance('VI_1')?.state.runtime.wantState,
    'MASTER',
    'VI_1 wants MASTER all along',
  );
  // Both masters gone: the second member to time out takes the group to MASTER.
  l.cut.add(IFINDEX.VI_2 ?? 0);
  const t0 = l.clock.nowUs();
  l.clock.runUntil(() => states(l.b) === 'MASTER,MASTER', t0 + 10_000_000);
  assert.equal(states(l.b), 'MASTER,MASTER');
  assert.ok(l.clock.nowUs() - t0 < 4_000_000);
});

test('one member raised alone cannot preempt; both raised take the group, the old master follows to BACKUP', () => {
  const l = settled(100, 90);
  l.b.runtime.event('VI_1', { kind: 'priority', totalPriority: 200 });
  l.clock.advanceBy(10_000_000);
  assert.equal(states(l.b), 'BACKUP,BACKUP', 'VI_2 does not want MASTER: VI_1 is held');
  l.b.runtime.event('VI_2', { kind: 'priority', totalPriority: 200 });
  l.clock.advanceBy(10_000_000);
  assert.equal(states(l.b), 'MASTER,MASTER');
  assert.equal(states(l.a), 'BACKUP,BACKUP');
  assert.ok(l.a.logs.includes('VRRP_Group(G) Syncing instances to BACKUP state'));
  assert.equal(l.a.notes.at(-1), 'GROUP G BACKUP');
  assert.deepEqual(l.a.vips, new Set());
});

test('stop: every instance notifies STOP, then the group', () => {
  const l = settled();
  l.a.notes.length = 0;
  l.a.runtime.stop();
  assert.deepEqual(l.a.notes, ['INSTANCE VI_1 STOP', 'INSTANCE VI_2 STOP', 'GROUP G STOP']);
});

test('initialGroupState: FAULT when a member is down, MASTER only when all are owners', () => {
  const m = (initialState: 'MASTER' | 'BACKUP', basePriority: number, faults: string[] = []) => ({
    config: { initialState, basePriority },
    runtime: { faults: new Set(faults) } as never,
  });
  assert.equal(initialGroupState([m('MASTER', 255), m('MASTER', 255)]), 'MASTER');
  assert.equal(initialGroupState([m('MASTER', 255), m('MASTER', 200)]), 'BACKUP');
  assert.equal(initialGroupState([m('MASTER', 255), m('MASTER', 255, ['x'])]), 'FAULT');
});

test('reload: a new group over two backups notifies BACKUP; an unchanged one does not', () => {
  const l = settled();
  l.b.notes.length = 0;
  const apply = (groups: { name: string; members: string[] }[]) =>
    l.b.runtime.reload({ removed: [], changed: [], added: [], events: [], syncGroups: groups }, () => {});
  apply([{ name: 'G', members: ['VI_1', 'VI_2'] }]);
  assert.deepEqual(l.b.notes, [], 'same group, same state: nothing');
  apply([{ name: 'H', members: ['VI_1', 'VI_2'] }]);
  assert.deepEqual(l.b.notes, ['GROUP H BACKUP']);
  assert.equal(states(l.b), 'BACKUP,BACKUP', 'members keep their state');
  l.a.notes.length = 0;
  l.a.runtime.reload({ removed: [], changed: [], added: [], events: [], syncGroups: [] }, () => {});
  assert.deepEqual(l.a.notes, []);
  // Without the group, A's members are independent: one faulted leaves the other master.
  l.a.runtime.event('VI_2', { kind: 'fault-set', reason: 'x' });
  assert.equal(states(l.a), 'MASTER,FAULT');
});

test('two members down: no second FAULT notify; the group comes back only when the last is up', () => {
  const l = settled();
  l.a.runtime.event('VI_2', { kind: 'fault-set', reason: 'two' });
  l.a.notes.length = 0;
  l.a.runtime.event('VI_1', { kind: 'fault-set', reason: 'one' });
  assert.deepEqual(l.a.notes, [], 'already FAULT with its group: keepalived skips the notify');
  l.a.runtime.event('VI_2', { kind: 'fault-clear', reason: 'two' });
  assert.equal(states(l.a), 'FAULT,FAULT', 'VI_1 is still down: VI_2 waits in FAULT');
  assert.deepEqual(l.a.notes, []);
  l.a.runtime.event('VI_1', { kind: 'fault-clear', reason: 'one' });
  assert.equal(states(l.a), 'BACKUP,BACKUP');
  assert.deepEqual(l.a.notes, ['INSTANCE VI_1 BACKUP', 'INSTANCE VI_2 BACKUP', 'GROUP G BACKUP']);
});

test('a healed split brain: the winning group re-announces every member, whoever spoke first', () => {
  for (const offsetUs of [0, 250_000, 500_000, 750_000]) {
    const l = settled();
    l.cut.add(IFINDEX.VI_1 ?? 0).add(IFINDEX.VI_2 ?? 0);
    l.clock.advanceBy(10_000_000 + offsetUs);
    assert.equal(states(l.b), 'MASTER,MASTER', 'split brain: both routers master');
    const healedAt = l.clock.nowUs();
    l.cut.clear();
    l.clock.advanceBy(2_000_000);
    assert.equal(states(l.a), 'MASTER,MASTER');
    assert.equal(states(l.b), 'BACKUP,BACKUP');
    const again = new Set(l.a.announced.filter((x) => x.atUs >= healedAt).map((x) => x.instance));
    assert.deepEqual([...again].sort(), ['VI_1', 'VI_2'], `offset ${offsetUs}`);
  }
});

test('a member whose VIP was deleted takes the group through BACKUP (priority 0 each) and back to MASTER', () => {
  const l = settled();
  l.a.notes.length = 0;
  l.a.logs.length = 0;
  l.a.sent.length = 0;
  l.a.runtime.event('VI_1', { kind: 'released' });
  assert.equal(states(l.a), 'BACKUP,BACKUP');
  assert.deepEqual(
    l.a.sent.filter((s) => s.priority === 0).map((s) => s.instance),
    ['VI_1', 'VI_2'],
  );
  assert.ok(
    !l.a.logs.some((t) => t.includes('Syncing instances to BACKUP')),
    'set_vrrp_backup syncs by hand',
  );
  assert.deepEqual(l.a.notes, ['INSTANCE VI_1 BACKUP', 'INSTANCE VI_2 BACKUP']);
  assert.equal(l.a.vips.size, 0);
  l.clock.advanceBy(2_000_000);
  assert.equal(states(l.a), 'MASTER,MASTER', 'back after the skew time, before the peer');
  assert.equal(states(l.b), 'BACKUP,BACKUP');
  assert.deepEqual([...l.a.vips].sort(), ['192.0.2.250', '192.0.2.251']);
});
