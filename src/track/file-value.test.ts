import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trackFileValue } from './file-value.js';

const read = (s: string | Uint8Array) => trackFileValue(typeof s === 'string' ? Buffer.from(s) : s);

test('trackFileValue() reads decimal, hex and octal as strtol base 0', () => {
  assert.deepEqual(read('10\n'), { ok: true, value: 10 });
  assert.deepEqual(read('  -7'), { ok: true, value: -7 });
  assert.deepEqual(read('+3'), { ok: true, value: 3 });
  assert.deepEqual(read('0x1f'), { ok: true, value: 31 });
  assert.deepEqual(read('-0X10'), { ok: true, value: -16 });
  assert.deepEqual(read('010'), { ok: true, value: 8 });
  assert.deepEqual(read('09'), { ok: true, value: 0 });
  assert.deepEqual(read('0x'), { ok: true, value: 0 });
});

test('trackFileValue() stops at the first non-digit; no number is 0', () => {
  assert.deepEqual(read('12abc'), { ok: true, value: 12 });
  assert.deepEqual(read('abc 5'), { ok: true, value: 0 });
  assert.deepEqual(read(''), { ok: true, value: 0 });
  assert.deepEqual(read('\n'), { ok: true, value: 0 });
  assert.deepEqual(read('1 2'), { ok: true, value: 1 });
});

test('trackFileValue() reads only the first 127 bytes, up to a NUL', () => {
  assert.deepEqual(read(`${' '.repeat(127)}5`), { ok: true, value: 0 });
  assert.deepEqual(read(`${' '.repeat(126)}5`), { ok: true, value: 5 });
  assert.deepEqual(read(new Uint8Array([0x34, 0x00, 0x35])), { ok: true, value: 4 });
});

test('trackFileValue() refuses values outside INT32_MIN..INT32_MAX+1 and overflows, as keepalived', () => {
  assert.deepEqual(read('2147483648'), { ok: true, value: 2147483648 });
  assert.deepEqual(read('-2147483648'), { ok: true, value: -2147483648 });
  assert.deepEqual(read('2147483649'), { ok: false, shown: '2147483649' });
  assert.deepEqual(read('-2147483649'), { ok: false, shown: '-2147483649' });
  // ERANGE: keepalived prints strtol's LONG_MAX / LONG_MIN.
  assert.deepEqual(read('99999999999999999999'), { ok: false, shown: '9223372036854775807' });
  assert.deepEqual(read('-99999999999999999999'), { ok: false, shown: '-9223372036854775808' });
});
