import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { internetChecksum, pseudoHeader } from '../base/inet-checksum.js';
import { formatIp, parseIp } from '../base/ip.js';
import {
  type AddrContext,
  type Advert,
  type AdvertV2,
  type AdvertV3,
  adverIntCsFromMs,
  adverIntMs,
  adverIntSecFromMs,
  advertLength,
  DropReasons,
  decodeAdvert,
  encodeAdvert,
} from './packet.js';

const M4: AddrContext = { srcAddr: '192.0.2.1', dstAddr: '224.0.0.18' };
const M6: AddrContext = { srcAddr: '2001:db8::1', dstAddr: 'ff02::12' };
const addr = (text: string) => {
  const r = parseIp(text);
  assert.ok(r.ok);
  return r.value;
};
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

interface Vector {
  name: string;
  layer: 'vrrp' | 'ipv4';
  src: string;
  dst: string;
  hex: string;
  advert: Record<string, unknown> & { authDataHex?: string };
}
const vectors = (
  JSON.parse(readFileSync(new URL('../../../test/fixtures/vrrp/vectors.json', import.meta.url), 'utf8')) as {
    vectors: Vector[];
  }
).vectors;

/** The advert of a fixture, authData back to a Buffer. */
function advertOf(v: Vector): Advert {
  const { authDataHex, ...rest } = v.advert;
  return (authDataHex === undefined ? rest : { ...rest, authData: hex(authDataHex) }) as unknown as Advert;
}

test('encodeAdvert() produces a v2 advert whose checksum is computed by hand', () => {
  // 2101 6401 0001 [cksum] c000 020a + 8 zero auth octets:
  // 2101 + 6401 + 0001 + c000 + 020a = 1470d -> 470d + 1 = 470e -> ~470e = b8f1.
  const advert: AdvertV2 = {
    version: 2,
    family: 4,
    vrid: 1,
    priority: 100,
    addresses: ['192.0.2.10'],
    adverIntSec: 1,
    authType: 'none',
  };
  assert.deepEqual(encodeAdvert(advert, M4), hex('2101 6401 0001 b8f1 c000 020a 0000 0000 0000 0000'));
});

test('encodeAdvert() produces a v3 IPv4 advert with the pseudo-header checksum computed by hand', () => {
  // Pseudo: c000 0201 e000 0012 0070 000c; VRRP: 310a c801 0064 [cksum] c000 0264.
  // Sum = c000+0201+e000+0012+0070+000c + 310a+c801+0064+c000+0264 = 35e62 -> 5e65 -> ~ = a19a.
  const advert: AdvertV3 = {
    version: 3,
    family: 4,
    vrid: 10,
    priority: 200,
    addresses: ['192.0.2.100'],
    adverIntCs: 100,
  };
  assert.deepEqual(encodeAdvert(advert, M4), hex('310a c801 0064 a19a c000 0264'));
});

test('every golden vector encodes to its bytes and decodes to its advert', () => {
  for (const v of vectors.filter((x) => x.layer === 'vrrp')) {
    const ctx = { srcAddr: v.src, dstAddr: v.dst };
    const advert = advertOf(v);
    assert.equal(encodeAdvert(advert, ctx).toString('hex'), v.hex, v.name);
    assert.deepEqual(decodeAdvert(hex(v.hex), ctx), { ok: true, value: advert }, v.name);
  }
});

test('decode() of a v3 IPv4 advert checks the checksum against the destination given', () => {
  const unicast = vectors.find((v) => v.name === 'v3-ipv4-unicast');
  assert.ok(unicast);
  assert.equal(decodeAdvert(hex(unicast.hex), { srcAddr: '192.0.2.1', dstAddr: '192.0.2.2' }).ok, true);
  // Old keepalived summed the multicast group in unicast: retrying with it is the instance's call.
  assert.deepEqual(decodeAdvert(hex(unicast.hex), M4), { ok: false, reason: 'bad-checksum' });
});

function roundTrip(advert: Advert, ctx: AddrContext): void {
  const bytes = encodeAdvert(advert, ctx);
  assert.equal(bytes.length, advertLength(advert.version, advert.family, advert.addresses.length));
  assert.deepEqual(decodeAdvert(bytes, ctx), { ok: true, value: advert });
}

test('round trips hold at 0, 1, 254 and 255 addresses for v2, v3/IPv4 and v3/IPv6', () => {
  for (const n of [0, 1, 254, 255]) {
    const v4 = Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 0xff}`);
    const v6 = Array.from({ length: n }, (_, i) => `2001:db8::1:${i.toString(16)}`);
    roundTrip(
      { version: 2, family: 4, vrid: 1, priority: 100, addresses: v4, adverIntSec: 1, authType: 'none' },
      M4,
    );
    roundTrip({ version: 3, family: 4, vrid: 2, priority: 100, addresses: v4, adverIntCs: 100 }, M4);
    roundTrip({ version: 3, family: 6, vrid: 3, priority: 100, addresses: v6, adverIntCs: 100 }, M6);
  }
});

test('encodeAdvert() refuses fields that do not fit the wire, naming the value', () => {
  const base: AdvertV3 = { version: 3, family: 4, vrid: 1, priority: 100, addresses: [], adverIntCs: 100 };
  const many = Array.from({ length: 256 }, () => '192.0.2.1');
  assert.throws(() => encodeAdvert({ ...base, vrid: 256 }, M4), /vrid 256 is outside 0..255/);
  assert.throws(() => encodeAdvert({ ...base, priority: -1 }, M4), /priority -1/);
  assert.throws(() => encodeAdvert({ ...base, adverIntCs: 4096 }, M4), /4096 is outside 0..4095/);
  assert.throws(() => encodeAdvert({ ...base, addresses: many }, M4), /256 addresses/);
  assert.throws(() => encodeAdvert({ ...base, addresses: ['2001:db8::1'] }, M4), /not an IPv4 address/);
  assert.throws(() => encodeAdvert(base, M6), /not two IPv4 addresses/);
  const v2: AdvertV2 = {
    version: 2,
    family: 4,
    vrid: 1,
    priority: 1,
    addresses: [],
    adverIntSec: 1,
    authType: 'none',
  };
  assert.throws(() => encodeAdvert({ ...v2, adverIntSec: 256 }, M4), RangeError);
  assert.throws(() => encodeAdvert({ ...v2, authData: Buffer.alloc(8) }, M4), /only with authType "pass"/);
  assert.throws(() => encodeAdvert({ ...v2, authType: 'pass', authData: Buffer.alloc(9) }, M4), /at most 8/);
  assert.throws(() => encodeAdvert({ ...v2, family: 6 } as unknown as Advert, M6), /IPv4 only/);
});

test('a short PASS password is zero padded to 8 octets and decodes padded', () => {
  const sent: AdvertV2 = {
    version: 2,
    family: 4,
    vrid: 9,
    priority: 100,
    addresses: [],
    adverIntSec: 1,
    authType: 'pass',
    authData: Buffer.from('pw'),
  };
  const r = decodeAdvert(encodeAdvert(sent, M4), M4);
  assert.ok(r.ok && r.value.version === 2);
  assert.deepEqual(r.value.authData, hex('7077 0000 0000 0000'));
});

test('interval helpers convert milliseconds with keepalived truncation', () => {
  assert.equal(adverIntCsFromMs(1000), 100);
  assert.equal(adverIntCsFromMs(15), 1);
  assert.equal(adverIntSecFromMs(2500), 2);
  assert.equal(
    adverIntMs({ version: 3, family: 6, vrid: 1, priority: 1, addresses: [], adverIntCs: 4095 }),
    40950,
  );
  assert.equal(
    adverIntMs({
      version: 2,
      family: 4,
      vrid: 1,
      priority: 1,
      addresses: [],
      adverIntSec: 3,
      authType: 'none',
    }),
    3000,
  );
});

test('decode() ignores the v3 reserved bits and the v2 auth data of type 0', () => {
  const v3 = encodeAdvert(
    { version: 3, family: 6, vrid: 1, priority: 1, addresses: [], adverIntCs: 0x123 },
    M6,
  );
  v3[4] = (v3[4] ?? 0) | 0xf0; // reserved bits set, and the checksum made right again
  v3.writeUInt16BE(0, 6);
  v3.writeUInt16BE(
    internetChecksum(pseudoHeader(addr(M6.srcAddr), addr(M6.dstAddr), 112, v3.length) ?? v3, v3),
    6,
  );
  const r = decodeAdvert(v3, M6);
  assert.ok(r.ok && r.value.version === 3);
  assert.equal(r.value.adverIntCs, 0x123);
  const v2 = encodeAdvert(
    { version: 2, family: 4, vrid: 1, priority: 1, addresses: [], adverIntSec: 1, authType: 'none' },
    M4,
  );
  v2.write('junk', 8); // RFC 3768 §5.3.10: ignored for type 0 (still under the checksum)
  v2.writeUInt16BE(0, 6);
  v2.writeUInt16BE(internetChecksum(v2), 6);
  const r2 = decodeAdvert(v2, M4);
  assert.ok(r2.ok && r2.value.version === 2);
  assert.equal(r2.value.authType, 'none');
  assert.equal('authData' in r2.value, false);
});

export const arbIpv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIp(b));
export const arbIpv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIp(b));
const arbCommon = {
  vrid: fc.integer({ min: 0, max: 255 }),
  priority: fc.integer({ min: 0, max: 255 }),
};
const arbV2: fc.Arbitrary<AdvertV2> = fc
  .record({
    version: fc.constant(2 as const),
    family: fc.constant(4 as const),
    ...arbCommon,
    addresses: fc.array(arbIpv4, { maxLength: 255 }),
    adverIntSec: fc.integer({ min: 0, max: 255 }),
  })
  // fc.record builds null-prototype objects; deepStrictEqual would tell them from decode's.
  .map((b) => ({ ...b }))
  .chain((b) =>
    fc.oneof(
      fc.constant<AdvertV2>({ ...b, authType: 'none' }),
      fc
        .uint8Array({ minLength: 8, maxLength: 8 })
        .map((d): AdvertV2 => ({ ...b, authType: 'pass', authData: Buffer.from(d) })),
    ),
  );
const arbV3 = (family: 4 | 6): fc.Arbitrary<AdvertV3> =>
  fc
    .record({
      version: fc.constant(3 as const),
      family: fc.constant(family),
      ...arbCommon,
      addresses: fc.array(family === 4 ? arbIpv4 : arbIpv6, { maxLength: 255 }),
      adverIntCs: fc.integer({ min: 0, max: 4095 }),
    })
    .map((b) => ({ ...b }));
const arbCtx = (family: 4 | 6): fc.Arbitrary<AddrContext> => {
  const a = family === 4 ? arbIpv4 : arbIpv6;
  return fc.record({ srcAddr: a, dstAddr: a }).map((c) => ({ ...c }));
};
export const arbAdvertWithCtx: fc.Arbitrary<[Advert, AddrContext]> = fc.oneof(
  fc.tuple(arbV2, arbCtx(4)),
  fc.tuple(arbV3(4), arbCtx(4)),
  fc.tuple(arbV3(6), arbCtx(6)),
);

test('property: decode(encode(x)) == x for every valid advert', () => {
  fc.assert(fc.property(arbAdvertWithCtx, ([advert, ctx]) => roundTrip(advert, ctx)));
});

test('property: decode() never throws and only returns listed DropReasons, for any bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 96 }), fc.constantFrom(M4, M6), (bytes, ctx) => {
      const r = decodeAdvert(bytes, ctx);
      if (!r.ok) assert.ok(DropReasons.includes(r.reason));
    }),
    { numRuns: 2000 },
  );
});

test('property: decode() never throws on near-valid bytes (a valid header, then fuzz)', () => {
  const arb = fc.tuple(
    fc.constantFrom(0x21, 0x31, 0x20, 0x41, 0x32),
    fc.uint8Array({ minLength: 3, maxLength: 3 }),
    fc.uint8Array({ maxLength: 80 }),
    fc.constantFrom(M4, M6),
  );
  fc.assert(
    fc.property(arb, ([b0, head, rest, ctx]) => {
      const r = decodeAdvert(Buffer.concat([Buffer.from([b0]), head, rest]), ctx);
      if (!r.ok) assert.ok(DropReasons.includes(r.reason));
    }),
    { numRuns: 2000 },
  );
});

test('property: any single flipped bit in an encoded advert makes decode() drop it', () => {
  fc.assert(
    fc.property(arbAdvertWithCtx, fc.nat(), ([advert, ctx], bit) => {
      const bytes = encodeAdvert(advert, ctx);
      const i = bit % (bytes.length * 8);
      bytes[i >> 3] = (bytes[i >> 3] ?? 0) ^ (1 << (i & 7));
      // Even v3's ignored reserved bits are covered by the checksum.
      assert.equal(decodeAdvert(bytes, ctx).ok, false);
    }),
  );
});
