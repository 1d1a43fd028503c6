/**
 * Golden frames (test/fixtures/announce/vectors.json): our builders against keepalived 2.2.7's
 * own frames (keepalived-capture.json, recorded by capture-keepalived.sh), and against tshark's
 * ARP / ICMPv6 dissectors, which share no code with ours.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checksumIsValid, pseudoHeader } from '../base/inet-checksum.js';
import { parseIp } from '../base/ip.js';
import {
  formatMac,
  GARP_FRAME_LEN,
  gratuitousArpFrame,
  NA_FLAG_OVERRIDE,
  NA_FLAG_ROUTER,
  NA_FRAME_LEN,
  parseMac,
  unsolicitedNaFrame,
} from './announce-frames.js';

interface Vector {
  name: string;
  kind: 'garp' | 'na';
  mac: string;
  src?: string;
  address: string;
  router?: boolean;
  keepalived: boolean;
  hex: string;
  tshark: Record<string, string>;
}

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/announce/${name}`, import.meta.url), 'utf8')) as T;
const { vectors } = fixture<{ vectors: Vector[] }>('vectors.json');
const captured = fixture<{ frames: { atUs: number; hex: string }[] }>('keepalived-capture.json').frames;

function mac(text: string): Buffer {
  const m = parseMac(text);
  assert.ok(m, text);
  return m;
}

function build(v: Vector): Buffer {
  return v.kind === 'garp'
    ? gratuitousArpFrame(mac(v.mac), v.address)
    : unsolicitedNaFrame(mac(v.mac), v.src ?? v.address, v.address, { router: v.router === true });
}

describe('gratuitousArpFrame / unsolicitedNaFrame', () => {
  for (const v of vectors) {
    test(`builds the golden frame: ${v.name}`, () => {
      assert.equal(build(v).toString('hex'), v.hex);
    });
  }

  test('every frame keepalived 2.2.7 sent is one our builders produce byte for byte', () => {
    const ours = new Set(vectors.filter((v) => v.keepalived).map((v) => v.hex));
    assert.ok(captured.length >= 4);
    for (const f of captured) assert.ok(ours.has(f.hex), `keepalived frame not reproduced: ${f.hex}`);
    for (const v of vectors.filter((x) => x.keepalived)) {
      assert.ok(
        captured.some((f) => f.hex === v.hex),
        `${v.name} marked keepalived but not captured`,
      );
    }
  });

  test('a GARP is 42 bytes, unpadded, as keepalived leaves padding to the NIC', () => {
    assert.equal(gratuitousArpFrame(mac('00:00:5e:00:53:01'), '203.0.113.7').length, GARP_FRAME_LEN);
    assert.equal(GARP_FRAME_LEN, 42);
  });

  test('NA checksum verifies with the IPv6 pseudo-header for any source, router or not', () => {
    for (const [src, router] of [
      ['2001:db8::9', false],
      ['fe80::1', true],
    ] as const) {
      const f = unsolicitedNaFrame(mac('00:00:5e:00:53:03'), src, '2001:db8::9', { router });
      assert.equal(f.length, NA_FRAME_LEN);
      const s = parseIp(src);
      const d = parseIp('ff02::1');
      assert.ok(s.ok && d.ok);
      const icmp = f.subarray(54);
      const ph = pseudoHeader(s.value, d.value, 58, icmp.length);
      assert.ok(ph);
      assert.ok(checksumIsValid(ph, icmp), `${src} router=${router}`);
      assert.equal(icmp[4], NA_FLAG_OVERRIDE | (router ? NA_FLAG_ROUTER : 0));
    }
  });

  test('bad arguments are programming errors and throw RangeError', () => {
    const m = mac('00:00:5e:00:53:01');
    assert.throws(() => gratuitousArpFrame(Buffer.alloc(5), '192.0.2.1'), RangeError);
    assert.throws(() => gratuitousArpFrame(m, '2001:db8::1'), RangeError);
    assert.throws(() => unsolicitedNaFrame(m, '192.0.2.1', '2001:db8::1', { router: false }), RangeError);
    assert.throws(() => unsolicitedNaFrame(m, '2001:db8::1', 'ff02::1', { router: false }), RangeError);
  });

  test('parseMac reads sysfs text and refuses anything else; formatMac is its inverse', () => {
    assert.equal(parseMac('00:00:5E:00:53:0a\n')?.toString('hex'), '00005e00530a');
    assert.equal(parseMac('00:00:5e:00:53'), undefined);
    assert.equal(parseMac('00-00-5e-00-53-01'), undefined);
    assert.equal(formatMac(mac('00:00:5e:00:53:0a')), '00:00:5e:00:53:0a');
  });
});

const tsharkVersion = spawnSync('tshark', ['-v'], { encoding: 'utf8' });
const skip = tsharkVersion.error ? 'tshark is not installed (Debian package "tshark")' : false;

/** A classic pcap, LINKTYPE_ETHERNET (1), one record per frame. */
function pcap(frames: Buffer[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20);
  const records = frames.map((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(i, 0);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    return Buffer.concat([r, f]);
  });
  return Buffer.concat([global, ...records]);
}

test('tshark dissects every vector as the stored ARP / ICMPv6 NA fields, with no expert warnings', {
  skip,
}, () => {
  const fields = [...new Set(vectors.flatMap((v) => Object.keys(v.tshark))), '_ws.expert.message'];
  const dir = mkdtempSync(join(tmpdir(), 'announce-tshark-'));
  let out: SpawnSyncReturns<string>;
  try {
    const file = join(dir, 'a.pcap');
    writeFileSync(file, pcap(vectors.map(build)));
    const args = ['-r', file, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f'];
    out = spawnSync('tshark', [...args, ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(out.status, 0, out.stderr);
  const rows = out.stdout.split('\n').filter((l) => l !== '');
  assert.equal(rows.length, vectors.length);
  vectors.forEach((v, i) => {
    const cells = (rows[i] ?? '').split('\t');
    const got = Object.fromEntries(fields.map((f, j) => [f, cells[j] ?? '']));
    for (const [field, want] of Object.entries(v.tshark))
      assert.equal(got[field], want, `${v.name}: ${field}`);
    assert.equal(got['_ws.expert.message'], '', `${v.name}: expert info`);
  });
});
