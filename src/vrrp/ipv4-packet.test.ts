import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { internetChecksum } from '../base/inet-checksum.js';
import { authKeyFromPass, encodeAhPacket } from './auth.js';
import { buildIpv4Header, parseIpv4Header, setIpv4Id } from './ipv4-header.js';
import { decodeIpv4Packet } from './ipv4-packet.js';
import { type AdvertV3, DropReasons, encodeAdvert } from './packet.js';

const M4 = { srcAddr: '192.0.2.1', dstAddr: '224.0.0.18' };
const V3: AdvertV3 = {
  version: 3,
  family: 4,
  vrid: 5,
  priority: 100,
  addresses: ['192.0.2.5'],
  adverIntCs: 100,
};
const AH = { key: authKeyFromPass('secret'), unicast: false };

function plainPacket(ttl = 255): Buffer {
  const vrrp = encodeAdvert(V3, M4);
  const ip = buildIpv4Header({ tos: 0xc0, id: 1, ttl, protocol: 112, ...M4, payloadLen: vrrp.length });
  return Buffer.concat([ip, vrrp]);
}

test('buildIpv4Header() fills a valid header checksum and parseIpv4Header() reads it back', () => {
  const p = plainPacket();
  assert.equal(internetChecksum(p.subarray(0, 20)), 0);
  assert.deepEqual(parseIpv4Header(p), {
    ok: true,
    value: { headerLen: 20, tos: 0xc0, totalLen: 32, id: 1, ttl: 255, protocol: 112, ...M4 },
  });
  assert.throws(() =>
    buildIpv4Header({ tos: 0, id: 1, ttl: 1, protocol: 112, srcAddr: '::1', dstAddr: '::2', payloadLen: 0 }),
  );
});

test('decodeIpv4Packet() reports source, destination and TTL for the instance to check', () => {
  const r = decodeIpv4Packet(plainPacket(254));
  assert.deepEqual(r, { ok: true, value: { advert: V3, ...M4, ttl: 254 } });
});

test('decodeIpv4Packet() skips IP options, for plain and AH packets alike', () => {
  const withOptions = (p: Buffer): Buffer => {
    // IHL 6: one word of options (NOP NOP NOP EOL) after the fixed header.
    const q = Buffer.concat([p.subarray(0, 20), Buffer.from([1, 1, 1, 0]), p.subarray(20)]);
    q[0] = 0x46;
    q.writeUInt16BE(q.length, 2);
    return q;
  };
  assert.equal(decodeIpv4Packet(withOptions(plainPacket())).ok, true);
  const ahAdvert = {
    version: 2,
    family: 4,
    vrid: 9,
    priority: 1,
    addresses: [],
    adverIntSec: 1,
    authType: 'ah',
  } as const;
  const ah = withOptions(encodeAhPacket(ahAdvert, { ...M4, ...AH, ipId: 7, seq: 3 }));
  // Options are hashed with the header, so the old ICV fails; signed over the new layout
  // (as keepalived's receive side hashes it: the whole header), it passes.
  assert.deepEqual(decodeIpv4Packet(ah, { ah: AH }), { ok: false, reason: 'bad-ah-icv' });
  const m = Buffer.from(ah);
  m[1] = 0;
  m.fill(0, 6, 8);
  m.fill(0, 10, 12);
  m.fill(0, 24 + 12, 24 + 24);
  createHmac('md5', AH.key)
    .update(m)
    .digest()
    .copy(ah, 24 + 12, 0, 12);
  assert.equal(decodeIpv4Packet(ah, { ah: AH }).ok, true);
});

test('property: decodeIpv4Packet() never throws, for any bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (bytes, withKey) => {
      const r = decodeIpv4Packet(bytes, withKey ? { ah: AH } : {});
      if (!r.ok) assert.ok(DropReasons.includes(r.reason));
    }),
    { numRuns: 2000 },
  );
});

test('property: decodeIpv4Packet() never throws on valid packets with random bytes overwritten', () => {
  const ahAdvert = {
    version: 2,
    family: 4,
    vrid: 9,
    priority: 1,
    addresses: ['192.0.2.9'],
    adverIntSec: 1,
    authType: 'ah',
  } as const;
  const seeds = [plainPacket(), encodeAhPacket(ahAdvert, { ...M4, ...AH, ipId: 7, seq: 3 })];
  fc.assert(
    fc.property(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(80),
      (seed, edits, cut) => {
        const p = Buffer.from(
          seed.subarray(0, Math.max(0, seed.length - (cut % 8 === 0 ? cut % seed.length : 0))),
        );
        for (const [at, v] of edits) if (p.length > 0) p[at % p.length] = v;
        const r = decodeIpv4Packet(p, { ah: AH });
        if (!r.ok) assert.ok(DropReasons.includes(r.reason));
      },
    ),
    { numRuns: 3000 },
  );
});

test('setIpv4Id rewrites id and checksum as a freshly built header would have them', () => {
  const fields = {
    tos: 0xc0,
    id: 1,
    ttl: 255,
    protocol: 112,
    srcAddr: '192.0.2.1',
    dstAddr: '224.0.0.18',
    payloadLen: 20,
  };
  const packet = Buffer.concat([buildIpv4Header(fields), Buffer.alloc(20, 7)]);
  setIpv4Id(packet, 0xbeef);
  assert.deepEqual(packet.subarray(0, 20), buildIpv4Header({ ...fields, id: 0xbeef }));
  assert.deepEqual(packet.subarray(20), Buffer.alloc(20, 7), 'the payload is left alone');
});
