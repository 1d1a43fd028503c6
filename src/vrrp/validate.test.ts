import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAdvert } from './fsm.js';
import type { Advert } from './packet.js';
import { type VrrpParamsInput, withDefaults } from './ports.js';
import { needsVipCheck, type RxMeta, validateAdvert } from './validate.js';

const params = (over: Partial<VrrpParamsInput> = {}) =>
  withDefaults({
    name: 'VI_1',
    vrid: 51,
    srcAddr: '192.0.2.1',
    vips: ['192.0.2.100/24', '192.0.2.101'],
    ...over,
  });
const meta: RxMeta = { srcAddr: '192.0.2.2', dstAddr: '224.0.0.18', ttl: 255 };
const check = { checkVipAddrs: true };

function rejects(p: ReturnType<typeof params>, a: Advert, m: RxMeta = meta, opts = check) {
  const r = validateAdvert(p, a, m, opts);
  assert.equal(r.ok, false);
  return r.ok ? undefined : r.reason;
}

test('accepts the advert its twin would send', () => {
  const p = params();
  assert.equal(validateAdvert(p, buildAdvert(p, 100), meta, check).ok, true);
  const p3 = params({ version: 3, adverIntUs: 300_000 });
  assert.equal(validateAdvert(p3, buildAdvert(p3, 100), meta, check).ok, true);
});

test('TTL must be 255 on multicast, not on unicast; unknown TTL passes', () => {
  const p = params();
  assert.deepEqual(rejects(p, buildAdvert(p, 100), { ...meta, ttl: 64 }), {
    reason: 'bad-ttl',
    text: '(VI_1) invalid TTL/HL. Received 64 and expect 255',
  });
  const { ttl: _ttl, ...noTtl } = meta;
  assert.equal(validateAdvert(p, buildAdvert(p, 100), noTtl, check).ok, true);
  const u = params({ unicastPeers: ['192.0.2.2'] });
  assert.equal(
    validateAdvert(u, buildAdvert(u, 100), { ...meta, dstAddr: '192.0.2.1', ttl: 64 }, check).ok,
    true,
  );
});

test('VRID, family and version are checked before anything else of the payload', () => {
  const p = params();
  assert.equal(
    rejects(p, { ...buildAdvert(p, 100), vrid: 52 })?.text,
    'Unknown VRID(52) received on interface(eth0). ignoring...',
  );
  const p3 = params({ version: 3 });
  assert.equal(rejects(p, buildAdvert(p3, 100))?.text, '(VI_1) wrong version. Received 3 and expect 2');
  const p6 = params({ family: 6, version: 3, srcAddr: '2001:db8::1', vips: ['2001:db8::100'] });
  assert.equal(rejects(p, buildAdvert(p6, 100))?.reason, 'wrong-family');
});

test('v2 authentication: type mismatch, AH vs not, wrong password', () => {
  const pass = params({ auth: { type: 'pass', pass: 'secret' } });
  const none = params();
  assert.equal(rejects(pass, buildAdvert(none, 100))?.text, '(VI_1) received a 0 auth, expecting 1!');
  assert.equal(
    rejects(pass, buildAdvert(params({ auth: { type: 'pass', pass: 'other' } }), 100))?.text,
    '(VI_1) received an invalid passwd!',
  );
  const ah = params({ auth: { type: 'ah', pass: 'k' } });
  assert.equal(rejects(none, buildAdvert(ah, 100))?.text, '(VI_1) Received AH header but auth type not AH');
  assert.equal(rejects(ah, buildAdvert(none, 100))?.text, '(VI_1) No AH header but auth type is AH');
});

test('v2 interval must match ours; v3 intervals never mismatch', () => {
  const p = params();
  const other = buildAdvert(params({ adverIntUs: 2_000_000 }), 100);
  assert.equal(rejects(p, other)?.text, "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec");
  const p3 = params({ version: 3 });
  assert.equal(
    validateAdvert(p3, buildAdvert(params({ version: 3, adverIntUs: 20_000 }), 1), meta, check).ok,
    true,
  );
});

test('VIP count and list must match unless skip_check_adv_addr applies', () => {
  const p = params();
  const one = buildAdvert(params({ vips: ['192.0.2.100'] }), 100);
  assert.equal(rejects(p, one)?.text, '(VI_1) received an unexpected ip number count 1, expected 2!');
  const swapped = buildAdvert(params({ vips: ['192.0.2.100', '192.0.2.102'] }), 100);
  assert.equal(
    rejects(p, swapped)?.text,
    '(VI_1) ip address associated with VRID 51 not present in MASTER advert: 192.0.2.101',
  );
  const reordered = buildAdvert(params({ vips: ['192.0.2.101', '192.0.2.100'] }), 100);
  assert.equal(validateAdvert(p, reordered, meta, check).ok, true);
  assert.equal(validateAdvert(p, swapped, meta, { checkVipAddrs: false }).ok, true);
});

test('needsVipCheck: skip_check_adv_addr skips only adverts from the known master, only in BACKUP', () => {
  const skip = params({ skipCheckAdvAddr: true });
  assert.equal(needsVipCheck(skip, { state: 'BACKUP', masterAddr: '192.0.2.2' }, '192.0.2.2'), false);
  assert.equal(needsVipCheck(skip, { state: 'BACKUP', masterAddr: '192.0.2.2' }, '192.0.2.3'), true);
  assert.equal(needsVipCheck(skip, { state: 'BACKUP', masterAddr: undefined }, '192.0.2.2'), true);
  assert.equal(needsVipCheck(skip, { state: 'MASTER', masterAddr: '192.0.2.2' }, '192.0.2.2'), true);
  assert.equal(needsVipCheck(params(), { state: 'BACKUP', masterAddr: '192.0.2.2' }, '192.0.2.2'), true);
});

test('multicast instances refuse unicast and the reverse; check_unicast_src wants a known peer', () => {
  const p = params();
  assert.equal(
    rejects(p, buildAdvert(p, 100), { ...meta, dstAddr: '192.0.2.1' })?.text,
    '(VI_1) Expected multicast packet but received unicast packet',
  );
  const u = params({ unicastPeers: ['192.0.2.2'], checkUnicastSrc: true });
  assert.equal(rejects(u, buildAdvert(u, 100))?.reason, 'unexpected-cast');
  const uni = { ...meta, dstAddr: '192.0.2.1' };
  assert.equal(validateAdvert(u, buildAdvert(u, 100), uni, check).ok, true);
  assert.equal(
    rejects(u, buildAdvert(u, 100), { ...uni, srcAddr: '192.0.2.9' })?.text,
    '(VI_1) unicast source address 192.0.2.9 not a unicast peer',
  );
});
