import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { FakeLan, type FakeNode, type Frame } from '../testing/fake-lan.js';
import { AH_LEN, authKeyFromPass, encodeAhPacket, VRRP_TOS } from './auth.js';
import type { AnyDropReason } from './drops.js';
import { buildAdvert } from './fsm.js';
import { VrrpInstance } from './instance.js';
import { buildIpv4Header } from './ipv4-header.js';
import { type Advert, DropReasons, encodeAdvert, IPPROTO_VRRP } from './packet.js';
import { type VrrpInstanceParams, type VrrpParamsInput, withDefaults } from './ports.js';
import { InstanceDropReasons } from './validate.js';

const SRC = '192.0.2.2';
const GROUP = '224.0.0.18';
const params = (over: Partial<VrrpParamsInput> = {}): VrrpInstanceParams =>
  withDefaults({ name: 'VI_1', vrid: 51, srcAddr: '192.0.2.1', vips: ['192.0.2.100/24'], ...over });

interface Ip4Opts {
  readonly ttl?: number;
  readonly protocol?: number;
  readonly lenDelta?: number;
  readonly version?: number;
  readonly dst?: string;
}
function ipv4(payload: Buffer, o: Ip4Opts = {}): Frame {
  const h = buildIpv4Header({
    tos: VRRP_TOS,
    id: 1,
    ttl: o.ttl ?? 255,
    protocol: o.protocol ?? IPPROTO_VRRP,
    srcAddr: SRC,
    dstAddr: o.dst ?? GROUP,
    payloadLen: payload.length + (o.lenDelta ?? 0),
  });
  if (o.version !== undefined) h[0] = (o.version << 4) | 5;
  return { kind: 'ipv4', bytes: Buffer.concat([h, payload]) };
}
const payload = (a: Advert, dst = GROUP) => encodeAdvert(a, { srcAddr: SRC, dstAddr: dst });
const good = (p: VrrpInstanceParams, over: Partial<Advert> = {}) =>
  ({ ...buildAdvert(p, 100), ...over }) as Advert;

/** An AH packet whose SPI is not its source, with a correct ICV (keepalived's algorithm). */
function ahWithWrongSpi(key: Buffer): Frame {
  const adv = good(params({ auth: { type: 'ah', pass: 'k' } }));
  const pkt = encodeAhPacket(adv as Advert & { version: 2 }, {
    srcAddr: SRC,
    dstAddr: GROUP,
    key,
    unicast: false,
    ipId: 7,
    seq: 1,
  });
  pkt.writeUInt32BE(0x01020304, 20 + 4);
  const masked = Buffer.from(pkt);
  masked[1] = 0;
  masked.writeUInt16BE(0, 6);
  masked.writeUInt16BE(0, 10);
  masked.fill(0, 20 + 12, 20 + AH_LEN);
  createHmac('md5', key)
    .update(masked)
    .digest()
    .subarray(0, 12)
    .copy(pkt, 20 + 12);
  return { kind: 'ipv4', bytes: pkt };
}

interface Case {
  readonly params?: Partial<VrrpParamsInput>;
  readonly started?: false;
  readonly frame: (
    p: VrrpInstanceParams,
  ) => Frame | { kind: 'payload'; bytes: Buffer; src: string; dst: string };
}

const v2bytes = (p: VrrpInstanceParams) => payload(good(p));
const patched = (b: Buffer, at: number, v: number) => {
  const c = Buffer.from(b);
  c[at] = v;
  return c;
};

/** One way to provoke each drop reason, codec and instance, on the wire. */
const cases: Record<AnyDropReason, Case> = {
  'bad-context': { frame: (p) => ({ kind: 'payload', bytes: v2bytes(p), src: 'nonsense', dst: GROUP }) },
  'too-short': {
    frame: () => ({ kind: 'payload', bytes: Buffer.from([0x21, 51, 100]), src: SRC, dst: GROUP }),
  },
  'bad-ip-header': { frame: (p) => ipv4(v2bytes(p), { version: 6 }) },
  'ip-length-mismatch': { frame: (p) => ipv4(v2bytes(p), { lenDelta: 4 }) },
  'not-vrrp': { frame: (p) => ipv4(v2bytes(p), { protocol: 17 }) },
  'ah-not-configured': {
    frame: () => {
      const adv = good(params({ auth: { type: 'ah', pass: 'k' } }));
      const ctx = {
        srcAddr: SRC,
        dstAddr: GROUP,
        key: authKeyFromPass('k'),
        unicast: false,
        ipId: 3,
        seq: 1,
      };
      return { kind: 'ipv4', bytes: encodeAhPacket(adv as Advert & { version: 2 }, ctx) };
    },
  },
  'bad-version': { frame: (p) => ipv4(patched(v2bytes(p), 0, 0x41)) },
  'bad-type': { frame: (p) => ipv4(patched(v2bytes(p), 0, 0x22)) },
  'v2-over-ipv6': {
    frame: (p) => ({
      kind: 'ipv6',
      bytes: v2bytes(p),
      srcAddr: '2001:db8::2',
      dstAddr: 'ff02::12',
      hopLimit: 255,
    }),
  },
  'bad-auth-type': { frame: (p) => ipv4(patched(v2bytes(p), 4, 3)) },
  'count-mismatch': { frame: (p) => ipv4(patched(v2bytes(p), 3, 2)) },
  'bad-checksum': { frame: (p) => ipv4(patched(v2bytes(p), 8, 1)) },
  'bad-auth-layout': { frame: (p) => ipv4(payload(good(p, { authType: 'ah' } as Partial<Advert>))) },
  'bad-ah-spi': {
    params: { auth: { type: 'ah', pass: 'k' } },
    frame: () => ahWithWrongSpi(authKeyFromPass('k')),
  },
  'bad-ah-icv': {
    params: { auth: { type: 'ah', pass: 'other' } },
    frame: () => ahWithWrongSpi(authKeyFromPass('k')),
  },
  'wrong-family': {
    params: { family: 6, version: 3, srcAddr: '2001:db8::1', vips: ['2001:db8::100'] },
    frame: (p) => ipv4(payload(good({ ...p, family: 4, vips: ['192.0.2.100'] }))),
  },
  'wrong-vrid': { frame: (p) => ipv4(payload(good(p, { vrid: 52 }))) },
  'auth-type-mismatch': {
    params: { auth: { type: 'pass', pass: 'x' } },
    frame: () => ipv4(payload(good(params()))),
  },
  'bad-ttl': { frame: (p) => ipv4(v2bytes(p), { ttl: 64 }) },
  'wrong-version': { frame: () => ipv4(payload(good(params({ version: 3 })))) },
  'bad-password': {
    params: { auth: { type: 'pass', pass: 'x' } },
    frame: () => ipv4(payload(good(params({ auth: { type: 'pass', pass: 'y' } })))),
  },
  'interval-mismatch': { frame: () => ipv4(payload(good(params({ adverIntUs: 3_000_000 })))) },
  'vip-count-mismatch': { frame: () => ipv4(payload(good(params({ vips: [] })))) },
  'unexpected-cast': { frame: (p) => ipv4(payload(good(p), '192.0.2.1'), { dst: '192.0.2.1' }) },
  'vip-list-mismatch': { frame: () => ipv4(payload(good(params({ vips: ['192.0.2.99'] })))) },
  'src-not-peer': {
    params: { unicastPeers: ['192.0.2.3'], checkUnicastSrc: true },
    frame: (p) => ipv4(payload(good(p), '192.0.2.1'), { dst: '192.0.2.1' }),
  },
  'not-running': { started: false, frame: (p) => ipv4(v2bytes(p)) },
  'ah-replay': {
    params: { auth: { type: 'ah', pass: 'k' } },
    frame: (p) => {
      const ctx = {
        srcAddr: SRC,
        dstAddr: GROUP,
        key: authKeyFromPass('k'),
        unicast: false,
        ipId: 3,
        seq: 0,
      };
      return { kind: 'ipv4', bytes: encodeAhPacket(good(p) as Advert & { version: 2 }, ctx) };
    },
  },
};

function deliver(node: FakeNode, f: ReturnType<Case['frame']>): void {
  if (f.kind === 'payload') {
    node.handle({ kind: 'packet', packet: { bytes: f.bytes, srcAddr: f.src, dstAddr: f.dst, ttl: 255 } });
  } else node.receiveFrame(f);
}

test('every drop reason, codec and instance, has a wire case', () => {
  assert.deepEqual(Object.keys(cases).sort(), [...DropReasons, ...InstanceDropReasons].sort());
});

for (const [reason, c] of Object.entries(cases) as [AnyDropReason, Case][]) {
  test(`drop "${reason}" is counted once, logged once, and changes nothing`, () => {
    const lan = new FakeLan();
    const node = lan.addNode(params(c.params));
    if (c.started !== false) node.start();
    const before = node.instance.state;
    const logsBefore = node.logs.length;
    deliver(node, c.frame(node.params));
    deliver(node, c.frame(node.params));
    assert.equal(node.instance.dropCount(reason), 2);
    assert.equal(node.instance.stats().drops.size, 1, [...node.instance.stats().drops.keys()].join());
    assert.equal(node.instance.stats().advertRcvd, 0);
    assert.equal(node.logs.length - logsBefore, 1, 'the second one is rate-limited');
    assert.equal(node.instance.state, before);
  });
}

test('a valid advert through the codec is counted and reaches the FSM', () => {
  const lan = new FakeLan();
  const node = lan.addNode(params({ basePriority: 90 }));
  node.start();
  const d0 = node.instance.deadlineUs;
  lan.clock.advanceTo(1_000_000);
  node.receiveFrame(ipv4(payload(good(params()))));
  const s = node.instance.stats();
  assert.equal(s.advertRcvd, 1);
  assert.equal(s.drops.size, 0);
  assert.notEqual(node.instance.deadlineUs, d0);
  node.receiveFrame(ipv4(payload(good(params(), { priority: 0 }))));
  assert.equal(node.instance.stats().priZeroRcvd, 1);
});

test('stats count adverts sent, transitions and priority-0 adverts', () => {
  const inst = new VrrpInstance(params({ initialState: 'MASTER' }));
  inst.handle({ kind: 'start' }, 0);
  inst.handle({ kind: 'timer' }, 1);
  inst.handle({ kind: 'timer' }, 1_000_001);
  inst.handle({ kind: 'stop' }, 1_500_000);
  const s = inst.stats();
  assert.deepEqual(
    { sent: s.advertSent, zero: s.priZeroSent, up: s.becomeMaster, down: s.releaseMaster },
    { sent: 3, zero: 1, up: 1, down: 1 },
  );
  assert.throws(() => {
    (inst.config as { vrid: number }).vrid = 9;
  }, TypeError);
});

test('AH: one sequence counter per instance, as keepalived: sends count up from what was received', () => {
  const p = params({ auth: { type: 'ah', pass: 'k' }, initialState: 'MASTER', basePriority: 255 });
  const inst = new VrrpInstance(p);
  inst.handle({ kind: 'start' }, 0);
  const seqs = (r: { effects: readonly { kind: string; ahSeq?: number }[] }) =>
    r.effects.filter((e) => e.kind === 'send-advert').map((e) => e.ahSeq);
  assert.deepEqual(seqs(inst.handle({ kind: 'timer' }, 1)), [1]);
  assert.deepEqual(seqs(inst.handle({ kind: 'timer' }, 1_000_001)), [2]);
  // A lower priority advert with sequence 10: accepted, and the master's answer (it forces a
  // new election) continues above it.
  const lower = good(params({ auth: { type: 'ah', pass: 'k' }, basePriority: 90 }), { priority: 90 });
  const rx = { srcAddr: SRC, dstAddr: GROUP, ttl: 255, advert: lower, ah: { spi: 0, seq: 10 } };
  assert.deepEqual(seqs(inst.handle({ kind: 'decoded', rx }, 1_500_000)), [12]);
  // The same sequence again is a replay.
  inst.handle({ kind: 'decoded', rx }, 2_100_000);
  assert.equal(inst.dropCount('ah-replay'), 1);
});
