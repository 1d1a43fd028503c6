import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bfdSection, findTrackedBfd } from './bfd.js';
import { parseSockaddr } from './bfd-instance.js';
import { load, messagesAt, places, runPass } from './bfd-test-kit.js';

test('a minimal IPv4 bfd_instance gets keepalived defaults', () => {
  const r = load('bfd_instance b1 {\n  neighbor_ip 192.0.2.1\n}\n');
  assert.equal(r.exitStatus, 0);
  assert.deepEqual(r.config?.bfd.instances, [
    {
      name: 'b1',
      neighborIp: '192.0.2.1',
      family: 4,
      sourceIp: undefined,
      minRxUs: 10_000,
      minTxUs: 10_000,
      idleTxUs: 1_000_000,
      multiplier: 5,
      passive: false,
      ttl: 255,
      maxHops: 0,
      weight: 0,
      weightReverse: false,
      notifyVrrp: true,
      notifyChecker: true,
    },
  ]);
});

test('every session keyword is read into the model', () => {
  const r = load(
    [
      'bfd_instance b6 {',
      '  neighbour_ip 2001:DB8:0::1/64',
      '  source_ip 2001:db8::2-5',
      '  min_rx 3.312',
      '  min_tx 20',
      '  idle_tx 2000',
      '  multiplier 3',
      '  passive',
      '  hoplimit 10',
      '  max_hops 2',
      '  weight -20 reverse',
      '  vrrp',
      '}',
      '',
    ].join('\n'),
  );
  assert.equal(r.exitStatus, 0);
  const b = r.config?.bfd.instances[0];
  assert.equal(b?.neighborIp, '2001:db8::1');
  assert.equal(b?.family, 6);
  assert.equal(b?.sourceIp, '2001:db8::2');
  assert.equal(b?.minRxUs, 3312);
  assert.equal(b?.minTxUs, 20_000);
  assert.equal(b?.idleTxUs, 2_000_000);
  assert.equal(b?.multiplier, 3);
  assert.equal(b?.passive, true);
  assert.equal(b?.ttl, 10);
  assert.equal(b?.maxHops, 2);
  assert.equal(b?.weight, -20);
  assert.equal(b?.weightReverse, true);
  assert.equal(b?.notifyVrrp, true);
  assert.equal(b?.notifyChecker, false);
});

test('IPv6 sessions default to hop limit 64, and max_hops above it is clamped', () => {
  const r = load('bfd_instance b {\n neighbor_ip fe80::2\n max_hops 200\n}\n');
  assert.deepEqual(places(r), ['4:general-error']);
  assert.deepEqual(messagesAt(r, 4), [
    'BFD instance b: max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit',
  ]);
  assert.equal(r.config?.bfd.instances[0]?.ttl, 64);
  assert.equal(r.config?.bfd.instances[0]?.maxHops, 64);
});

test('max_hops -1 is 255 (8 bits): fine under IPv4 ttl 255, clamped under IPv6', () => {
  const r = load(
    'bfd_instance a {\n neighbor_ip 1.1.1.1\n max_hops -1\n}\nbfd_instance c {\n neighbor_ip 1::1\n max_hops -1\n}\n',
  );
  assert.deepEqual(places(r), ['8:general-error']);
  assert.equal(r.config?.bfd.instances[0]?.maxHops, 255);
  assert.equal(r.config?.bfd.instances[1]?.maxHops, 64);
});

test('out-of-range values are reported twice (number, then BFD) and keep the default', () => {
  const r = load(
    'bfd_instance b1 {\n neighbor_ip 10.0.0.1\n min_rx 0\n min_tx 4294968\n idle_tx 999\n multiplier 300\n ttl 0\n hoplimit 256\n max_hops -2\n}\n',
  );
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), [
    '3:general-error',
    '3:invalid-number',
    '4:general-error',
    '4:invalid-number',
    '5:general-error',
    '5:invalid-number',
    '6:general-error',
    '6:invalid-number',
    '7:general-error',
    '7:invalid-number',
    '8:general-error',
    '8:invalid-number',
    '9:general-error',
    '9:invalid-number',
  ]);
  assert.deepEqual(messagesAt(r, 3), [
    "number '0' outside range [1.000, 4294967.000]",
    'Configuration error: BFD instance b1 min_rx value 0 is not valid (must be in range [1-4294967]), ignoring',
  ]);
  const b = r.config?.bfd.instances[0];
  assert.equal(b?.minRxUs, 10_000);
  assert.equal(b?.idleTxUs, 1_000_000);
  assert.equal(b?.multiplier, 5);
  assert.equal(b?.ttl, 255);
});

test('a second bfd_instance of the same name is refused by every process and skipped', () => {
  const r = load(
    'bfd_instance b1 {\n neighbor_ip 10.0.0.1\n}\nbfd_instance b1 {\n neighbor_ip 10.0.0.3\n bogus\n}\n',
  );
  assert.deepEqual(places(r), ['4:general-error']);
  assert.deepEqual(messagesAt(r, 4), [
    'BFD b1 already specified',
    'Configuration error: BFD instance b1 already configured - ignoring',
  ]);
  assert.equal(r.config?.bfd.instances.length, 1);
  assert.equal(r.config?.bfd.instances[0]?.neighborIp, '10.0.0.1');
});

test('names of 32 characters are refused by the BFD and VRRP processes', () => {
  const name = 'a'.repeat(32);
  const r = load(
    `bfd_instance ${name} {\n neighbor_ip 10.0.0.9\n}\nbfd_instance ${'b'.repeat(31)} {\n neighbor_ip 10.0.0.8\n}\n`,
  );
  assert.deepEqual(places(r), ['1:general-error']);
  assert.deepEqual(messagesAt(r, 1), [
    `BFD name ${name} too long`,
    `Configuration error: BFD instance ${name} name too long (maximum length is 31 characters) - ignoring`,
  ]);
  assert.equal(r.config?.bfd.instances.length, 1);
});

test('the end of the block checks neighbour, family and duplicates, at the closing line', () => {
  const r = load(
    [
      'bfd_instance b {', // 1
      ' neighbor_ip 1.1.1.1',
      ' source_ip 2.2.2.2',
      '}',
      'bfd_instance c {', // 5: other source, same neighbour: allowed
      ' neighbor_ip 1.1.1.1',
      ' source_ip 2.2.2.3',
      '}',
      'bfd_instance d {', // 9: no source clashes with any
      ' neighbor_ip 1.1.1.1',
      '}',
      'bfd_instance e {', // 12: same pair
      ' neighbor_ip 1.1.1.1',
      ' source_ip 2.2.2.2',
      '}',
      'bfd_instance f {', // 16: no neighbour
      ' source_ip 2.2.2.2',
      '}',
      'bfd_instance g {', // 19: families differ
      ' neighbor_ip fe80::1',
      ' source_ip 10.0.0.1',
      '}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(places(r), [
    '11:general-error',
    '15:general-error',
    '18:general-error',
    '22:general-error',
  ]);
  assert.deepEqual(messagesAt(r, 11), [
    'Configuration error: BFD instance d has duplicate neighbor address 1.1.1.1, ignoring instance',
  ]);
  assert.deepEqual(messagesAt(r, 15), [
    'Configuration error: BFD instance e has duplicate source/neighbor address 2.2.2.2/1.1.1.1, ignoring instance',
  ]);
  assert.deepEqual(messagesAt(r, 18), [
    'Configuration error: BFD instance f has no neighbor address set, disabling instance',
  ]);
  assert.deepEqual(
    r.config?.bfd.instances.map((b) => b.name),
    ['b', 'c'],
  );
});

test('a malformed neighbour drops the instance and skips the rest of its block', () => {
  const r = load(
    'bfd_instance b5 {\n neighbor_ip 10.0.0.300\n min_rx 0\n bogus\n}\nbfd_instance b5 {\n neighbor_ip 10.0.0.3\n}\n',
  );
  // Only the BFD process skips it: the VRRP and checker processes still see `bogus`.
  assert.deepEqual(places(r), ['2:general-error', '4:unknown-keyword', '6:general-error']);
  assert.deepEqual(messagesAt(r, 2), [
    'Configuration error: BFD instance b5 has malformed neighbor address 10.0.0.300, ignoring instance',
  ]);
  // The BFD process forgot b5, so it takes the second one; VRRP and checker had both names.
  assert.deepEqual(messagesAt(r, 6), ['BFD b5 already specified']);
  assert.equal(r.config?.bfd.instances[0]?.neighborIp, '10.0.0.3');
});

test('a neighbor_ip value of "neighbour_ip" switches later messages to that spelling', () => {
  const r = load('bfd_instance c {\n neighbor_ip neighbour_ip\n}\nbfd_instance d {\n}\n');
  assert.deepEqual(messagesAt(r, 2), [
    'Configuration error: BFD instance c has malformed neighbour address neighbour_ip, ignoring instance',
  ]);
  assert.deepEqual(messagesAt(r, 5), [
    'Configuration error: BFD instance d has no neighbour address set, disabling instance',
  ]);
});

test('a malformed source address is reported and ignored', () => {
  const r = load('bfd_instance b7 {\n neighbor_ip 10.0.0.7\n source_ip bogus\n}\n');
  assert.deepEqual(places(r), ['3:general-error']);
  assert.equal(r.config?.bfd.instances[0]?.sourceIp, undefined);
});

test('weight is checked by the VRRP process only, with -t strictness', () => {
  const r = load(
    'bfd_instance b {\n neighbor_ip 1.1.1.1\n weight 254 foo\n}\nbfd_instance c {\n neighbor_ip 1.1.1.2\n weight 12abc\n}\n',
  );
  assert.deepEqual(places(r), ['3:general-error', '3:invalid-number', '7:general-error', '7:invalid-number']);
  assert.deepEqual(messagesAt(r, 3), [
    "number '254' outside range [-253, 253]",
    'Configuration error: BFD instance b weight value 254 not valid (must be in range [-253-253]), ignoring',
    'Configuration error: BFD instance b unknown weight option foo',
  ]);
  assert.equal(r.config?.bfd.instances[0]?.weight, 0);
});

test('a missing value stops the parse with exit 2', () => {
  for (const kw of ['min_rx', 'source_ip', 'weight', 'multiplier', 'neighbor_ip']) {
    const r = load(`bfd_instance b {\n neighbor_ip 1.1.1.1\n ${kw}\n}\n`);
    assert.equal(r.exitStatus, 2, kw);
    assert.deepEqual(places(r), ['3:missing-parameter'], kw);
  }
  assert.equal(load('bfd_instance\n').exitStatus, 2);
});

test('passive, vrrp and checker take no value and ignore extra words', () => {
  const r = load('bfd_instance b {\n neighbor_ip 1.1.1.1\n passive foo\n vrrp x\n checker\n}\n');
  assert.equal(r.exitStatus, 0);
  assert.equal(r.config?.bfd.instances[0]?.notifyVrrp, true);
  assert.equal(r.config?.bfd.instances[0]?.notifyChecker, true);
});

test('findTrackedBfd() sees in each process only the BFDs that notify it', () => {
  const text =
    'bfd_instance both {\n neighbor_ip 1.1.1.1\n weight 10 reverse\n}\n' +
    'bfd_instance v {\n neighbor_ip 1.1.1.2\n vrrp\n}\n' +
    'bfd_instance c {\n neighbor_ip 1.1.1.3\n checker\n}\n';
  const vrrp = runPass('vrrp', text, bfdSection.roots('vrrp')).ctx;
  assert.deepEqual(findTrackedBfd(vrrp, 'both'), { name: 'both', weight: 10, weightReverse: true });
  assert.ok(findTrackedBfd(vrrp, 'v'));
  assert.equal(findTrackedBfd(vrrp, 'c'), undefined);
  const checker = runPass('checker', text, bfdSection.roots('checker')).ctx;
  assert.deepEqual(findTrackedBfd(checker, 'both'), { name: 'both', weight: 0, weightReverse: false });
  assert.equal(findTrackedBfd(checker, 'v'), undefined);
  assert.ok(findTrackedBfd(checker, 'c'));
});

test('the VRRP process tracks a BFD even when the BFD process rejects its session', () => {
  const { ctx, sink } = runPass('vrrp', 'bfd_instance nonbr {\n}\n', bfdSection.roots('vrrp'));
  assert.ok(findTrackedBfd(ctx, 'nonbr'));
  assert.equal(sink.items.length, 0);
});

test('parseSockaddr() follows inet_stosockaddr: ranges and prefixes dropped, inet_pton strict', () => {
  assert.equal(parseSockaddr('10.0.0.1/24')?.family, 4);
  assert.equal(parseSockaddr('10.0.0.1-5')?.family, 4);
  assert.equal(parseSockaddr('2001:db8::1/64')?.family, 6);
  assert.equal(parseSockaddr('010.0.0.1'), undefined);
  assert.equal(parseSockaddr('10.0.0'), undefined);
  assert.equal(parseSockaddr('fe80::1%eth0'), undefined);
  assert.equal(parseSockaddr('host.example'), undefined);
});
