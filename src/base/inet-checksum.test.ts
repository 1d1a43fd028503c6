import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import fc from 'fast-check';
import { checksumIsValid, internetChecksum, pseudoHeader } from './inet-checksum.js';
import { parseIp } from './ip.js';
import { err, mapResult, ok, unwrapOr } from './result.js';

const addr = (text: string) => {
  const r = parseIp(text);
  assert.ok(r.ok);
  return r.value;
};

test('internetChecksum() matches the RFC 1071 §3 worked example', () => {
  // 0001 f203 f4f5 f6f7 sums to ddf2 (carries folded), so the checksum is ~ddf2 = 220d.
  assert.equal(internetChecksum(Buffer.from('0001f203f4f5f6f7', 'hex')), 0x220d);
});

test('internetChecksum() of a well-known IPv4 header is 0xb861', () => {
  // The textbook header 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7.
  const h = Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex');
  assert.equal(internetChecksum(h), 0xb861);
  h.writeUInt16BE(0xb861, 10);
  assert.ok(checksumIsValid(h));
});

test('an odd length is padded with a zero byte, and parts pair bytes across boundaries', () => {
  assert.equal(internetChecksum(Buffer.from([0x12])), ~0x1200 & 0xffff);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(64), (bytes, cut) => {
      const at = Math.min(cut, bytes.length);
      assert.equal(internetChecksum(bytes.subarray(0, at), bytes.subarray(at)), internetChecksum(bytes));
    }),
  );
});

test('data carrying its own checksum verifies; any single flipped bit does not', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 2, maxLength: 64 }), fc.nat(), (bytes, bit) => {
      const b = Buffer.concat([Buffer.from(bytes), Buffer.alloc(bytes.length % 2), Buffer.alloc(2)]);
      b.writeUInt16BE(internetChecksum(b), b.length - 2);
      assert.ok(checksumIsValid(b));
      const i = bit % (b.length * 8);
      b[i >> 3] = (b[i >> 3] ?? 0) ^ (1 << (i & 7));
      assert.ok(!checksumIsValid(b));
    }),
  );
});

test('pseudoHeader() lays out IPv4 (12 bytes) and IPv6 (40 bytes) per their RFCs', () => {
  assert.equal(
    pseudoHeader(addr('192.0.2.1'), addr('224.0.0.18'), 112, 20)?.toString('hex'),
    'c0000201' + 'e0000012' + '00' + '70' + '0014',
  );
  assert.equal(
    pseudoHeader(addr('2001:db8::1'), addr('ff02::12'), 112, 40)?.toString('hex'),
    '20010db8000000000000000000000001' + 'ff020000000000000000000000000012' + '00000028' + '000000' + '70',
  );
  assert.equal(pseudoHeader(addr('192.0.2.1'), addr('ff02::12'), 112, 40), undefined);
});

test('Result helpers map successes and pass failures through', () => {
  assert.deepEqual(
    mapResult(ok(2), (n: number) => n * 2),
    { ok: true, value: 4 },
  );
  assert.deepEqual(
    mapResult(err('x'), (n: number) => n * 2),
    { ok: false, reason: 'x' },
  );
  assert.equal(unwrapOr(err('x'), 7), 7);
  assert.equal(unwrapOr(ok(1), 7), 1);
});
