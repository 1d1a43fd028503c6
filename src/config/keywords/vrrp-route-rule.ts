/**
 * Rule lines of static_rules and vrrp_instance virtual_rules, read as keepalived 2.2.7's
 * alloc_rule() (vrrp/vrrp_iprule.c) reads them. Rules without a preference get one counting
 * down from 16384 per family, across static and virtual rules, as keepalived assigns them.
 */

import type { RuleAction, RuleConfig } from '../model/vrrp-extras.js';
import type { IpFamilyNum } from '../model/vrrp-instance.js';
import { type ParseContext, Words } from '../parser.js';
import { readUnsigned } from '../values.js';
import { interfaceAvailable, parseIpAddress, strtoulWhole } from './vrrp-address.js';
import { findRtEntry, findRtnType, getRealms, RTN } from './vrrp-route-tables.js';
import { VRRP_TRACKING } from './vrrp-script-state.js';

const UINT32_MAX = 4294967295;
const RTPROT_KEEPALIVED = 18;

/** Protocol numbers inet_proto_a2n() knows by name (from /etc/protocols). */
const IP_PROTOS: Readonly<Record<string, number>> = {
  ip: 0,
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  dccp: 33,
  sctp: 132,
  udplite: 136,
};

export interface RuleLineOptions {
  /** static_rules: `track_group NAME` allowed; whether NAME was defined. */
  readonly trackGroupExists?: (name: string) => boolean;
}

type Draft = { -readonly [K in keyof RuleConfig]?: RuleConfig[K] };

class Drop extends Error {}

interface PrefixInfo {
  family: IpFamilyNum | 0;
  prefixLen: number;
  address?: string;
}

function range(text: string, max: number): { start: number; end: number } | undefined {
  const m = /^[ \t]*\+?([0-9]+)-[ \t]*\+?([0-9]+)/.exec(text);
  if (!m) return undefined;
  return { start: Number(m[1]) % (max + 1), end: Number(m[2]) % (max + 1) };
}

/** alloc_rule(): one rule line, or undefined where keepalived drops it (after reporting). */
export function parseRuleLine(
  ctx: ParseContext,
  words: readonly string[],
  opts: RuleLineOptions = {},
): RuleConfig | undefined {
  const v = new Words(words, words.join(' '), ctx);
  const r: Draft = { invert: false, l3mdev: false, noTrack: false };
  let family: IpFamilyNum | 0 = 0;
  let action: RuleAction | undefined;
  let tableOption = false;
  let priority: number | undefined;
  const fail = (msg: string): Drop => {
    ctx.report('general-error', msg);
    return new Drop();
  };
  const setAction = (a: RuleAction, msg: string): void => {
    if (action !== undefined) throw fail(msg);
    action = a;
  };
  const mix = (fam: IpFamilyNum | 0): void => {
    if (fam === 0) return;
    if (family === 0) family = fam;
    else if (fam !== family) throw fail('rule specification has mixed IPv4 and IPv6');
  };
  const prefix = (text: string, what: string): PrefixInfo => {
    const none: PrefixInfo = { family: 0, prefixLen: 0 };
    if (text === 'default' || text === 'any' || text === 'all') return none;
    if (text === 'default6') return { ...none, family: 6 };
    const a: typeof none | undefined = parseIpAddress(ctx, text, true);
    if (!a) throw fail(`Invalid rule ${what} address ${text}`);
    return a;
  };
  let i = 0;
  try {
    while (i < v.length) {
      let str = v.at(i);
      if (str === 'inet6' || str === 'inet') {
        const fam = str === 'inet' ? 4 : 6;
        if (family !== 0 && family !== fam) throw fail(`${str} specified for IPv${fam === 4 ? 6 : 4} rule`);
        family = fam;
        // keepalived steps over the word after inet/inet6 too (it counts the word twice).
        i++;
      } else if (str === 'from' || str === 'to') {
        const p = prefix(v.at(++i), str);
        mix(p.family);
        const value =
          p.address !== undefined ? { address: p.address, prefixLen: p.prefixLen } : { prefixLen: 0 };
        if (str === 'from') r.from = value;
        else r.to = value;
      } else if (str === 'table' || str === 'lookup') {
        const t = findRtEntry(ctx, 'rt_tables', v.at(++i));
        if (t === undefined) throw fail(`Routing table ${v.at(i)} not found for rule`);
        if (t === 0) throw fail('Table 0 is not valid');
        r.table = t;
        setAction(
          'table',
          'Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable for rule',
        );
      } else if (str === 'not') r.invert = true;
      else if (str === 'preference' || str === 'order' || str === 'priority') {
        const p = readUnsigned(ctx, v.at(++i), 0, UINT32_MAX, false, 0);
        if (p === undefined) throw fail(`Invalid rule preference ${str} specified`);
        priority = p;
      } else if (str === 'tos' || str === 'dsfield') {
        const t = findRtEntry(ctx, 'rt_dsfield', v.at(++i));
        if (t === undefined) throw fail(`TOS value ${v.at(i)} is invalid`);
        r.tos = t;
      } else if (str === 'fwmark') {
        const text = v.at(++i).replace(/^[ \t\n\v\f\r]+/, '');
        const m = /^([^/]*)(?:\/(.*))?$/s.exec(text);
        const mark = m && !text.startsWith('-') ? strtoulWhole(m[1] ?? '') : undefined;
        const maskText = m?.[2];
        const mask =
          maskText === undefined ? 0 : /^[ \t\n\v\f\r-]/.test(maskText) ? undefined : strtoulWhole(maskText);
        if (mark === undefined || mark > UINT32_MAX || mask === undefined || mask > UINT32_MAX)
          throw fail(`Invalid rule fwmark ${text} specified`);
        r.fwmark = mark;
        if (maskText !== undefined) r.fwmask = mask;
      } else if (str === 'realms') {
        const realms = getRealms(ctx, v.at(++i));
        if (realms === undefined) throw fail(`invalid realms ${v.at(i)} for rule`);
        r.realms = realms;
        tableOption = true;
        if (family === 0) family = 4;
        else if (family !== 4) throw fail('realms is only valid for IPv4');
      } else if (str === 'suppress_prefixlength' || str === 'sup_pl') {
        const p = readUnsigned(ctx, v.at(++i), 0, 2147483647, false);
        if (p === undefined) throw fail(`Invalid suppress_prefixlength ${str} specified`);
        r.suppressPrefixLen = p;
        tableOption = true;
      } else if (str === 'suppress_ifgroup' || str === 'sup_group') {
        const g = findRtEntry(ctx, 'group', v.at(++i));
        if (g === undefined) throw fail(`suppress_group ${v.at(i)} is invalid`);
        r.suppressGroup = g;
        tableOption = true;
      } else if (str === 'dev' || str === 'iif' || str === 'oif') {
        const d = v.at(++i);
        if (!interfaceAvailable(ctx, d)) throw fail(`WARNING - interface ${d} for rule doesn't exist`);
        if (str === 'oif') r.oif = d;
        else r.iif = d;
      } else if (str === 'tunnel-id') {
        const t = getU64Quiet(ctx, v.at(++i));
        if (t === undefined) throw fail(`Invalid tunnel-id ${str} specified`);
        r.tunnelId = t;
      } else if (str === 'uidrange') {
        const u = range(v.at(++i), UINT32_MAX);
        if (!u) throw fail(`Invalid uidrange ${str} specified`);
        r.uidRange = u;
      } else if (str === 'l3mdev') {
        r.l3mdev = true;
        setAction('table', 'Cannot specify l3mdev with other action');
      } else if (str === 'protocol') {
        const p = readUnsigned(ctx, v.at(++i), 0, 255, false);
        if (p === undefined) ctx.report('general-error', `Invalid protocol ${v.at(i)}`);
        else r.protocol = p;
      } else if (str === 'ipproto') {
        const t = v.at(++i);
        const n = IP_PROTOS[t] ?? strtoulWhole(t);
        if (n === undefined || n > 255) ctx.report('general-error', `Invalid ipproto ${t}`);
        else r.ipProto = n;
      } else if (str === 'sport' || str === 'dport') {
        // sscanf("%hu-%hu") must find both numbers: a single port is refused.
        const p = range(v.at(++i), 65535);
        if (!p) ctx.report('general-error', `invalid ${str} range ${v.at(i)}`);
        else if (str === 'sport') r.sport = p;
        else r.dport = p;
      } else if (str === 'no_track') r.noTrack = true;
      else if (opts.trackGroupExists && str === 'track_group') {
        const g = v.at(++i);
        if (r.trackGroup !== undefined) {
          ctx.report('general-error', `track_group ${g} is a duplicate`);
          break;
        }
        if (opts.trackGroupExists(g)) r.trackGroup = g;
        else ctx.report('general-error', `track_group ${g} not found`);
      } else {
        if (str === 'type') str = v.at(++i);
        let a: RuleAction;
        if (str === 'goto') {
          const t = readUnsigned(ctx, v.at(++i), 0, UINT32_MAX, false);
          if (t === undefined) throw fail(`Invalid target ${str} specified`);
          r.gotoTarget = t;
          a = 'goto';
        } else if (str === 'nop') a = 'nop';
        else {
          const t = findRtnType(str);
          if (t === undefined) throw fail(`Unknown rule option ${str}`);
          if (t === RTN.blackhole) a = 'blackhole';
          else if (t === RTN.unreachable) a = 'unreachable';
          else if (t === RTN.prohibit) a = 'prohibit';
          else throw fail(`Invalid rule action ${str}`);
        }
        setAction(
          a,
          'Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev for rule',
        );
      }
      i++;
    }
    if (action === 'goto') {
      if (priority === undefined)
        throw fail(`Invalid rule - goto target ${r.gotoTarget} specified without preference`);
      if (priority >= (r.gotoTarget ?? 0))
        throw fail(`Invalid rule - preference ${priority} >= goto target ${r.gotoTarget}`);
    }
    if (action === undefined) throw fail('No action specified for rule - ignoring');
    if (action !== 'table' && tableOption)
      throw fail('suppressor/realm specified for non table action - skipping');
    if (r.table !== undefined && r.l3mdev) throw fail('table cannot be specified for l3mdev rules');
  } catch (e) {
    if (e instanceof Drop) return undefined;
    throw e;
  }
  if (!r.noTrack) {
    if (r.protocol !== undefined && r.protocol !== RTPROT_KEEPALIVED)
      ctx.report(
        'general-error',
        `Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(${RTPROT_KEEPALIVED}), resetting protocol`,
      );
    r.protocol = RTPROT_KEEPALIVED;
  }
  if (r.trackGroup !== undefined && r.iif === undefined) {
    ctx.report('general-error', 'Static rule cannot have track_group if dev/iif not specified');
    delete r.trackGroup;
  }
  const fam: IpFamilyNum = family === 0 ? 4 : family;
  if (priority === undefined) {
    const next = ctx.state(VRRP_TRACKING).nextRulePriority;
    priority = next[fam]--;
    ctx.report(
      'general-error',
      `Rule has no preference specified - setting to ${priority}. This is probably not what you want.`,
    );
  }
  return {
    ...r,
    family: fam,
    invert: r.invert ?? false,
    l3mdev: r.l3mdev ?? false,
    noTrack: r.noTrack ?? false,
    priority,
    action,
    protocol: r.protocol,
  };
}

/** read_unsigned64 with keepalived's messages, without get_u64's extra one. */
function getU64Quiet(ctx: ParseContext, text: string): bigint | undefined {
  const t = text.replace(/^[ \t\n\v\f\r]+/, '');
  const m = /^\+?([0-9]+)$/.exec(t);
  if (m) {
    const v = BigInt(m[1] as string);
    if (v <= 18446744073709551615n) return v;
  }
  if (t.startsWith('-')) ctx.report('invalid-number', `negative number '${text}'`);
  else if (!/^\+?[0-9]+$/.test(t)) ctx.report('invalid-number', `invalid number '${text}'`);
  else ctx.report('invalid-number', `number '${text}' outside unsigned 64 bit range`);
  return undefined;
}
