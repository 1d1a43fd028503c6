/**
 * Per-instance acceptance of a well-formed advert (the codec has checked the rest): the checks
 * of keepalived 2.2.7's vrrp_check_packet that need the instance's configuration, in its order,
 * plus the VRID / family demultiplexing its sockets do. Each refusal carries a reason (for the
 * counters) and keepalived's log wording.
 */
import { timingSafeEqual } from 'node:crypto';
import { parseIp } from '../base/ip.js';
import { err, ok, type Result } from '../base/result.js';
import { authKeyFromPass } from './auth.js';
import { type VrrpRuntime, vipAddress } from './fsm.js';
import { type Advert, VRRP_TTL } from './packet.js';
import type { VrrpInstanceParams } from './ports.js';

export const InstanceDropReasons = [
  /** An IPv4 advert on an IPv6 instance or the reverse (keepalived: a different socket). */
  'wrong-family',
  /** Another virtual router's advert (keepalived: "Unknown VRID", a different instance). */
  'wrong-vrid',
  /** AH on a non-AH instance, no AH on an AH instance, or v2 auth types that differ. */
  'auth-type-mismatch',
  /** RFC 3768 §7.1 / RFC 5798 §7.1: a multicast advert's TTL / hop limit must be 255. */
  'bad-ttl',
  /** The advert's version is not the instance's. */
  'wrong-version',
  /** v2 simple password differs. */
  'bad-password',
  /** RFC 3768 §7.1: a v2 advert's interval must equal ours. */
  'interval-mismatch',
  /** The advert carries another number of VIPs than we have. */
  'vip-count-mismatch',
  /** Multicast on a unicast instance or unicast on a multicast one. */
  'unexpected-cast',
  /** One of our VIPs is missing from the advert. */
  'vip-list-mismatch',
  /** check_unicast_src: the source is not one of our unicast peers. */
  'src-not-peer',
  /** The instance is stopped or in FAULT: keepalived ignores adverts then. */
  'not-running',
  /** RFC 2402 §3.4.3 anti-replay: an AH sequence number not above the last one seen. */
  'ah-replay',
] as const;
export type InstanceDropReason = (typeof InstanceDropReasons)[number];

/** What the socket tells about a packet besides its bytes. */
export interface RxMeta {
  readonly srcAddr: string;
  readonly dstAddr: string;
  /** IPv4 TTL or IPv6 hop limit; undefined when the socket did not report it (not checked then). */
  readonly ttl?: number;
  readonly ifindex?: number;
}

export interface Rejection {
  readonly reason: InstanceDropReason;
  /** keepalived's log line for it. */
  readonly text: string;
}

export interface ValidateOptions {
  /** keepalived's check_vip_addr: false only for skip_check_adv_addr adverts from the current master. */
  readonly checkVipAddrs: boolean;
}

const AUTH_CODE = { none: 0, pass: 1, ah: 2 } as const;

/** Whether this advert must carry exactly our VIPs (vrrp_state_backup's check_addr). */
export function needsVipCheck(
  p: VrrpInstanceParams,
  r: Pick<VrrpRuntime, 'state' | 'masterAddr'>,
  srcAddr: string,
): boolean {
  if (r.state !== 'BACKUP' || !p.skipCheckAdvAddr || r.masterAddr === undefined) return true;
  const a = parseIp(r.masterAddr);
  const b = parseIp(srcAddr);
  return !a.ok || !b.ok || !a.value.bytes.equals(b.value.bytes);
}

function isMulticast(addr: string): boolean {
  const r = parseIp(addr);
  if (!r.ok) return false;
  const first = r.value.bytes[0] ?? 0;
  return r.value.family === 4 ? first >= 224 && first <= 239 : first === 0xff;
}

export function validateAdvert(
  p: VrrpInstanceParams,
  advert: Advert,
  meta: RxMeta,
  opts: ValidateOptions,
): Result<Advert, Rejection> {
  const no = (reason: InstanceDropReason, text: string) => err({ reason, text: `(${p.name}) ${text}` });
  if (advert.family !== p.family) {
    return no('wrong-family', `received an IPv${advert.family} advert on an IPv${p.family} instance`);
  }
  if (advert.vrid !== p.vrid) {
    return err({
      reason: 'wrong-vrid',
      text: `Unknown VRID(${advert.vrid}) received on interface(${p.interfaceName}). ignoring...`,
    });
  }
  if (p.family === 4) {
    const isAh = advert.version === 2 && advert.authType === 'ah';
    if (isAh !== (p.auth.type === 'ah')) {
      return no(
        'auth-type-mismatch',
        isAh ? 'Received AH header but auth type not AH' : 'No AH header but auth type is AH',
      );
    }
  }
  const unicast = p.unicastPeers.length > 0;
  if (!unicast && meta.ttl !== undefined && meta.ttl !== VRRP_TTL) {
    return no('bad-ttl', `invalid TTL/HL. Received ${meta.ttl} and expect ${VRRP_TTL}`);
  }
  if (advert.version !== p.version) {
    return no('wrong-version', `wrong version. Received ${advert.version} and expect ${p.version}`);
  }
  if (advert.version === 2) {
    if (advert.authType !== p.auth.type) {
      const got = AUTH_CODE[advert.authType];
      return no('auth-type-mismatch', `received a ${got} auth, expecting ${AUTH_CODE[p.auth.type]}!`);
    }
    if (p.auth.type === 'pass') {
      const want = authKeyFromPass(p.auth.pass);
      const got = advert.authData;
      if (got === undefined || got.length !== want.length || !timingSafeEqual(got, want)) {
        return no('bad-password', 'received an invalid passwd!');
      }
    }
    const mine = Math.trunc(p.adverIntUs / 1_000_000);
    if (p.adverIntUs !== advert.adverIntSec * 1_000_000) {
      return no(
        'interval-mismatch',
        `advertisement interval mismatch mine=${mine} sec rcv'd=${advert.adverIntSec} sec`,
      );
    }
  }
  if (opts.checkVipAddrs && advert.addresses.length !== p.vips.length) {
    return no(
      'vip-count-mismatch',
      `received an unexpected ip number count ${advert.addresses.length}, expected ${p.vips.length}!`,
    );
  }
  if (isMulticast(meta.dstAddr) === unicast) {
    const [want, got] = unicast ? ['un', 'mult'] : ['mult', 'un'];
    return no('unexpected-cast', `Expected ${want}icast packet but received ${got}icast packet`);
  }
  if (opts.checkVipAddrs) {
    const have = new Set(advert.addresses);
    for (const vip of p.vips) {
      const a = vipAddress(vip);
      if (!have.has(a)) {
        return no(
          'vip-list-mismatch',
          `ip address associated with VRID ${p.vrid} not present in MASTER advert: ${a}`,
        );
      }
    }
    if (unicast && p.checkUnicastSrc) {
      const src = parseIp(meta.srcAddr);
      const known = p.unicastPeers.some((peer) => {
        const q = parseIp(peer);
        return src.ok && q.ok && q.value.bytes.equals(src.value.bytes);
      });
      if (!known) return no('src-not-peer', `unicast source address ${meta.srcAddr} not a unicast peer`);
    }
  }
  return ok(advert);
}
