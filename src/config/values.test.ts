import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readDecimal, type ValueReport } from './values.js';

function reporter(testMode: boolean): ValueReport & { seen: string[] } {
  const seen: string[] = [];
  return { testMode, seen, report: (kind, message) => seen.push(`${kind}: ${message}`) };
}

test('readDecimal() reads a whole number as it reads the same number with a ".0"', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[0-9]{1,9}$/),
      fc.integer({ min: 1, max: 6 }),
      fc.nat(2_000_000_000),
      fc.nat(2_000_000_000),
      fc.boolean(),
      fc.boolean(),
      (text, shift, a, b, ignoreError, testMode) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const whole = reporter(testMode);
        const decimal = reporter(testMode);
        const got = readDecimal(whole, text, min, max, shift, ignoreError);
        const want = readDecimal(decimal, `${text}.0`, min, max, shift, ignoreError);
        assert.equal(got, want);
        assert.deepEqual(
          whole.seen,
          decimal.seen.map((m) => m.replace(`'${text}.0'`, `'${text}'`)),
        );
      },
    ),
    { numRuns: 2000 },
  );
  assert.equal(readDecimal(reporter(false), '3', 0, 10_000_000, 6), 3_000_000);
  assert.equal(readDecimal(reporter(false), '007', 0, 10_000_000, 6), 7_000_000);
});
