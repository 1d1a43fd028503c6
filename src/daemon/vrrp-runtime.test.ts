/**
 * Two runtimes on one fake clock, joined by a transport that encodes each advert as the
 * socket adapter would and hands the bytes to the other side's receive(): elections, the one
 * armed timer, and a graceful stop, in microseconds of real time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipv4AdvertPacket } from '../testing/advert-packet.js';
import { FakeClock } from '../testing/fake-clock.js';
import { type VrrpInstanceParams, type VrrpPorts, withDefaults } from '../vrrp/ports.js';
import { type InstanceStatus, VrrpRuntime } from './vrrp-runtime.js';

const GROUP = '224.0.0.18';

interface Node {
  readonly runtime: VrrpRuntime;
  readonly vips: string[];
  readonly states: InstanceStatus[];
}

function pair(clock: FakeClock, prioA: number, prioB: number): [Node, Node] {
  const nodes: Node[] = [];
  const make = (addr: string, priority: number, peer: () => Node): Node => {
    const params: VrrpInstanceParams = withDefaults({
      name: 'VI_1',
      vrid: 51,
      srcAddr: addr,
      basePriority: priority,
      vips: ['192.0.2.250'],
      garp: { masterDelayUs: 0 },
    });
    const vips: string[] = [];
    const states: InstanceStatus[] = [];
    const ports: VrrpPorts = {
      transport: {
        sendAdvert: (_i, e) => {
          const bytes = ipv4AdvertPacket(e.advert, addr, GROUP);
          // Delivered "later" on the same instant, as a socket would: never re-entrantly.
          clock.schedule(clock.nowUs(), () =>
            peer().runtime.receive({ family: 4, bytes, srcAddr: addr, dstAddr: GROUP, ttl: 255, ifindex: 2 }),
          );
        },
      },
      vips: {
        addVips: (_i, e) => vips.push(...e.vips),
        delVips: () => vips.splice(0),
      },
      announcer: { announce: () => {} },
      notifier: { notify: () => {} },
      logger: { log: () => {} },
    };
    const runtime = new VrrpRuntime([{ params, ifindex: 2 }], {
      clock,
      ports,
      onStateChange: (s) => states.push(s),
    });
    return { runtime, vips, states };
  };
  nodes.push(make('192.0.2.1', prioA, () => nodes[1] as Node));
  nodes.push(make('192.0.2.2', prioB, () => nodes[0] as Node));
  return nodes as [Node, Node];
}

test('the higher priority wins, only the master holds the VIP, and one timer per runtime', () => {
  const clock = new FakeClock();
  const [a, b] = pair(clock, 100, 90);
  a.runtime.start();
  b.runtime.start();
  assert.ok(clock.pending <= 2, `timers armed: ${clock.pending}`);
  clock.advanceBy(10_000_000);
  assert.equal(a.runtime.status()[0]?.state, 'MASTER');
  assert.equal(b.runtime.status()[0]?.state, 'BACKUP');
  assert.deepEqual(a.vips, ['192.0.2.250']);
  assert.deepEqual(b.vips, []);
  assert.ok(clock.pending <= 2, `timers armed: ${clock.pending}`);
});

test('a graceful stop hands over after the backup skew time, and leaves no timer', () => {
  const clock = new FakeClock();
  const [a, b] = pair(clock, 100, 90);
  a.runtime.start();
  b.runtime.start();
  clock.advanceBy(10_000_000);
  const stopAt = clock.nowUs();
  a.runtime.stop();
  assert.deepEqual(a.vips, []);
  clock.runUntil(() => b.runtime.status()[0]?.state === 'MASTER', stopAt + 5_000_000);
  const took = clock.nowUs() - stopAt;
  // RFC 3768 §6.4.2: after a priority-0 advert the backup waits Skew_Time = (256 - 90) / 256 s.
  assert.ok(Math.abs(took - (166 / 256) * 1_000_000) < 1000, `took ${took} µs`);
  assert.deepEqual(b.vips, ['192.0.2.250']);
  clock.advanceBy(100_000);
  assert.equal(clock.pending, 1, 'only the new master has a timer armed');
  assert.deepEqual(
    b.states.map((s) => s.state),
    ['BACKUP', 'MASTER'],
  );
});
