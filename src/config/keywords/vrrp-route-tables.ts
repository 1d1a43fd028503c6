/**
 * The value readers static/virtual routes and rules share (keepalived lib/rttables.c and
 * vrrp/vrrp_ip_rule_route_parser.c): names from /etc/iproute2 (rt_tables, rt_dsfield,
 * rt_protos, rt_realms, group) or numbers, route types, realms, u8..u64 and rtt times.
 */
import { readFileSync } from 'node:fs';
import type { Environment, ParseContext } from '../parser.js';
import { readDecimal, readUnsigned } from '../values.js';
import { strtoulWhole } from './vrrp-address.js';

/** Optional Environment capability: the text of an /etc/iproute2 file (tests fake it). */
export interface RtTablesEnvironment {
  readonly iproute2File?: (name: string) => string | undefined;
}

type Table = 'rt_tables' | 'rt_dsfield' | 'rt_protos' | 'rt_realms' | 'group';

/** keepalived's built-in entries, used for ids the file does not define. */
const DEFAULTS: Partial<Record<Table, Readonly<Record<string, number>>>> = {
  rt_tables: { default: 253, main: 254, local: 255 },
  rt_protos: {
    none: 0,
    redirect: 1,
    kernel: 2,
    boot: 3,
    static: 4,
    gated: 8,
    ra: 9,
    mrt: 10,
    zebra: 11,
    bird: 12,
    babel: 42,
    dnrouted: 13,
    xorp: 14,
    ntk: 15,
    dhcp: 16,
  },
};

const MAX: Record<Table, number> = {
  rt_tables: 4294967295,
  rt_dsfield: 255,
  rt_protos: 255,
  rt_realms: 255,
  group: 2147483647,
};

function readTable(env: Environment, table: Table): { name: string; id: number }[] {
  const cap = (env as Environment & RtTablesEnvironment).iproute2File;
  let text: string | undefined;
  if (cap) text = cap(table);
  else {
    try {
      text = readFileSync(`/etc/iproute2/${table}`, 'latin1');
    } catch {
      text = undefined;
    }
  }
  const out: { name: string; id: number }[] = [];
  for (const line of (text ?? '').split('\n')) {
    // alloc_strvec(): '#' and '!' start a comment; exactly two words are an entry.
    const words = line
      .replace(/[#!].*$/, '')
      .trim()
      .split(/[ \t]+/)
      .filter((x) => x !== '');
    if (words.length !== 2) continue;
    const num = words[0] as string;
    const id = num.startsWith('-') ? undefined : strtoulWhole(num);
    if (id === undefined || id > MAX[table]) continue;
    out.push({ name: words[1] as string, id });
  }
  for (const [name, id] of Object.entries(DEFAULTS[table] ?? {}))
    if (!out.some((e) => e.id === id)) out.push({ name, id });
  return out;
}

/** find_entry(): a number (up to the table's maximum) or a name from the file. */
export function findRtEntry(ctx: ParseContext, table: Table, name: string): number | undefined {
  const n = strtoulWhole(name);
  if (n !== undefined) return n <= MAX[table] ? n : undefined;
  return readTable(ctx.env, table).find((e) => e.name === name)?.id;
}

/** RTN_* route types by name (rtntypes[]), or a number up to 255. */
export const RTN = {
  unicast: 1,
  local: 2,
  broadcast: 3,
  anycast: 4,
  multicast: 5,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
  throw: 9,
  nat: 10,
  xresolve: 11,
} as const;

const RTN_NAMES: Readonly<Record<string, number>> = { ...RTN, brd: RTN.broadcast };

export function findRtnType(str: string): number | undefined {
  const named = RTN_NAMES[str];
  if (named !== undefined) return named;
  if (str.startsWith('-')) return undefined;
  // strtoul(str, &end, 0) with nothing left over; an empty word is 0.
  if (str === '') return 0;
  const n = strtoulWhole(str);
  return n !== undefined && n <= 255 ? n : undefined;
}

/** get_realms(): `REALM` or `FROM/TO`, each a number or an rt_realms name. */
export function getRealms(ctx: ParseContext, str: string): number | undefined {
  const slash = str.indexOf('/');
  const first = findRtEntry(ctx, 'rt_realms', slash >= 0 ? str.slice(0, slash) : str);
  if (first === undefined) return undefined;
  if (slash < 0) return first;
  const second = findRtEntry(ctx, 'rt_realms', str.slice(slash + 1));
  if (second === undefined) return undefined;
  return ((first << 16) | second) >>> 0;
}

/** get_u8/get_u16/get_u32(): read_unsigned's diagnostics, then the caller's message. */
export function getUnsigned(ctx: ParseContext, str: string, max: number, errmsg: string): number | undefined {
  const v = readUnsigned(ctx, str, 0, max, false);
  if (v === undefined) ctx.report('general-error', errmsg.replace('%s', str));
  return v;
}

/** get_u64() (read_unsigned64 with its own messages). */
export function getU64(ctx: ParseContext, str: string, errmsg: string): bigint | undefined {
  const t = str.replace(/^[ \t\n\v\f\r]+/, '');
  const m = /^\+?([0-9]+)(.*)$/s.exec(t);
  if (t.startsWith('-')) ctx.report('invalid-number', `negative number '${str}'`);
  else if (m?.[2] !== '') ctx.report('invalid-number', `invalid number '${str}'`);
  else {
    const v = BigInt(m?.[1] as string);
    if (v <= 18446744073709551615n) return v;
    ctx.report('invalid-number', `number '${str}' outside unsigned 64 bit range`);
  }
  ctx.report('general-error', errmsg.replace('%s', str));
  return undefined;
}

const RTT_MIN_MS = 200;
const RTT_MAX_MS = 120000;

/**
 * get_time_rtt(): a raw value in the metric's units, or `Ns` / `Nms` (`sec`, `secs`), clamped
 * to 0.2..120 s. unitMult is units per millisecond (rtt 8, rttvar 4, rto_min 1).
 */
export function getTimeRtt(ctx: ParseContext, text: string, unitMult: number): number | undefined {
  const str = text.replace(/^[ \t\n\v\f\r]+/, '');
  let raw = true;
  let shift = 0;
  let num = str;
  const p = str.search(/[sS]/);
  if (p >= 0) {
    const unit = str.slice(p).toLowerCase();
    if (unit !== 's' && unit !== 'sec' && unit !== 'secs') return undefined;
    raw = false;
    let end = p;
    if (p > 0 && str[p - 1]?.toLowerCase() === 'm') end--;
    else shift = 3;
    if (end === 0) return undefined;
    num = str.slice(0, end);
  }
  if (/[eE]/.test(num)) return undefined;
  const v = readDecimal(ctx, num, 0, RTT_MAX_MS * unitMult, shift, false);
  if (v === undefined) return undefined;
  let res = raw ? v : v * unitMult;
  if (res > RTT_MAX_MS * unitMult) res = RTT_MAX_MS * unitMult;
  else if (res < RTT_MIN_MS * unitMult) res = RTT_MIN_MS * unitMult;
  return res;
}

/** get_addr64(): an ILA locator, four hex groups of up to 16 bits. */
export function isAddr64(str: string): boolean {
  const parts = str.replace(/^[ \t\n\v\f\r]+/, '').split(':');
  return (
    parts.length === 4 && parts.every((x) => /^[0-9a-fA-F]+$/.test(x) && Number.parseInt(x, 16) <= 0xffff)
  );
}

/** parse_mpls_address(): up to 16 labels of 20 bits, joined by '/'. */
export function isMplsAddress(str: string): boolean {
  const labels = str.replace(/^[ \t\n\v\f\r]+/, '').split('/');
  if (labels.length > 16) return false;
  return labels.every((l) => {
    const n = l.startsWith('-') || /^[ \t]/.test(l) ? undefined : strtoulWhole(l);
    return n !== undefined && n < 1 << 20;
  });
}
