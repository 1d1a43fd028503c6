/**
 * PacketAnnouncer on a real link: two namespaces joined by a veth pair; the announcer runs in A
 * (AF_PACKET sockets live in the namespace of the process), tcpdump captures in B. What must
 * hold: `repeat` GARPs / NAs per VIP arrive byte-identical to the builders' frames, in keepalived's
 * order, each kind spaced by its interval, tshark reads them as gratuitous ARPs / valid NAs, and
 * B's kernel moves its existing neighbour entries for the VIPs to A's MAC. With arp_accept 0 and
 * accept_untracked_na 0 (the defaults) B creates no entry for a VIP it had none for.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gratuitousArpFrame, parseMac, unsolicitedNaFrame } from '../../src/net/announce-frames.js';
import { REPO_ROOT } from '../../src/testing/config-compare.js';
import { pollUntil } from '../../src/testing/poll.js';

const NEEDS_ROOT = process.getuid?.() === 0 ? false : 'network namespaces need root';
const id = randomBytes(3).toString('hex');
const a = `ktana${id}`;
const b = `ktanb${id}`;

const GARP_INTERVAL_US = 100_000;
const GNA_INTERVAL_US = 50_000;
const REPEAT = 3;
/** B holds a stale entry for these, pointing at a MAC nobody has. */
const V4_KNOWN = '192.0.2.250';
const V6_KNOWN = '2001:db8::250';
/** B has never heard of these. */
const V4_UNKNOWN = '198.51.100.250';
const V6_UNKNOWN = '2001:db8::251';
const ELSEWHERE_MAC = '02:00:00:00:00:99';
/**
 * Receive timestamps are taken in B's softirq, not at A's sendto: allow them this much jitter
 * when checking the gaps the sender keeps (it measures them from its own sends).
 */
const CAPTURE_JITTER_US = 2_000;

const sh = (args: string[]): string => execFileSync(args[0] as string, args.slice(1), { encoding: 'utf8' });
const nsx = (ns: string, args: string[]): string => sh(['ip', 'netns', 'exec', ns, ...args]);

interface Frame {
  readonly atUs: number;
  readonly bytes: Buffer;
}

/** The records of a classic pcap as tcpdump -w writes it (µs timestamps). */
function readPcap(file: string): Frame[] {
  let pcap: Buffer;
  try {
    pcap = readFileSync(file);
  } catch {
    return [];
  }
  const frames: Frame[] = [];
  for (let at = 24; at + 16 <= pcap.length; ) {
    const len = pcap.readUInt32LE(at + 8);
    if (at + 16 + len > pcap.length) break; // a record still being written
    const atUs = pcap.readUInt32LE(at) * 1_000_000 + pcap.readUInt32LE(at + 4);
    frames.push({ atUs, bytes: Buffer.from(pcap.subarray(at + 16, at + 16 + len)) });
    at += 16 + len;
  }
  return frames;
}

/** `ip neigh` entry for `addr` on B's eth0: its lladdr and state, or undefined. */
function neighbour(addr: string): { lladdr?: string; state?: string[] } | undefined {
  const out = JSON.parse(sh(['ip', '-n', b, '-j', 'neigh', 'show', addr, 'dev', 'eth0'])) as {
    lladdr?: string;
    state?: string[];
  }[];
  return out[0];
}

describe('PacketAnnouncer on a veth pair', { skip: NEEDS_ROOT }, () => {
  // Made in before(): a skipped suite runs no hooks and must leave nothing behind.
  let dir = '';
  let pcapFile = '';
  let tcpdump: ChildProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'announcer-it-'));
    pcapFile = join(dir, 'b.pcap');
    sh(['ip', 'netns', 'add', a]);
    sh(['ip', 'netns', 'add', b]);
    sh(['ip', '-n', a, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', b]);
    for (const ns of [a, b]) {
      for (const conf of ['all', 'default', 'eth0']) {
        nsx(ns, ['sysctl', '-qw', `net.ipv6.conf.${conf}.accept_dad=0`]);
      }
    }
    // The VIPs are deliberately not added to A: the kernel's own announcements for new
    // addresses could then not be told from the announcer's.
    for (const [ns, v4, v6] of [
      [a, '192.0.2.1/24', '2001:db8::1/64'],
      [b, '192.0.2.2/24', '2001:db8::2/64'],
    ] as const) {
      sh(['ip', '-n', ns, 'addr', 'add', v4, 'dev', 'eth0']);
      sh(['ip', '-n', ns, 'addr', 'add', v6, 'dev', 'eth0', 'nodad']);
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
    }
    // Both ends up and a usable link-local address: the link carries traffic from here on.
    for (const ns of [a, b]) {
      await pollUntil(() => sh(['ip', '-n', ns, '-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'link']), {
        what: `a non-tentative link-local address in ${ns}`,
        until: (out) => out.includes('fe80') && !out.includes('tentative'),
      });
    }
    for (const vip of [V4_KNOWN, V6_KNOWN]) {
      sh(['ip', '-n', b, 'neigh', 'add', vip, 'lladdr', ELSEWHERE_MAC, 'dev', 'eth0', 'nud', 'stale']);
    }
    // ip netns exec execs tcpdump, so the child's pid is tcpdump's own.
    tcpdump = spawn(
      'ip',
      [
        'netns',
        'exec',
        b,
        'tcpdump',
        '-i',
        'eth0',
        '-U',
        '-n',
        '-w',
        pcapFile,
        'arp or (icmp6 and ip6[40] == 136)',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    tcpdump.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    await pollUntil(() => err, { what: 'tcpdump listening in B', until: (e) => e.includes('listening on') });
  });

  after(() => {
    if (tcpdump?.pid !== undefined && tcpdump.exitCode === null) tcpdump.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', a]);
    spawnSync('ip', ['netns', 'del', b]);
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test("repeat GARPs and NAs per VIP arrive spaced by their intervals and re-point B's neighbours", async (t) => {
    const vips = [V4_KNOWN, V4_UNKNOWN, V6_KNOWN, V6_UNKNOWN];
    const script = `
      import { PacketAnnouncer } from '${REPO_ROOT}/dist/src/net/announcer.js';
      import { realClock } from '${REPO_ROOT}/dist/src/sys/real-clock.js';
      import { createPacketSender, interfaceFromSysfs } from '${REPO_ROOT}/dist/src/net/announcer-sender.js';
      const ifc = interfaceFromSysfs('eth0');
      const sender = createPacketSender();
      const errors = [];
      const announcer = new PacketAnnouncer({
        clock: realClock, send: sender.send, interfaceFor: () => ifc,
        garpIntervalUs: ${GARP_INTERVAL_US}, gnaIntervalUs: ${GNA_INTERVAL_US},
        log: (text, detail) => { if (!detail) errors.push(text); },
      });
      announcer.announce('VI_1', { kind: 'announce', addresses: ${JSON.stringify(vips)}, repeat: ${REPEAT}, reason: 'become-master' });
      while (announcer.stats().pending > 0) await new Promise((r) => setTimeout(r, 5));
      sender.close();
      const { garpSent, naSent } = announcer.stats();
      console.log(JSON.stringify({ garpSent, naSent, errors, ifc: { ...ifc, mac: Buffer.from(ifc.mac).toString('hex') } }));`;
    const run = spawnSync('ip', ['netns', 'exec', a, process.execPath, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
      cwd: REPO_ROOT,
    });
    assert.equal(run.status, 0, `announcer in ${a} failed: ${run.stderr}`);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      garpSent: number;
      naSent: number;
      errors: string[];
      ifc: { mac: string; ipv6Router: boolean };
    };
    assert.deepEqual(report.errors, []);
    assert.deepEqual([report.garpSent, report.naSent], [2 * REPEAT, 2 * REPEAT]);
    const macA = Buffer.from(report.ifc.mac, 'hex');
    assert.equal(
      macA.toString('hex'),
      parseMac(nsx(a, ['cat', '/sys/class/net/eth0/address']))?.toString('hex'),
    );

    // Only what came from A's MAC (B's kernel may speak up too).
    const fromA = (frames: Frame[]) => frames.filter((f) => f.bytes.subarray(6, 12).equals(macA));
    const frames = fromA(
      await pollUntil(() => readPcap(pcapFile), {
        what: `${4 * REPEAT} frames from A in B's capture`,
        until: (fs) => fromA(fs).length >= 4 * REPEAT,
      }),
    );
    const garps = frames.filter((f) => f.bytes.readUInt16BE(12) === 0x0806);
    const nas = frames.filter((f) => f.bytes.readUInt16BE(12) === 0x86dd);

    const expectGarps = Array.from({ length: REPEAT }, () => [V4_KNOWN, V4_UNKNOWN]).flat();
    const expectNas = Array.from({ length: REPEAT }, () => [V6_KNOWN, V6_UNKNOWN]).flat();
    assert.deepEqual(
      garps.map((f) => f.bytes.toString('hex')),
      expectGarps.map((v) => gratuitousArpFrame(macA, v).toString('hex')),
      "GARPs: keepalived's frames, round by round",
    );
    const router = { router: report.ifc.ipv6Router };
    assert.deepEqual(
      nas.map((f) => f.bytes.toString('hex')),
      expectNas.map((v) => unsolicitedNaFrame(macA, v, v, router).toString('hex')),
      "NAs: keepalived's frames, round by round",
    );
    const gapsUs = (fs: Frame[]) => fs.slice(1).map((f, i) => f.atUs - (fs[i]?.atUs ?? 0));
    const garpGaps = gapsUs(garps);
    const naGaps = gapsUs(nas);
    t.diagnostic(`GARP gaps (us): ${garpGaps.join(' ')}; NA gaps (us): ${naGaps.join(' ')}`);
    for (const g of garpGaps) assert.ok(g >= GARP_INTERVAL_US - CAPTURE_JITTER_US, `GARP gap ${g} us`);
    for (const g of naGaps) assert.ok(g >= GNA_INTERVAL_US - CAPTURE_JITTER_US, `NA gap ${g} us`);
    // Throttled apart: the first NA does not wait for the GARPs.
    assert.ok(
      Math.abs((nas[0]?.atUs ?? 0) - (garps[0]?.atUs ?? 0)) < GNA_INTERVAL_US,
      'first NA goes with the first GARP',
    );

    // A dissector that shares no code with ours agrees on what they are.
    const tshark = spawnSync(
      'tshark',
      [
        '-r',
        pcapFile,
        '-Y',
        `eth.src == ${report.ifc.mac.replace(/(..)(?!$)/g, '$1:')}`,
        '-T',
        'fields',
        '-e',
        'arp.isgratuitous',
        '-e',
        'icmpv6.checksum.status',
        '-e',
        'icmpv6.nd.na.flag.o',
        '-e',
        'ipv6.hlim',
      ],
      { encoding: 'utf8' },
    );
    if (tshark.error === undefined) {
      const rows = tshark.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t'));
      assert.equal(rows.length, 4 * REPEAT);
      for (const r of rows)
        assert.ok(r[0] === '1' || (r[1] === '1' && r[2] === '1' && r[3] === '255'), r.join(','));
    } else {
      t.diagnostic('tshark not installed: dissector check skipped');
    }

    // The kernel updates an existing entry on a gratuitous ARP / an NA with Override.
    const want = report.ifc.mac.replace(/(..)(?!$)/g, '$1:');
    for (const vip of [V4_KNOWN, V6_KNOWN]) {
      await pollUntil(() => neighbour(vip), {
        what: `B's neighbour entry for ${vip} at ${want}`,
        until: (n) => n?.lladdr === want,
        timeoutMs: 2000,
      });
    }
    const arpAccept = nsx(b, ['sysctl', '-n', 'net.ipv4.conf.eth0.arp_accept']).trim();
    const untrackedNa = spawnSync(
      'ip',
      ['netns', 'exec', b, 'sysctl', '-n', 'net.ipv6.conf.eth0.accept_untracked_na'],
      {
        encoding: 'utf8',
      },
    ).stdout.trim();
    t.diagnostic(`B: arp_accept=${arpAccept} accept_untracked_na=${untrackedNa || 'n/a'}`);
    if (arpAccept === '0') assert.equal(neighbour(V4_UNKNOWN), undefined, 'arp_accept 0 creates no entry');
    if (untrackedNa === '0' || untrackedNa === '') {
      assert.equal(neighbour(V6_UNKNOWN), undefined, 'an untracked NA creates no entry');
    }
  });
});
