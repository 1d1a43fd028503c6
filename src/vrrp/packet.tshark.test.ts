/**
 * Confirms the golden vectors (and keepalived's own packets) with tshark's VRRP dissector,
 * which shares no code with ours. Skipped, saying why, where tshark is not installed.
 * The same check as test/fixtures/vrrp/confirm.sh, without text2pcap: the pcap is built here.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatIp, parseIp } from '../base/ip.js';
import { authKeyFromPass } from './auth.js';
import { buildIpv4Header } from './ipv4-header.js';
import { decodeIpv4Packet } from './ipv4-packet.js';
import { type Advert, decodeAdvert, IPPROTO_VRRP, VRRP_TTL } from './packet.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/vrrp/${name}`, import.meta.url), 'utf8')) as T;

interface Captured {
  vrid: number;
  hex: string;
  ah?: { pass: string; unicast: boolean };
}

interface Vector {
  name: string;
  layer: 'vrrp' | 'ipv4';
  src: string;
  dst: string;
  hex: string;
  tshark: Record<string, string>;
}

const tsharkVersion = spawnSync('tshark', ['-v'], { encoding: 'utf8' });
const skip = tsharkVersion.error
  ? 'tshark is not installed (Debian package "tshark"): cannot confirm vectors'
  : false;

/** An IP packet around a VRRP payload, TTL / hop limit 255, as the kernel would send it. */
function wrap(payload: Buffer, src: string, dst: string): Buffer {
  if (!src.includes(':')) {
    const ip = buildIpv4Header({
      tos: 0xc0,
      id: 1,
      ttl: VRRP_TTL,
      protocol: IPPROTO_VRRP,
      srcAddr: src,
      dstAddr: dst,
      payloadLen: payload.length,
    });
    return Buffer.concat([ip, payload]);
  }
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(payload.length, 4);
  h[6] = IPPROTO_VRRP;
  h[7] = VRRP_TTL;
  const s = parseIp(src);
  const d = parseIp(dst);
  assert.ok(s.ok && d.ok);
  s.value.bytes.copy(h, 8);
  d.value.bytes.copy(h, 24);
  return Buffer.concat([h, payload]);
}

/** A classic pcap, LINKTYPE_RAW (101): each record is a bare IPv4 or IPv6 packet. */
function pcap(packets: Buffer[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(101, 20);
  const records = packets.map((p, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(i, 0);
    r.writeUInt32LE(p.length, 8);
    r.writeUInt32LE(p.length, 12);
    return Buffer.concat([r, p]);
  });
  return Buffer.concat([global, ...records]);
}

/** tshark's view of each packet: one record of `fields` per frame. */
function dissect(packets: Buffer[], fields: string[]): Record<string, string>[] {
  const dir = mkdtempSync(join(tmpdir(), 'vrrp-tshark-'));
  try {
    const file = join(dir, 'v.pcap');
    writeFileSync(file, pcap(packets));
    const args = ['-r', file, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a'];
    const out = spawnSync('tshark', [...args, ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    return out.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((line) => {
        const cells = line.split('\t');
        return Object.fromEntries(fields.map((f, i) => [f, cells[i] ?? '']));
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('tshark confirms every golden vector: fields as stored, checksum Good, no expert warnings', {
  skip,
}, () => {
  const { vectors } = fixture<{ vectors: Vector[] }>('vectors.json');
  const packets = vectors.map((v) => {
    const bytes = Buffer.from(v.hex, 'hex');
    return v.layer === 'ipv4' ? bytes : wrap(bytes, v.src, v.dst);
  });
  const fields = [...new Set(vectors.flatMap((v) => Object.keys(v.tshark))), '_ws.expert.message'];
  const seen = dissect(packets, fields);
  assert.equal(seen.length, vectors.length);
  vectors.forEach((v, i) => {
    const got = seen[i] ?? {};
    for (const [field, want] of Object.entries(v.tshark))
      assert.equal(got[field], want, `${v.name}: ${field}`);
    assert.equal(got['vrrp.checksum.status'], '1', `${v.name}: checksum status Good`);
    assert.equal(got['_ws.expert.message'], '', `${v.name}: expert info`);
  });
});

/** What tshark must show for an advert we decoded. */
function expectedFields(a: Advert): Record<string, string> {
  const f: Record<string, string> = {
    'vrrp.version': String(a.version),
    'vrrp.type': '1',
    'vrrp.virt_rtr_id': String(a.vrid),
    'vrrp.prio': String(a.priority),
    'vrrp.addr_count': String(a.addresses.length),
    'vrrp.checksum.status': '1',
  };
  if (a.version === 2) f['vrrp.adver_int'] = String(a.adverIntSec);
  else f['vrrp.short_adver_int'] = String(a.adverIntCs);
  f[a.family === 4 ? 'vrrp.ip_addr' : 'vrrp.ipv6_addr'] = a.addresses.join(',');
  return f;
}

test('tshark and decode() agree on every packet captured from keepalived 2.2.7', { skip }, () => {
  const { packets } = fixture<{ packets: Captured[] }>('keepalived-capture.json');
  const bytes = packets.map((p) => Buffer.from(p.hex, 'hex'));
  const adverts = packets.map((p, i): Advert => {
    const b = bytes[i] ?? Buffer.alloc(0);
    if ((b[0] ?? 0) >> 4 === 6) {
      const ctx = { srcAddr: formatIp(b.subarray(8, 24)), dstAddr: formatIp(b.subarray(24, 40)) };
      const r = decodeAdvert(b.subarray(40), ctx);
      assert.ok(r.ok, `vrid ${p.vrid}`);
      return r.value;
    }
    const ah = p.ah && { key: authKeyFromPass(p.ah.pass), unicast: p.ah.unicast };
    const r = decodeIpv4Packet(b, ah ? { ah } : {});
    assert.ok(r.ok, `vrid ${p.vrid}`);
    return r.value.advert;
  });
  const fields = [...new Set(adverts.flatMap((a) => Object.keys(expectedFields(a))))];
  const seen = dissect(bytes, fields);
  adverts.forEach((a, i) => {
    for (const [field, want] of Object.entries(expectedFields(a))) {
      assert.equal(seen[i]?.[field], want, `vrid ${a.vrid}: ${field}`);
    }
  });
});
