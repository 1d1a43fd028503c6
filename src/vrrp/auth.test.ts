import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { internetChecksum } from '../base/inet-checksum.js';
import { formatIp } from '../base/ip.js';
import type { Result } from '../base/result.js';
import { AH_LEN, type AhEncodeContext, authKeyFromPass, encodeAhPacket } from './auth.js';
import { decodeIpv4Packet } from './ipv4-packet.js';
import { type AdvertV2, type DropReason, DropReasons, decodeAdvert, encodeAdvert } from './packet.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/vrrp/${name}`, import.meta.url), 'utf8')) as T;

const AH_ADVERT: AdvertV2 = {
  version: 2,
  family: 4,
  vrid: 30,
  priority: 120,
  addresses: ['192.0.2.30'],
  adverIntSec: 1,
  authType: 'ah',
};
const CTX: AhEncodeContext = {
  srcAddr: '192.0.2.1',
  dstAddr: '224.0.0.18',
  key: authKeyFromPass('secret'),
  unicast: false,
  ipId: 0x1234,
  seq: 1,
};

/** ICV written independently of auth.ts, straight from the reading of keepalived's vrrp.c. */
function keepalivedIcv(packet: Buffer, key: Buffer, unicast: boolean): Buffer {
  const m = Buffer.from(packet);
  const ihl = ((m[0] ?? 0) & 0xf) * 4;
  m[1] = 0;
  m[6] = 0;
  m[7] = 0;
  m[10] = 0;
  m[11] = 0;
  if (unicast) m[8] = 0;
  m.fill(0, ihl + 12, ihl + 24);
  return createHmac('md5', key).update(m).digest().subarray(0, 12);
}

/** Rewrites a packet field and re-signs it, so only the field under test is wrong. */
function resign(packet: Buffer, key: Buffer, edit: (p: Buffer) => void): Buffer {
  const p = Buffer.from(packet);
  edit(p);
  const ihl = ((p[0] ?? 0) & 0xf) * 4;
  keepalivedIcv(p, key, false).copy(p, ihl + 12);
  return p;
}

test('authKeyFromPass() truncates to 8 octets and zero pads, as keepalived auth_pass does', () => {
  assert.equal(authKeyFromPass('k33palived').toString('hex'), Buffer.from('k33paliv').toString('hex'));
  assert.equal(authKeyFromPass('pw').toString('hex'), '7077000000000000');
});

test('encodeAhPacket() lays out IPv4 + AH + VRRPv2 as keepalived does', () => {
  const p = encodeAhPacket(AH_ADVERT, CTX);
  assert.equal(p.length, 20 + AH_LEN + 20);
  assert.equal(
    p.subarray(0, 12).toString('hex'),
    '45c00040' + '1234' + '0000' + 'ff' + '33' + p.subarray(10, 12).toString('hex'),
  );
  assert.equal(p.subarray(20, 32).toString('hex'), '70040000' + 'c0000201' + '00000001');
  assert.deepEqual(p.subarray(32, 44), keepalivedIcv(p, CTX.key, false));
  assert.equal(p[48], 2, 'VRRP auth type 2');
  assert.deepEqual(p.subarray(56), Buffer.alloc(8), 'auth data zero');
});

test('decodeIpv4Packet() verifies every keepalived 2.2.7 capture, and re-encoding gives its bytes', () => {
  const { packets } = fixture<{
    packets: { vrid: number; hex: string; ah?: { pass: string; unicast: boolean } }[];
  }>('keepalived-capture.json');
  assert.equal(packets.length, 6);
  for (const { vrid, hex, ah: auth } of packets) {
    const bytes = Buffer.from(hex, 'hex');
    if (bytes[0] === 0x6c || (bytes[0] ?? 0) >> 4 === 6) {
      const ctx = { srcAddr: formatIp(bytes.subarray(8, 24)), dstAddr: formatIp(bytes.subarray(24, 40)) };
      const r = decodeAdvert(bytes.subarray(40), ctx);
      assert.ok(r.ok, `vrid ${vrid}`);
      assert.deepEqual(encodeAdvert(r.value, ctx), bytes.subarray(40));
      continue;
    }
    const ah = auth && { key: authKeyFromPass(auth.pass), unicast: auth.unicast };
    const r = decodeIpv4Packet(bytes, ah ? { ah } : {});
    assert.ok(r.ok, `vrid ${vrid}: ${r.ok ? '' : r.reason}`);
    assert.equal(r.value.advert.vrid, vrid);
    if (ah) {
      assert.ok(r.value.advert.version === 2);
      const ctx = { ...ah, srcAddr: r.value.srcAddr, dstAddr: r.value.dstAddr, ipId: bytes.readUInt16BE(4) };
      assert.deepEqual(encodeAhPacket(r.value.advert, { ...ctx, seq: r.value.ah?.seq ?? -1 }), bytes);
      // keepalived hashes the TTL of multicast adverts and not of unicast ones: swap and it fails.
      assert.deepEqual(decodeIpv4Packet(bytes, { ah: { ...ah, unicast: !ah.unicast } }), {
        ok: false,
        reason: 'bad-ah-icv',
      });
    } else {
      assert.deepEqual(encodeAdvert(r.value.advert, r.value), bytes.subarray(20));
    }
  }
});

test('an AH advert from the wrong key, or altered anywhere, is dropped as bad-ah-icv', () => {
  const p = encodeAhPacket(AH_ADVERT, CTX);
  assert.deepEqual(decodeIpv4Packet(p, { ah: { key: authKeyFromPass('secreT'), unicast: false } }), {
    ok: false,
    reason: 'bad-ah-icv',
  });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: p.length * 8 - 1 }), (bit) => {
      const byte = bit >> 3;
      // Mutable fields are out of the ICV by design: TOS, fragment field, IP checksum.
      fc.pre(![1, 6, 7, 10, 11].includes(byte));
      const q = Buffer.from(p);
      q[byte] = (q[byte] ?? 0) ^ (1 << (bit & 7));
      const r = decodeIpv4Packet(q, { ah: CTX });
      assert.equal(r.ok, false);
    }),
  );
});

test('mutable IP fields may change in transit without breaking the ICV', () => {
  const p = encodeAhPacket(AH_ADVERT, CTX);
  p[1] = 0; // TOS rewritten by a switch
  p[6] = 0x40; // DF set
  assert.equal(decodeIpv4Packet(p, { ah: CTX }).ok, true);
  const u = encodeAhPacket(AH_ADVERT, { ...CTX, dstAddr: '192.0.2.2', unicast: true, ttl: 64 });
  u[8] = 61; // three routers later
  assert.equal(decodeIpv4Packet(u, { ah: { ...CTX, unicast: true } }).ok, true);
});

test('property: decodeIpv4Packet(encodeAhPacket(x)) == x, with the sequence number', () => {
  const arb = fc.record({
    vrid: fc.integer({ min: 0, max: 255 }),
    priority: fc.integer({ min: 0, max: 255 }),
    addresses: fc.array(
      fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIp(b)),
      { maxLength: 255 },
    ),
    adverIntSec: fc.integer({ min: 0, max: 255 }),
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    ipId: fc.integer({ min: 1, max: 0xffff }),
    pass: fc.string({ maxLength: 12 }),
    unicast: fc.boolean(),
  });
  fc.assert(
    fc.property(arb, ({ seq, ipId, pass, unicast, ...fields }) => {
      const advert: AdvertV2 = { version: 2, family: 4, authType: 'ah', ...fields };
      const key = authKeyFromPass(pass);
      const p = encodeAhPacket(advert, { ...CTX, key, unicast, seq, ipId });
      const r = decodeIpv4Packet(p, { ah: { key, unicast } });
      assert.deepEqual(r, {
        ok: true,
        value: { advert, ah: { spi: 0xc0000201, seq }, srcAddr: CTX.srcAddr, dstAddr: CTX.dstAddr, ttl: 255 },
      });
    }),
  );
});

test('encodeAhPacket() refuses an id the kernel would rewrite, and non-AH adverts', () => {
  assert.throws(() => encodeAhPacket(AH_ADVERT, { ...CTX, ipId: 0 }), /id 0 is outside 1..65535/);
  assert.throws(() => encodeAhPacket(AH_ADVERT, { ...CTX, seq: 2 ** 32 }), RangeError);
  assert.throws(() => encodeAhPacket({ ...AH_ADVERT, authType: 'none' }, CTX), /authType "ah"/);
  assert.throws(
    () => encodeAhPacket(AH_ADVERT, { ...CTX, srcAddr: '2001:db8::1', dstAddr: 'ff02::12' }),
    RangeError,
  );
});

test('every DropReason is reachable by a crafted input', () => {
  const M4 = { srcAddr: '192.0.2.1', dstAddr: '224.0.0.18' };
  const M6 = { srcAddr: '2001:db8::1', dstAddr: 'ff02::12' };
  const v2 = encodeAdvert({ ...AH_ADVERT, authType: 'none' }, M4);
  const v3 = encodeAdvert(
    { version: 3, family: 6, vrid: 1, priority: 1, addresses: ['::1'], adverIntCs: 1 },
    M6,
  );
  const ah = encodeAhPacket(AH_ADVERT, CTX);
  const plain = Buffer.concat([Buffer.from(ah.subarray(0, 20)), v2]);
  plain[9] = 112;
  plain.writeUInt16BE(plain.length, 2);
  const withByte = (b: Buffer, at: number, v: number): Buffer => {
    const c = Buffer.from(b);
    c[at] = v;
    return c;
  };
  const reached = new Set<string>();
  const note = (want: DropReason, what: string, r: Result<unknown, DropReason>): void => {
    assert.deepEqual(r, { ok: false, reason: want }, what);
    reached.add(want);
  };
  note(
    'bad-context',
    'context of mixed families',
    decodeAdvert(v2, { srcAddr: '192.0.2.1', dstAddr: 'ff02::12' }),
  );
  note('too-short', '7 bytes', decodeAdvert(v2.subarray(0, 7), M4));
  note('bad-version', 'version 4', decodeAdvert(withByte(v2, 0, 0x41), M4));
  note('bad-type', 'type 2', decodeAdvert(withByte(v2, 0, 0x22), M4));
  note('v2-over-ipv6', 'v2 from an IPv6 source', decodeAdvert(v2, M6));
  note('bad-auth-type', 'auth type 3', decodeAdvert(withByte(v2, 4, 3), M4));
  note('count-mismatch', 'count 2 with room for 1', decodeAdvert(withByte(v3, 3, 2), M6));
  note('bad-checksum', 'flipped address bit', decodeAdvert(withByte(v3, 23, 0), M6));
  note('bad-auth-layout', 'auth type 2 without AH', decodeAdvert(ah.subarray(44), M4));
  note('too-short', '19-byte IP packet', decodeIpv4Packet(plain.subarray(0, 19)));
  note('bad-ip-header', 'IHL 4', decodeIpv4Packet(withByte(plain, 0, 0x44)));
  note(
    'ip-length-mismatch',
    'total length off by one',
    decodeIpv4Packet(plain.subarray(0, plain.length - 1)),
  );
  note('not-vrrp', 'protocol 17', decodeIpv4Packet(withByte(plain, 9, 17)));
  note('ah-not-configured', 'AH without a key', decodeIpv4Packet(ah));
  note(
    'bad-auth-layout',
    'AH length 5',
    decodeIpv4Packet(
      resign(ah, CTX.key, (p) => {
        p[21] = 5;
      }),
      { ah: CTX },
    ),
  );
  note(
    'bad-ah-spi',
    'SPI not the source',
    decodeIpv4Packet(
      resign(ah, CTX.key, (p) => {
        p[27] = 9;
      }),
      { ah: CTX },
    ),
  );
  note('bad-ah-icv', 'altered priority', decodeIpv4Packet(withByte(ah, 46, 1), { ah: CTX }));
  assert.equal(decodeIpv4Packet(plain).ok, true, 'the unaltered plain packet is fine');
  assert.deepEqual(
    [...DropReasons].filter((r) => !reached.has(r)),
    [],
    'every DropReason has a crafted input above',
  );
});

test('AH around something that is not VRRPv2 with auth type 2 is bad-auth-layout or not-vrrp', () => {
  const ah = encodeAhPacket(AH_ADVERT, CTX);
  const none = resign(ah, CTX.key, (p) => {
    p[48] = 0; // auth type none behind AH
    p.writeUInt16BE(0, 50);
    p.writeUInt16BE(internetChecksum(p.subarray(44)), 50);
  });
  assert.deepEqual(decodeIpv4Packet(none, { ah: CTX }), { ok: false, reason: 'bad-auth-layout' });
  const other = resign(ah, CTX.key, (p) => {
    p[20] = 17;
  });
  assert.deepEqual(decodeIpv4Packet(other, { ah: CTX }), { ok: false, reason: 'not-vrrp' });
});
