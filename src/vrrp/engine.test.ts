/**
 * The engine routes raw packets the way keepalived's sockets and vrrp_dispatcher_read do: by
 * interface, family and VRID, through AH when the instance uses it; anything else is counted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authKeyFromPass, encodeAhPacket, VRRP_TOS } from './auth.js';
import { VrrpEngine } from './engine.js';
import { buildAdvert } from './fsm.js';
import { buildIpv4Header } from './ipv4-header.js';
import { encodeAdvert, IPPROTO_VRRP } from './packet.js';
import { type VrrpInstanceParams, withDefaults } from './ports.js';

const GROUP = '224.0.0.18';
const PEER = '192.0.2.2';

const params = (over: Partial<VrrpInstanceParams> = {}): VrrpInstanceParams =>
  withDefaults({
    name: 'VI_1',
    vrid: 51,
    srcAddr: '192.0.2.1',
    vips: ['192.0.2.250'],
    basePriority: 90,
    ...over,
  });

function ipv4Packet(p: VrrpInstanceParams, priority: number): Buffer {
  const payload = encodeAdvert(buildAdvert(p, priority), { srcAddr: PEER, dstAddr: GROUP });
  const header = buildIpv4Header({
    tos: VRRP_TOS,
    id: 1,
    ttl: 255,
    protocol: IPPROTO_VRRP,
    srcAddr: PEER,
    dstAddr: GROUP,
    payloadLen: payload.length,
  });
  return Buffer.concat([header, payload]);
}

const rx = (bytes: Buffer, ifindex = 2) => ({
  family: 4 as const,
  bytes,
  srcAddr: PEER,
  dstAddr: GROUP,
  ttl: 255,
  ifindex,
});

test('a packet reaches the instance of its VRID on its interface, and only that one', () => {
  const a = params();
  const b = params({ name: 'VI_2', vrid: 52 });
  const engine = new VrrpEngine([
    { params: a, ifindex: 2 },
    { params: b, ifindex: 2 },
  ]);
  engine.event(undefined, { kind: 'start' }, 0);
  engine.receive(rx(ipv4Packet(b, 100)), 1000);
  assert.equal(engine.instance('VI_2')?.stats().advertRcvd, 1);
  assert.equal(engine.instance('VI_1')?.stats().advertRcvd, 0);
  // The same VRID on another interface belongs to nobody here.
  const out = engine.receive(rx(ipv4Packet(b, 100), 3), 2000);
  assert.equal(engine.dropCount('unknown-vrid'), 1);
  assert.match(out[0]?.effects[0]?.kind === 'log' ? out[0].effects[0].text : '', /Unknown VRID\(52\)/);
});

test('AH packets are verified with the instance key; a wrong key is an instance drop', () => {
  const p = params({ auth: { type: 'ah', pass: 'secret' } });
  const engine = new VrrpEngine([{ params: p, ifindex: 2 }]);
  engine.event(undefined, { kind: 'start' }, 0);
  const advert = buildAdvert(p, 100);
  assert.equal(advert.version, 2);
  const packet = (pass: string, seq: number) =>
    encodeAhPacket(advert as typeof advert & { version: 2 }, {
      srcAddr: PEER,
      dstAddr: GROUP,
      key: authKeyFromPass(pass),
      unicast: false,
      ipId: 7,
      seq,
    });
  engine.receive(rx(packet('secret', 1)), 1000);
  assert.equal(engine.instance('VI_1')?.stats().advertRcvd, 1);
  engine.receive(rx(packet('wrong', 2)), 2000);
  assert.equal(engine.instance('VI_1')?.dropCount('bad-ah-icv'), 1);
});

test('garbage never throws: undecodable packets are counted', () => {
  const engine = new VrrpEngine([{ params: params(), ifindex: 2 }]);
  engine.event(undefined, { kind: 'start' }, 0);
  for (const bytes of [Buffer.alloc(0), Buffer.from([0x45]), Buffer.alloc(40, 0xff)]) {
    assert.doesNotThrow(() => engine.receive(rx(bytes), 1));
  }
  assert.equal(engine.dropCount('undecodable'), 3);
});

test('nextDeadlineUs is the earliest of all instances and expire() runs only those due', () => {
  const fast = params({ name: 'FAST', vrid: 1, version: 3, adverIntUs: 100_000 });
  const slow = params({ name: 'SLOW', vrid: 2 });
  const engine = new VrrpEngine([
    { params: fast, ifindex: 2 },
    { params: slow, ifindex: 2 },
  ]);
  engine.event(undefined, { kind: 'start' }, 0);
  const due = engine.nextDeadlineUs();
  assert.equal(due, engine.instance('FAST')?.deadlineUs);
  const ran = engine.expire(due ?? 0);
  assert.deepEqual(
    ran.map((r) => r.instance),
    ['FAST'],
  );
  assert.equal(engine.instance('FAST')?.state.runtime.state, 'MASTER');
  assert.equal(engine.instance('SLOW')?.state.runtime.state, 'BACKUP');
});
