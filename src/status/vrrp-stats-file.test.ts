import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { AnyDropReason } from '../vrrp/drops.js';
import type { InstanceStats } from '../vrrp/instance.js';
import { DropReasons } from '../vrrp/packet.js';
import { InstanceDropReasons } from '../vrrp/validate.js';
import { DROP_COUNTER, formatStatsFile, keepalivedCounters } from './vrrp-stats-file.js';

const FIXTURE = new URL('../../../test/fixtures/dumps/keepalived-2.2.7.stats', import.meta.url);

function stats(over: Partial<InstanceStats> = {}): InstanceStats {
  return {
    advertRcvd: 0,
    advertSent: 0,
    becomeMaster: 0,
    releaseMaster: 0,
    priZeroRcvd: 0,
    priZeroSent: 0,
    splitBrain: 0,
    drops: new Map(),
    ...over,
  };
}

test("the file is byte for byte keepalived 2.2.7's for the same counters", () => {
  // keepalived -P alone on a segment for about 2 s at advert_int 0.2 (the fixture's run).
  const text = formatStatsFile([
    { name: 'VI_1', stats: stats({ advertSent: 8, becomeMaster: 1, splitBrain: 3 }) },
  ]);
  assert.equal(text, readFileSync(FIXTURE, 'utf8'));
});

test('drops land in the counter keepalived bumps for the same refusal', () => {
  const drops = new Map<AnyDropReason, number>([
    ['too-short', 1],
    ['count-mismatch', 2],
    ['bad-ttl', 3],
    ['bad-type', 4],
    ['interval-mismatch', 5],
    ['vip-list-mismatch', 6],
    ['unexpected-cast', 1],
    ['bad-auth-type', 7],
    ['auth-type-mismatch', 8],
    ['bad-password', 9],
    ['ah-replay', 1],
    ['bad-checksum', 100],
    ['wrong-vrid', 100],
    ['src-not-peer', 10],
  ]);
  const k = keepalivedCounters(stats({ advertRcvd: 20, priZeroRcvd: 2, priZeroSent: 1, drops }));
  assert.deepEqual(k, {
    // keepalived counts an advert as received before its VIP list and unicast peer checks.
    advertRcvd: 20 + 6 + 10,
    advertSent: 0,
    becomeMaster: 0,
    releaseMaster: 0,
    packetLenErr: 3,
    ipTtlErr: 3,
    invalidTypeRcvd: 4,
    advertIntervalErr: 5,
    addrListErr: 7,
    invalidAuthtype: 7,
    authtypeMismatch: 8,
    authFailure: 10,
    priZeroRcvd: 2,
    priZeroSent: 1,
  });
});

test('every drop reason is either mapped or deliberately left out', () => {
  // keepalived prints no counter for these (vers_err, chk_err are SNMP-only; the rest are
  // not refusals it counts per instance).
  const unprinted = new Set<AnyDropReason>([
    'bad-context',
    'bad-ip-header',
    'not-vrrp',
    'bad-version',
    'v2-over-ipv6',
    'bad-checksum',
    'wrong-family',
    'wrong-vrid',
    'wrong-version',
    'src-not-peer',
    'not-running',
  ]);
  for (const r of [...DropReasons, ...InstanceDropReasons]) {
    assert.ok((DROP_COUNTER[r] !== undefined) !== unprinted.has(r), `${r}: mapped or listed as unprinted`);
  }
});

test('instances follow one another in the given order', () => {
  const text = formatStatsFile([
    { name: 'A', stats: stats() },
    { name: 'B', stats: stats({ releaseMaster: 2 }) },
  ]);
  const lines = text.split('\n');
  assert.equal(lines[0], 'VRRP Instance: A');
  assert.equal(lines[19], 'VRRP Instance: B');
  assert.equal(lines[24], '  Released master: 2');
  assert.equal(lines.length, 39);
});
