/**
 * keepalived's /tmp/keepalived.json (SIGRTMIN+2, keepalived built with --enable-json as
 * Debian's is): an array of {data, stats} per instance with vrrp_json.c's keys in its order.
 * Pure. Left out, as for the data file: notify script fields, track_ifp / track_script,
 * vroutes / vrules, auth_data (the password); last_transition is 0 (no wall-clock time kept).
 */
import type { VrrpStateName } from '../vrrp/fsm.js';
import type { InstanceDump } from './vrrp-data-file.js';
import { keepalivedCounters } from './vrrp-stats-file.js';

/** keepalived's VRRP_STATE_* numbers. */
const STATE_NUMBER: Record<VrrpStateName, number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3 };
const AUTH_NUMBER = { none: 0, pass: 1, ah: 2 } as const;
const US_PER_S = 1_000_000;

/** C's "%g": six significant digits, no trailing zeros. */
function g(n: number): string {
  return String(Number(n.toPrecision(6)));
}

type Field = readonly [string, string];
const str = (k: string, v: string): Field => [k, JSON.stringify(v)];
const num = (k: string, v: number): Field => [k, String(v)];
const bool = (k: string, v: boolean): Field => [k, v ? 'true' : 'false'];
const obj = (fields: readonly Field[]): string =>
  `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

function data(d: InstanceDump): string {
  const p = d.params;
  const r = d.runtime;
  const vip = (v: string): string => `${v} dev ${p.interfaceName} scope global${r.vipsSet ? ' set' : ''}`;
  const fields: Field[] = [
    str('iname', p.name),
    num('dont_track_primary', 0),
    num('skip_check_adv_addr', p.skipCheckAdvAddr ? 1 : 0),
    num('strict_mode', p.strict ? 1 : 0),
    str('vmac_ifname', ''),
    str('ifp_ifname', p.interfaceName),
    num('master_priority', r.state === 'BACKUP' ? (r.masterPriority ?? 0) : 0),
    ['last_transition', '0.000000'],
    ['garp_delay', g(p.garp.masterDelayUs / US_PER_S)],
    num('garp_refresh', Math.trunc(p.garp.masterRefreshUs / US_PER_S)),
    num('garp_rep', p.garp.masterRepeat),
    num('garp_refresh_rep', p.garp.masterRefreshRepeat),
    num('garp_lower_prio_delay', Math.trunc(p.garp.lowerPrioDelayUs / US_PER_S)),
    num('garp_lower_prio_rep', p.garp.lowerPrioRepeat),
    num('lower_prio_no_advert', p.lowerPrioNoAdvert ? 1 : 0),
    num('higher_prio_send_advert', p.higherPrioSendAdvert ? 1 : 0),
    num('vrid', p.vrid),
    num('base_priority', p.basePriority),
    num('effective_priority', r.effectivePriority),
    bool('vipset', r.vipsSet),
    bool('promote_secondaries', false),
    ['adver_int', g(p.adverIntUs / US_PER_S)],
    ['master_adver_int', g(r.masterAdverIntUs / US_PER_S)],
    num('accept', p.accept ? 1 : 0),
    bool('nopreempt', !p.preempt),
    num('preempt_delay', Math.trunc(p.preemptDelayUs / US_PER_S)),
    num('state', STATE_NUMBER[r.state]),
    num('wantstate', STATE_NUMBER[r.wantState]),
    num('version', p.version),
    bool('smtp_alert', false),
    bool('notify_deleted', false),
  ];
  if (p.vips.length > 0) fields.push(['vips', `[${p.vips.map((v) => JSON.stringify(vip(v))).join(',')}]`]);
  if (p.excludedVips.length > 0)
    fields.push(['evips', `[${p.excludedVips.map((v) => JSON.stringify(vip(v))).join(',')}]`]);
  fields.push(num('auth_type', AUTH_NUMBER[p.auth.type]));
  return obj(fields);
}

function stats(d: InstanceDump): string {
  const k = keepalivedCounters(d.stats);
  return obj([
    num('advert_rcvd', k.advertRcvd),
    num('advert_sent', k.advertSent),
    num('become_master', k.becomeMaster),
    num('release_master', k.releaseMaster),
    num('packet_len_err', k.packetLenErr),
    num('advert_interval_err', k.advertIntervalErr),
    num('ip_ttl_err', k.ipTtlErr),
    num('invalid_type_rcvd', k.invalidTypeRcvd),
    num('addr_list_err', k.addrListErr),
    num('invalid_authtype', k.invalidAuthtype),
    num('authtype_mismatch', k.authtypeMismatch),
    num('auth_failure', k.authFailure),
    num('pri_zero_rcvd', k.priZeroRcvd),
    num('pri_zero_sent', k.priZeroSent),
  ]);
}

/** The file's text: one line, as keepalived's json_writer writes it. */
export function formatJsonFile(instances: readonly InstanceDump[]): string {
  return `[${instances
    .map((d) =>
      obj([
        ['data', data(d)],
        ['stats', stats(d)],
      ]),
    )
    .join(',')}]\n`;
}
