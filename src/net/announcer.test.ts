/**
 * PacketAnnouncer's throttling on the fake clock: bursts, interval spacing, lanes apart, repeat
 * counts, FIFO, errors. (AnnounceQueue and the production sender have their own tests.)
 */
import assert from 'node:assert/strict';
import type { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import { FakeClock } from '../testing/fake-clock.js';
import type { AnnounceEffect } from '../vrrp/ports.js';
import { gratuitousArpFrame, parseMac, unsolicitedNaFrame } from './announce-frames.js';
import { type AnnounceInterface, type AnnouncerOptions, PacketAnnouncer } from './announcer.js';

const MAC_A = parseMac('00:00:5e:00:53:0a') as Buffer;
const MAC_B = parseMac('00:00:5e:00:53:0b') as Buffer;
const IF_A: AnnounceInterface = { ifindex: 2, mac: MAC_A, name: 'eth0' };
const IF_B: AnnounceInterface = { ifindex: 3, mac: MAC_B, name: 'eth1' };

interface Sent {
  readonly atUs: number;
  readonly ifindex: number;
  readonly frame: Buffer;
  /** The announced address, read back from the frame. */
  readonly address: string;
  readonly kind: 'garp' | 'na';
}

function addressOf(frame: Buffer): { address: string; kind: 'garp' | 'na' } {
  if (frame.readUInt16BE(12) === 0x0806)
    return { address: [...frame.subarray(38, 42)].join('.'), kind: 'garp' };
  const t = frame.subarray(62, 78);
  const groups = Array.from({ length: 8 }, (_, i) => t.readUInt16BE(i * 2).toString(16));
  return { address: groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::'), kind: 'na' };
}

function rig(
  opts: Partial<AnnouncerOptions> & {
    ifFor?: (instance: string, address: string) => AnnounceInterface;
  } = {},
) {
  const clock = new FakeClock(1_000_000);
  const sent: Sent[] = [];
  const logs: { text: string; detail: boolean }[] = [];
  const announcer = new PacketAnnouncer({
    clock,
    send: (ifindex, frame) => {
      sent.push({ atUs: clock.nowUs(), ifindex, frame, ...addressOf(frame) });
    },
    interfaceFor: opts.ifFor ?? (() => IF_A),
    log: (text, detail) => logs.push({ text, detail }),
    ...opts,
  });
  return { clock, sent, logs, announcer };
}

const effect = (addresses: string[], repeat: number): AnnounceEffect => ({
  kind: 'announce',
  addresses,
  repeat,
  reason: 'become-master',
});

const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - (times[i] ?? 0));

describe('PacketAnnouncer', () => {
  test('without an interval the whole burst goes out inside announce(), round by round', () => {
    const { sent, announcer, clock } = rig();
    announcer.announce('VI_1', effect(['192.0.2.10', '192.0.2.11'], 3));
    assert.deepEqual(
      sent.map((s) => s.address),
      ['192.0.2.10', '192.0.2.11', '192.0.2.10', '192.0.2.11', '192.0.2.10', '192.0.2.11'],
    );
    assert.ok(sent.every((s) => s.atUs === 1_000_000 && s.ifindex === 2));
    assert.deepEqual(sent[0]?.frame, gratuitousArpFrame(MAC_A, '192.0.2.10'));
    assert.equal(clock.pending, 0, 'no timer left behind');
    assert.equal(announcer.stats().garpSent, 6);
  });

  test('vrrp_garp_interval: the first GARP at once, each next one exactly the interval later', () => {
    const { sent, announcer, clock } = rig({ garpIntervalUs: 100_000 });
    announcer.announce('VI_1', effect(['192.0.2.10', '192.0.2.11'], 5));
    assert.equal(sent.length, 1, 'only the first is sent synchronously');
    clock.advanceBy(2_000_000);
    assert.equal(sent.length, 10);
    assert.deepEqual(gaps(sent.map((s) => s.atUs)), Array(9).fill(100_000));
    assert.equal(clock.pending, 0);
  });

  test('the gap counts from the previous send, across announcements; an idle lane sends at once', () => {
    const { sent, announcer, clock } = rig({ garpIntervalUs: 100_000 });
    announcer.announce('VI_1', effect(['192.0.2.10'], 1));
    clock.advanceBy(30_000);
    announcer.announce('VI_1', effect(['192.0.2.11'], 1));
    assert.equal(sent.length, 1);
    clock.advanceBy(69_999);
    assert.equal(sent.length, 1, 'not before the interval');
    clock.advanceBy(1);
    assert.equal(sent[1]?.atUs, 1_100_000);
    clock.advanceBy(500_000);
    announcer.announce('VI_1', effect(['192.0.2.12'], 1));
    assert.equal(sent[2]?.atUs, 1_600_000, 'sent inside announce()');
  });

  test('GARPs and NAs are throttled apart, each by its own interval', () => {
    const { sent, announcer, clock } = rig({ garpIntervalUs: 100_000, gnaIntervalUs: 40_000 });
    announcer.announce('VI_1', effect(['192.0.2.10', '2001:db8::10'], 3));
    assert.deepEqual(
      sent.map((s) => s.kind),
      ['garp', 'na'],
      'the first of each kind goes at once',
    );
    clock.advanceBy(1_000_000);
    const garps = sent.filter((s) => s.kind === 'garp').map((s) => s.atUs - 1_000_000);
    const nas = sent.filter((s) => s.kind === 'na').map((s) => s.atUs - 1_000_000);
    assert.deepEqual(garps, [0, 100_000, 200_000]);
    assert.deepEqual(nas, [0, 40_000, 80_000]);
    assert.deepEqual(
      sent.find((s) => s.kind === 'na')?.frame,
      unsolicitedNaFrame(MAC_A, '2001:db8::10', '2001:db8::10', { router: false }),
    );
    assert.deepEqual(announcer.stats(), { garpSent: 3, naSent: 3, pending: 0, errors: new Map() });
  });

  test('two interfaces do not wait for each other; a VMAC shares its base interface throttle', () => {
    const vmac: AnnounceInterface = { ifindex: 7, mac: MAC_B, name: 'vrrp.51', throttleIfindex: 2 };
    const byInstance: Record<string, AnnounceInterface> = { A: IF_A, B: IF_B, V: vmac };
    const { sent, announcer, clock } = rig({
      garpIntervalUs: 100_000,
      ifFor: (instance) => byInstance[instance] as AnnounceInterface,
    });
    announcer.announce('A', effect(['192.0.2.10'], 2));
    announcer.announce('B', effect(['198.51.100.10'], 2));
    announcer.announce('V', effect(['203.0.113.10'], 1));
    clock.advanceBy(1_000_000);
    const at = (ifindex: number) => sent.filter((s) => s.ifindex === ifindex).map((s) => s.atUs - 1_000_000);
    assert.deepEqual(at(2), [0, 100_000]);
    assert.deepEqual(at(3), [0, 100_000]);
    assert.deepEqual(at(7), [200_000], 'queued behind eth0, its base interface');
  });

  test('garp_group intervals from the resolver override the global ones', () => {
    const { sent, announcer, clock } = rig({
      garpIntervalUs: 100_000,
      ifFor: () => ({ ...IF_A, garpIntervalUs: 10_000 }),
    });
    announcer.announce('VI_1', effect(['192.0.2.10'], 3));
    clock.advanceBy(1_000_000);
    assert.deepEqual(gaps(sent.map((s) => s.atUs)), [10_000, 10_000]);
  });

  test('one lane is FIFO across instances and announcements', () => {
    const { sent, announcer, clock } = rig({ garpIntervalUs: 10_000 });
    announcer.announce('VI_1', effect(['192.0.2.1', '192.0.2.2'], 2));
    announcer.announce('VI_2', effect(['192.0.2.3'], 2));
    clock.advanceBy(1_000_000);
    assert.deepEqual(
      sent.map((s) => s.address.split('.')[3]),
      ['1', '2', '1', '2', '3', '3'],
    );
  });

  test('repeat is the number of copies per address; repeat 0 sends nothing', () => {
    const { sent, announcer, clock } = rig({ garpIntervalUs: 1_000, gnaIntervalUs: 1_000 });
    announcer.announce('VI_1', effect(['192.0.2.1', '2001:db8::1', '2001:db8::2'], 0));
    clock.advanceBy(1_000_000);
    assert.equal(sent.length, 0);
    announcer.announce('VI_1', effect(['192.0.2.1', '2001:db8::1', '2001:db8::2'], 4));
    clock.advanceBy(1_000_000);
    const count = (a: string) => sent.filter((s) => s.address === a).length;
    assert.deepEqual([count('192.0.2.1'), count('2001:db8::1'), count('2001:db8::2')], [4, 4, 4]);
    assert.deepEqual([announcer.stats().garpSent, announcer.stats().naSent], [4, 8]);
  });

  test('a big burst without interval yields to the event loop every maxFramesPerTurn frames', () => {
    const { sent, announcer, clock } = rig({ maxFramesPerTurn: 4 });
    announcer.announce('VI_1', effect(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'], 2));
    assert.equal(sent.length, 4);
    assert.equal(clock.pending, 1, 'the rest waits for a timer turn');
    const perTurn: number[] = [];
    while (clock.pending > 0) {
      const before = sent.length;
      clock.runUntil(() => sent.length > before, clock.nowUs());
      perTurn.push(sent.length - before);
    }
    assert.deepEqual(perTurn, [4, 2]);
    assert.equal(sent.length, 10);
  });

  test('a failing send is counted and logged (then rate-limited), never thrown; the rest still go', () => {
    const clock = new FakeClock();
    const logs: string[] = [];
    let calls = 0;
    const ok: string[] = [];
    const announcer = new PacketAnnouncer({
      clock,
      garpIntervalUs: 1_000,
      interfaceFor: () => IF_A,
      log: (text, detail) => {
        if (!detail) logs.push(text);
      },
      send: (_ifindex, frame) => {
        if (++calls % 2 === 1)
          throw Object.assign(new Error('sendto(AF_PACKET): Network is down'), { code: 'ENETDOWN' });
        ok.push(addressOf(frame).address);
      },
    });
    assert.doesNotThrow(() => announcer.announce('VI_1', effect(['192.0.2.1', '192.0.2.2'], 2)));
    clock.advanceBy(1_000_000);
    assert.equal(calls, 4);
    assert.deepEqual(ok, ['192.0.2.2', '192.0.2.2']);
    assert.equal(announcer.stats().errors.get('send-failed'), 2);
    assert.deepEqual(logs, [
      'Error ENETDOWN (sendto(AF_PACKET): Network is down) sending gratuitous ARP on eth0 for 192.0.2.1',
    ]);
  });

  test('unknown interface, resolver errors and bad addresses are counted; NOARP interfaces get nothing', () => {
    const { sent, logs, announcer } = rig({
      ifFor: (_instance, address) => {
        if (address === '192.0.2.1') return undefined as unknown as AnnounceInterface;
        if (address === '192.0.2.2') throw new Error('netlink says no');
        if (address === '192.0.2.3') return { ...IF_A, noArp: true };
        return IF_A;
      },
    });
    announcer.announce(
      'VI_1',
      effect(['192.0.2.1', '192.0.2.2', '192.0.2.3', 'not-an-ip', '192.0.2.4/24'], 1),
    );
    assert.deepEqual(
      sent.map((s) => s.address),
      ['192.0.2.4'],
      'a VIP written with its prefix length is announced',
    );
    const { errors } = announcer.stats();
    assert.equal(errors.get('no-interface'), 2);
    assert.equal(errors.get('bad-address'), 1);
    const errorLines = logs.filter((l) => !l.detail).map((l) => l.text);
    assert.deepEqual(errorLines, [
      '(VI_1) no interface for 192.0.2.1: not sending gratuitous ARPs',
      '(VI_1) cannot announce "not-an-ip": not an IP address',
    ]);
  });

  test("the Router flag follows the interface; detail log lines are keepalived's", () => {
    const { sent, logs, announcer } = rig({ ifFor: () => ({ ...IF_A, ipv6Router: true }) });
    announcer.announce('VI_6', effect(['2001:db8::6', '192.0.2.6'], 1));
    assert.deepEqual(
      sent[0]?.frame,
      unsolicitedNaFrame(MAC_A, '2001:db8::6', '2001:db8::6', { router: true }),
    );
    assert.deepEqual(
      logs.filter((l) => l.detail).map((l) => l.text),
      [
        '(VI_6) Sending/queueing Unsolicited Neighbour Adverts on eth0 for 2001:db8::6',
        '(VI_6) Sending/queueing gratuitous ARPs on eth0 for 192.0.2.6',
        'Sending unsolicited Neighbour Advert on eth0 for 2001:db8::6',
        'Sending gratuitous ARP on eth0 for 192.0.2.6',
      ],
    );
  });

  test('cancel(instance) drops only its queued frames and disarms an idle timer', () => {
    const { sent, announcer, clock } = rig({ garpIntervalUs: 100_000 });
    announcer.announce('VI_1', effect(['192.0.2.1'], 3));
    announcer.announce('VI_2', effect(['192.0.2.2'], 2));
    assert.equal(announcer.cancel('VI_1'), 2);
    clock.advanceBy(1_000_000);
    assert.deepEqual(
      sent.map((s) => s.address),
      ['192.0.2.1', '192.0.2.2', '192.0.2.2'],
    );
    announcer.announce('VI_1', effect(['192.0.2.1'], 3));
    announcer.cancel('VI_1');
    assert.equal(clock.pending, 0);
  });

  test('close() stops everything and later announcements are ignored', () => {
    const { sent, announcer, clock } = rig({ garpIntervalUs: 100_000 });
    announcer.announce('VI_1', effect(['192.0.2.1'], 3));
    announcer.close();
    announcer.close();
    assert.equal(clock.pending, 0);
    announcer.announce('VI_1', effect(['192.0.2.1'], 3));
    clock.advanceBy(1_000_000);
    assert.equal(sent.length, 1);
  });
});
