import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  canonicalIp,
  formatIp,
  formatIpv6,
  formatPrefix,
  ipFamily,
  isIpv4Mapped,
  parseIp,
  parseIpv4,
  parseIpv6,
  parsePrefix,
} from './ip.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

test('parseIpv4() reads a dotted quad into network order', () => {
  assert.deepEqual(parseIpv4('192.0.2.255'), { ok: true, value: hex('c00002ff') });
  assert.deepEqual(parseIpv4('0.0.0.0'), { ok: true, value: hex('00000000') });
});

test('parseIpv4() refuses what inet_pton refuses, leading zeros included', () => {
  for (const bad of [
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.-4',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1..3.4',
    'a.b.c.d',
    '0x1.2.3.4',
  ]) {
    assert.deepEqual(parseIpv4(bad), { ok: false, reason: 'bad-ipv4' }, bad);
  }
  assert.deepEqual(parseIpv4(''), { ok: false, reason: 'empty' });
});

test('parseIpv6() reads RFC 4291 §2.2 forms', () => {
  const cases: [string, string][] = [
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['1::', '00010000000000000000000000000000'],
    ['2001:DB8::8:800:200C:417A', '20010db8000000000008080020 0c417a'],
    ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseIpv6(text), { ok: true, value: hex(want) }, text);
});

test('parseIpv6() refuses malformed text, zone ids included', () => {
  for (const bad of [
    ':::',
    '1:::2',
    '1::2::3',
    ':1::2',
    '1::2:',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::',
    '::1.2.3.4:5',
    '1.2.3.4::',
    '::1.2.3',
    'fe80::1%eth0',
    '1.2.3.4',
  ]) {
    assert.deepEqual(parseIpv6(bad), { ok: false, reason: 'bad-ipv6' }, bad);
  }
});

test('formatIpv6() follows RFC 5952 (§4.2.2 single zero, §4.2.3 first longest run, §5 mapped)', () => {
  assert.equal(formatIpv6(hex('20010db8000000000001000000000001')), '2001:db8::1:0:0:1');
  assert.equal(formatIpv6(hex('20010db8000000010001000100010001')), '2001:db8:0:1:1:1:1:1');
  assert.equal(formatIpv6(hex('20010db800000000000100000000 0000')), '2001:db8:0:0:1::');
  assert.equal(formatIpv6(hex('00000000000000000000ffffc0000201')), '::ffff:192.0.2.1');
  assert.equal(formatIpv6(hex('00000000000000000000000000000000')), '::');
  assert.equal(formatIpv6(hex('00010000000000000000000000000000')), '1::');
  assert.equal(formatIpv6(hex('20010DB8AAAA00000000000000000000')), '2001:db8:aaaa::');
});

test('formatIpv6() agrees with the WHATWG URL serializer on non-mapped addresses', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0xdb8), { minLength: 8, maxLength: 8 }),
      (words) => {
        const b = Buffer.alloc(16);
        words.forEach((w, i) => {
          b.writeUInt16BE(w, i * 2);
        });
        fc.pre(!isIpv4Mapped(b));
        const text = formatIpv6(b);
        assert.equal(text, new URL(`http://[${text}]/`).hostname.slice(1, -1));
        assert.equal(
          new URL(`http://[${b.toString('hex').replace(/(....)(?!$)/g, '$1:')}]/`).hostname,
          `[${text}]`,
        );
      },
    ),
  );
});

test('parse(format(bytes)) is the identity for every address', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
      ),
      (bytes) => {
        const r = parseIp(formatIp(bytes));
        assert.ok(r.ok);
        assert.deepEqual(new Uint8Array(r.value.bytes), bytes);
        assert.equal(r.value.family, bytes.length === 4 ? 4 : 6);
      },
    ),
  );
});

test('parseIp() never throws, whatever the text', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%/ x') }), (s) => {
      const r = parseIp(s);
      if (r.ok) assert.equal(parseIp(formatIp(r.value)).ok, true);
    }),
  );
});

test('ipFamily() and canonicalIp() classify by syntax', () => {
  assert.equal(ipFamily('192.0.2.1'), 4);
  assert.equal(ipFamily('::ffff:192.0.2.1'), 6);
  assert.equal(ipFamily('nope'), undefined);
  assert.deepEqual(canonicalIp('2001:DB8:0::0:1'), { ok: true, value: '2001:db8::1' });
  assert.deepEqual(canonicalIp(''), { ok: false, reason: 'empty' });
});

test('parsePrefix() reads A/len and takes a bare address as a host prefix', () => {
  const p = parsePrefix('192.0.2.1/24');
  assert.ok(p.ok);
  assert.equal(formatPrefix(p.value), '192.0.2.1/24');
  const h = parsePrefix('2001:db8::1');
  assert.ok(h.ok);
  assert.equal(h.value.prefixLen, 128);
  assert.equal(formatPrefix(h.value), '2001:db8::1/128');
  assert.deepEqual(parsePrefix('192.0.2.1/33'), { ok: false, reason: 'bad-prefix-len' });
  assert.deepEqual(parsePrefix('2001:db8::/129'), { ok: false, reason: 'bad-prefix-len' });
  assert.deepEqual(parsePrefix('192.0.2.1/'), { ok: false, reason: 'bad-prefix-len' });
  assert.deepEqual(parsePrefix('192.0.2.1/08'), { ok: false, reason: 'bad-prefix-len' });
  assert.deepEqual(parsePrefix('192.0.2.1/2/4'), { ok: false, reason: 'bad-prefix-len' });
  assert.deepEqual(parsePrefix('300.0.2.1/24'), { ok: false, reason: 'bad-ipv4' });
  assert.equal(parsePrefix('::/0').ok, true);
});

test('parseIpv4() accepts exactly the dotted quads of four parts 0..255 without leading zeros', () => {
  const quad = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;
  const reference = (t: string): number[] | undefined => {
    const m = quad.exec(t);
    const parts = m?.slice(1).map(Number);
    return parts?.every((n) => n <= 255) ? parts : undefined;
  };
  const char = fc.constantFrom('0', '1', '2', '5', '9', '.', '.', 'x', ' ');
  fc.assert(
    fc.property(fc.array(char, { maxLength: 18 }), (cs) => {
      const t = cs.join('');
      const want = reference(t);
      const got = parseIpv4(t);
      if (want === undefined) assert.equal(got.ok, false, t);
      else assert.deepEqual(got, { ok: true, value: Buffer.from(want) }, t);
    }),
    { numRuns: 5000 },
  );
  for (const t of ['255.255.255.255', '1.22.100.0', '10.0.0.1']) {
    assert.deepEqual(parseIpv4(t), { ok: true, value: Buffer.from(t.split('.').map(Number)) }, t);
  }
});
