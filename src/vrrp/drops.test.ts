import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codecDropText, DropLog } from './drops.js';

test('DropLog counts every drop, logs the first, then at most one line per interval', () => {
  const d = new DropLog<'a' | 'b'>({ intervalUs: 1000 });
  assert.equal(d.record('a', 'A!', 0), 'A!');
  assert.equal(d.record('a', 'A!', 10), undefined);
  assert.equal(d.record('a', 'A!', 999), undefined);
  assert.equal(d.record('b', 'B!', 999), 'B!', 'reasons are limited apart');
  assert.equal(d.record('a', 'A!', 1000), 'A! (2 similar suppressed)');
  assert.equal(d.record('a', 'A!', 3000), 'A!', 'nothing suppressed since the last line');
  assert.equal(d.count('a'), 5);
  assert.equal(d.count('b'), 1);
  assert.equal(d.total, 6);
  assert.deepEqual(
    [...d.counts()],
    [
      ['a', 5],
      ['b', 1],
    ],
  );
});

test('codecDropText uses keepalived words where it has them', () => {
  assert.equal(
    codecDropText('VI_1', 'bad-checksum', '192.0.2.2'),
    '(VI_1) Invalid VRRP checksum from 192.0.2.2',
  );
  assert.equal(codecDropText('VI_1', 'not-vrrp', undefined), '(VI_1) dropped packet: not-vrrp');
});

test('clearCounts zeroes the counters but keeps rate limiting the log', () => {
  const d = new DropLog<'a' | 'b'>({ intervalUs: 1000 });
  d.record('a', 'A', 0);
  d.record('b', 'B', 0);
  d.clearCounts();
  assert.equal(d.count('a'), 0);
  assert.equal(d.counts().size, 0, 'zeroed counters are not listed');
  assert.equal(d.record('a', 'A', 10), undefined, 'still within the log interval');
  assert.deepEqual([...d.counts()], [['a', 1]]);
});
