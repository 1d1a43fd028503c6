import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { initialState, type VrrpRuntime } from '../vrrp/fsm.js';
import { withDefaults } from '../vrrp/ports.js';
import { formatDataFile, type InstanceDump } from './vrrp-data-file.js';
import { formatJsonFile } from './vrrp-json-file.js';

const FIXTURE = new URL('../../../test/fixtures/dumps/keepalived-2.2.7.data', import.meta.url);
const JSON_FIXTURE = new URL('../../../test/fixtures/dumps/keepalived-2.2.7.json.txt', import.meta.url);

/** The fixture's instance: v3, priority 100, advert_int 0.2, one VIP, vrrp_garp_master_delay 0. */
function dump(runtime: Partial<VrrpRuntime> = {}): InstanceDump {
  const params = withDefaults({
    name: 'VI_1',
    vrid: 51,
    srcAddr: '192.0.2.1',
    version: 3,
    interfaceName: 'eth0',
    basePriority: 100,
    adverIntUs: 200_000,
    vips: ['192.0.2.250'],
    garp: { masterDelayUs: 0 },
  });
  const r = initialState(params).runtime;
  return {
    params,
    runtime: { ...r, ...runtime },
    stats: {
      advertRcvd: 0,
      advertSent: 0,
      becomeMaster: 0,
      releaseMaster: 0,
      priZeroRcvd: 0,
      priZeroSent: 0,
      splitBrain: 0,
      drops: new Map(),
    },
    syncGroup: undefined,
    ifindex: 3,
  };
}

/** keepalived's VRRP Topology section of the same run. */
function keepalivedTopology(): string[] {
  const text = readFileSync(FIXTURE, 'utf8');
  const from = text.indexOf('------< VRRP Topology >------');
  const to = text.indexOf('------< VRRP Sockpool >------');
  return text.slice(from, to).trimEnd().split('\n');
}

test("every line written is keepalived 2.2.7's line for the same instance, in its order", () => {
  const ours = formatDataFile([
    dump({
      state: 'MASTER',
      wantState: 'MASTER',
      effectivePriority: 100,
      totalPriority: 100,
      msDownTimerUs: 721_875,
      vipsSet: true,
    }),
  ])
    .trimEnd()
    .split('\n');
  const theirs = keepalivedTopology();
  let at = 0;
  for (const line of ours) {
    const found = theirs.indexOf(line, at);
    assert.ok(found >= 0, `"${line}" is not in keepalived's file after line ${at}`);
    at = found + 1;
  }
  // What is left out is the wall-clock, fd and config-less lines, not the instance's state.
  const omitted = theirs.filter((l) => !ours.includes(l)).map((l) => l.split(/ = |:/)[0]?.trim());
  assert.deepEqual(omitted, [
    'Number of track scripts init',
    'Last transition',
    'Read timeout',
    'Promote_secondaries',
    'fd_in 13, fd_out 14',
    'Using smtp notification',
    'Notify deleted',
    'Notify priority changes',
  ]);
});

test('a backup shows its master as keepalived does', () => {
  const text = formatDataFile([
    dump({ state: 'BACKUP', masterAddr: '192.0.2.2', masterPriority: 150, masterAdverIntUs: 1_000_000 }),
  ]);
  assert.match(text, /\n {3}State = BACKUP\n {3}Master router = 192\.0\.2\.2\n {3}Master priority = 150\n/);
  assert.match(text, /\n {3}Master advert int = 1\.00 sec\n/);
  assert.match(text, /\n {3}Master advert interval = 1000 milli-sec\n/);
  assert.match(text, /\n {5}192\.0\.2\.250 dev eth0 scope global\n/, 'a backup has not set its VIPs');
});

test("the JSON file is keepalived 2.2.7's for the same instance, but its wall-clock time", () => {
  const d = dump({
    state: 'MASTER',
    wantState: 'MASTER',
    effectivePriority: 100,
    totalPriority: 100,
    vipsSet: true,
  });
  const ours = formatJsonFile([{ ...d, stats: { ...d.stats, advertSent: 8, becomeMaster: 1 } }]);
  const theirs = readFileSync(JSON_FIXTURE, 'utf8').replace(
    /"last_transition":[0-9.]+/,
    '"last_transition":0.000000',
  );
  assert.equal(ours, theirs);
});
