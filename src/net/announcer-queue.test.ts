/** AnnounceQueue under random load: nothing lost, FIFO per lane, no lane gap below its interval. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AnnounceQueue } from './announcer-queue.js';

const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - (times[i] ?? 0));

describe('AnnounceQueue', () => {
  test('random bursts: every item sent once, FIFO per lane, lane gaps never below the interval', () => {
    const burst = fc.record({
      atUs: fc.integer({ min: 0, max: 2_000_000 }),
      lane: fc.constantFrom('2/4', '2/6', '3/4'),
      count: fc.integer({ min: 0, max: 6 }),
    });
    fc.assert(
      fc.property(
        fc.array(burst, { maxLength: 12 }),
        fc.constantFrom(0, 1, 20_000, 100_000),
        (bursts, intervalUs) => {
          const q = new AnnounceQueue<{ lane: string; n: number }>();
          const sorted = [...bursts].sort((a, b) => a.atUs - b.atUs);
          const pushed = new Map<string, number>();
          const sent: { lane: string; n: number; atUs: number }[] = [];
          let nowUs = 0;
          const drain = () => {
            for (;;) {
              const t = q.takeNext(nowUs);
              if (t === undefined) return;
              sent.push({ ...t.payload, atUs: nowUs });
              q.sentAt(t.lane, nowUs);
            }
          };
          for (const b of sorted) {
            // Run the queue up to this burst's time, as a timer would.
            for (let next = q.nextDueUs(); next !== undefined && next <= b.atUs; next = q.nextDueUs()) {
              nowUs = Math.max(nowUs, next);
              drain();
            }
            nowUs = b.atUs;
            for (let i = 0; i < b.count; i++) {
              const n = pushed.get(b.lane) ?? 0;
              pushed.set(b.lane, n + 1);
              q.push(b.lane, intervalUs, { lane: b.lane, n });
            }
            drain();
          }
          for (let next = q.nextDueUs(); next !== undefined; next = q.nextDueUs()) {
            nowUs = Math.max(nowUs, next);
            drain();
          }
          assert.equal(q.size, 0);
          for (const [lane, n] of pushed) {
            const mine = sent.filter((s) => s.lane === lane);
            assert.deepEqual(
              mine.map((s) => s.n),
              Array.from({ length: n }, (_, i) => i),
            );
            for (const g of gaps(mine.map((s) => s.atUs))) assert.ok(g >= intervalUs, `${lane}: gap ${g}`);
          }
        },
      ),
    );
  });

  test('drop() removes matching items and keeps the rest in order', () => {
    const q = new AnnounceQueue<string>();
    for (const p of ['a1', 'b1', 'a2', 'b2']) q.push('l', 0, p);
    assert.equal(
      q.drop((p) => p.startsWith('a')),
      2,
    );
    assert.equal(q.size, 2);
    assert.equal(q.takeNext(0)?.payload, 'b1');
    assert.equal(q.takeNext(0)?.payload, 'b2');
    assert.equal(q.takeNext(0), undefined);
    assert.equal(q.nextDueUs(), undefined);
  });
});
