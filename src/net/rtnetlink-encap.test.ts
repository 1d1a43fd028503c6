/**
 * `encap ip` / `encap ip6` routes against keepalived 2.2.7's own bytes
 * (test/fixtures/netlink/keepalived-encap-routes.json, captured with strace): the same config
 * lines must give keepalived's messages, padding aside (keepalived leaves the padding of
 * 1- and 2-byte attributes as uninitialised stack). Two of them keepalived sends without
 * their tunnel (README, deliberate differences): an ip6 encap with every option (its 80-byte
 * buffer overflows) and a nexthop's encap (added with a zero room); ours carry it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { memoryConfigFs } from '../config/fs.js';
import { loadConfig } from '../config/load.js';
import { routeRequestFor } from './netlink-route-detail.js';
import { align4, readU16, readU32, writeU32 } from './rtnetlink.js';
import { encodeRoute, newRouteFlags, RTM_ROUTE, RTMSG_LEN } from './rtnetlink-route.js';

interface Fixture {
  readonly config: string;
  readonly messages: readonly { readonly type: string; readonly hex: string }[];
}
const FIXTURE = JSON.parse(
  readFileSync(
    resolve(import.meta.dirname, '../../../test/fixtures/netlink/keepalived-encap-routes.json'),
    'utf8',
  ),
) as Fixture;

const RTA_ENCAP_TYPE = 21;
const RTA_ENCAP = 22;
const RTA_MULTIPATH = 9;

function routes() {
  const r = loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': FIXTURE.config }),
    env: { interfaces: { exists: (n) => n === 'eth0', isLoopback: () => false }, fileExists: () => false },
    cwd: '/',
  });
  const v = r.config?.vrrp.instances[0];
  assert.ok(v);
  return v.virtualRoutes;
}

/** Zeroes the padding after each attribute from `off` to `end`, into RTA_ENCAP too. */
function zeroPadding(b: Buffer, off: number, end: number): void {
  while (off + 4 <= end) {
    const len = readU16(b, off);
    if (len < 4) return;
    b.fill(0, off + len, Math.min(end, off + align4(len)));
    if ((readU16(b, off + 2) & 0x3fff) === RTA_ENCAP) zeroPadding(b, off + 4, off + len);
    off += align4(len);
  }
}

function normalized(hex: string): string {
  const b = Buffer.from(hex, 'hex');
  zeroPadding(b, 16 + RTMSG_LEN, b.length);
  return b.toString('hex');
}

/** The message without its (top-level or nexthop) encap attributes: what keepalived sent. */
function withoutEncap(hex: string): string {
  const b = Buffer.from(hex, 'hex');
  const strip = (buf: Buffer, off: number): Buffer => {
    const parts: Buffer[] = [buf.subarray(0, off)];
    while (off + 4 <= buf.length) {
      const len = readU16(buf, off);
      const type = readU16(buf, off + 2) & 0x3fff;
      const whole = buf.subarray(off, off + align4(len));
      if (type === RTA_MULTIPATH) {
        // rtnexthops: 8-byte header whose length covers its attributes.
        const nhs: Buffer[] = [];
        let p = 4;
        while (p + 8 <= len) {
          const nhLen = readU16(whole, p);
          const nh = Buffer.from(strip(whole.subarray(p, p + nhLen), 8));
          nh.writeUInt16LE(nh.length, 0);
          nhs.push(nh);
          p += align4(nhLen);
        }
        const body = Buffer.concat(nhs);
        const head = Buffer.alloc(4);
        head.writeUInt16LE(4 + body.length, 0);
        head.writeUInt16LE(RTA_MULTIPATH, 2);
        parts.push(head, body);
      } else if (type !== RTA_ENCAP && type !== RTA_ENCAP_TYPE) parts.push(whole);
      off += align4(len);
    }
    return Buffer.concat(parts);
  };
  const out = strip(b, 16 + RTMSG_LEN);
  writeU32(out, out.length, 0);
  return out.toString('hex');
}

const ETH0 = (name: string) => (name === 'eth0' ? 2 : undefined);

function ours(i: number, seq: number): string {
  const r = routes()[i];
  assert.ok(r);
  const req = routeRequestFor(r, 'add', ETH0);
  assert.ok(req.ok, req.ok ? '' : req.reason);
  return encodeRoute(RTM_ROUTE.newRoute, req.value, seq, newRouteFlags(r.mode)).toString('hex');
}

const theirs = (i: number): string => FIXTURE.messages[i]?.hex ?? assert.fail(`fixture message ${i}`);
const seqOf = (hex: string): number => readU32(Buffer.from(hex, 'hex'), 8);

test('encap ip with id, dst, src, tos, ttl and flags; ip6 with dst; ip after a gateway: keepalived 2.2.7 bytes', () => {
  for (const i of [0, 2, 4]) {
    const want = theirs(i);
    assert.equal(normalized(ours(i, seqOf(want))), normalized(want), `route ${i}`);
  }
});

test('the tunnels keepalived 2.2.7 leaves out (a full ip6 encap, a nexthop encap) are sent, the rest as keepalived', () => {
  for (const i of [1, 3]) {
    const want = theirs(i);
    const got = ours(i, seqOf(want));
    assert.notEqual(got, want, `route ${i} carries its tunnel`);
    assert.equal(withoutEncap(got), want, `route ${i} otherwise as keepalived`);
  }
});

test('mpls and ila tunnels are refused with a clear reason', () => {
  const [r] = routes();
  assert.ok(r);
  for (const type of ['mpls', 'ila'] as const) {
    const req = routeRequestFor({ ...r, encap: { type, words: ['100'] } }, 'add', ETH0);
    assert.equal(req.ok, false);
    assert.match(req.ok ? '' : req.reason, new RegExp(`encap ${type} is not supported`));
  }
});
