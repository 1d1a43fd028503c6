/**
 * keepalived's /tmp/keepalived.stats (SIGUSR2): per VRRP instance, the counters of its
 * vrrp_print_stats() in its layout, so scripts that read keepalived's file read ours.
 * Pure: instance statistics in, text out.
 *
 * Our engine counts drops by reason (drops.ts); keepalived counts some of them in the
 * file's counters. The mapping follows where keepalived 2.2.7's vrrp_check_packet() bumps each
 * counter for the same refusal. Refusals keepalived does not print (wrong version, checksum,
 * an unknown unicast source, a VRID of another instance) are not in the file, as in keepalived.
 */
import type { AnyDropReason } from '../vrrp/drops.js';
import type { InstanceStats } from '../vrrp/instance.js';

/** The counters keepalived's stats file prints, by its vrrp_stats field names. */
export interface KeepalivedStatsCounters {
  readonly advertRcvd: number;
  readonly advertSent: number;
  readonly becomeMaster: number;
  readonly releaseMaster: number;
  readonly packetLenErr: number;
  readonly ipTtlErr: number;
  readonly invalidTypeRcvd: number;
  readonly advertIntervalErr: number;
  readonly addrListErr: number;
  readonly invalidAuthtype: number;
  readonly authtypeMismatch: number;
  readonly authFailure: number;
  readonly priZeroRcvd: number;
  readonly priZeroSent: number;
}

type DropCounter =
  | 'packetLenErr'
  | 'ipTtlErr'
  | 'invalidTypeRcvd'
  | 'advertIntervalErr'
  | 'addrListErr'
  | 'invalidAuthtype'
  | 'authtypeMismatch'
  | 'authFailure';

/** Which keepalived counter a drop reason bumps; absent: none (keepalived does not print it). */
export const DROP_COUNTER: Readonly<Partial<Record<AnyDropReason, DropCounter>>> = {
  // "vrrp packet too short/long" and the IPv4 total length check.
  'too-short': 'packetLenErr',
  'ip-length-mismatch': 'packetLenErr',
  'count-mismatch': 'packetLenErr',
  'bad-ttl': 'ipTtlErr',
  'bad-type': 'invalidTypeRcvd',
  // keepalived 2.2.7 drops a v2 interval mismatch without counting it (the counter stays 0
  // for ever); we count it where the VRRP MIB's vrrpStatsAdvertiseIntervalErrors says it belongs.
  'interval-mismatch': 'advertIntervalErr',
  'vip-count-mismatch': 'addrListErr',
  'vip-list-mismatch': 'addrListErr',
  'unexpected-cast': 'addrListErr',
  'bad-auth-type': 'invalidAuthtype',
  // "Received AH header but auth type not AH" / "No AH header but auth type is AH" / v2 types.
  'auth-type-mismatch': 'authtypeMismatch',
  'ah-not-configured': 'authtypeMismatch',
  'bad-auth-layout': 'authtypeMismatch',
  // "received an invalid passwd!" and every vrrp_in_chk_ipsecah() refusal (ICV, SPI, replay).
  'bad-password': 'authFailure',
  'bad-ah-icv': 'authFailure',
  'bad-ah-spi': 'authFailure',
  'ah-replay': 'authFailure',
};

/**
 * Refusals keepalived makes after it has counted the advert as received (its advert_rcvd++
 * comes before the VIP list and unicast peer checks); our advertRcvd counts accepted adverts.
 */
const COUNTED_AS_RECEIVED: readonly AnyDropReason[] = ['vip-list-mismatch', 'src-not-peer'];

export function keepalivedCounters(s: InstanceStats): KeepalivedStatsCounters {
  const c: Record<DropCounter, number> = {
    packetLenErr: 0,
    ipTtlErr: 0,
    invalidTypeRcvd: 0,
    advertIntervalErr: 0,
    addrListErr: 0,
    invalidAuthtype: 0,
    authtypeMismatch: 0,
    authFailure: 0,
  };
  for (const [reason, n] of s.drops) {
    const counter = DROP_COUNTER[reason];
    if (counter !== undefined) c[counter] += n;
  }
  let advertRcvd = s.advertRcvd;
  for (const r of COUNTED_AS_RECEIVED) advertRcvd += s.drops.get(r) ?? 0;
  return {
    advertRcvd,
    advertSent: s.advertSent,
    becomeMaster: s.becomeMaster,
    releaseMaster: s.releaseMaster,
    ...c,
    priZeroRcvd: s.priZeroRcvd,
    priZeroSent: s.priZeroSent,
  };
}

/**
 * The file's text, instances in config order. keepalived-ts's own counters (splitBrain) are
 * left out: readers of this file expect keepalived's fixed 19 lines per instance.
 */
export function formatStatsFile(
  instances: readonly { readonly name: string; readonly stats: InstanceStats }[],
): string {
  let out = '';
  for (const { name, stats } of instances) {
    const k = keepalivedCounters(stats);
    out +=
      `VRRP Instance: ${name}\n` +
      '  Advertisements:\n' +
      `    Received: ${k.advertRcvd}\n` +
      `    Sent: ${k.advertSent}\n` +
      `  Became master: ${k.becomeMaster}\n` +
      `  Released master: ${k.releaseMaster}\n` +
      '  Packet Errors:\n' +
      `    Length: ${k.packetLenErr}\n` +
      `    TTL: ${k.ipTtlErr}\n` +
      `    Invalid Type: ${k.invalidTypeRcvd}\n` +
      `    Advertisement Interval: ${k.advertIntervalErr}\n` +
      `    Address List: ${k.addrListErr}\n` +
      '  Authentication Errors:\n' +
      `    Invalid Type: ${k.invalidAuthtype}\n` +
      `    Type Mismatch: ${k.authtypeMismatch}\n` +
      `    Failure: ${k.authFailure}\n` +
      '  Priority Zero:\n' +
      `    Received: ${k.priZeroRcvd}\n` +
      `    Sent: ${k.priZeroSent}\n`;
  }
  return out;
}
