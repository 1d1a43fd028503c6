/** global_defs keywords for the checker process and IPVS (global_parser.c). */

import { parseIpv4, parseIpv6 } from '../../base/ip.js';
import type { LvsSyncDaemon } from '../model/global.js';
import type { Keyword, ParseContext, Words } from '../parser.js';
import { readUnsigned } from '../values.js';
import { GLOBAL } from './global-draft.js';
import { globalBool } from './global-util.js';
import { netlinkBufs } from './global-vrrp.js';

/** LVS_MAX_TIMEOUT: 31 days, in seconds. */
const LVS_MAX_TIMEOUT = 86400 * 31;
/** IP_VS_IFNAME_MAXLEN (linux/ip_vs.h). */
const IP_VS_IFNAME_MAXLEN = 16;

function lvsTimeouts(ctx: ParseContext, w: Words): void {
  if (w.length < 3) {
    ctx.report('general-error', 'lvs_timeouts requires at least one option');
    return;
  }
  const t = ctx.state(GLOBAL).lvsTimeouts;
  for (let i = 1; i < w.length; i++) {
    const opt = w.at(i);
    if (opt !== 'tcp' && opt !== 'tcpfin' && opt !== 'udp') {
      ctx.report('general-error', `Unknown option ${opt} specified for lvs_timeouts`);
      continue;
    }
    if (i === w.length - 1) {
      ctx.report('general-error', `No value specified for lvs_timeout ${opt} - ignoring`);
      continue;
    }
    const v = readUnsigned(ctx, w.at(i + 1), 0, LVS_MAX_TIMEOUT, false);
    if (v === undefined)
      ctx.report('general-error', `Invalid lvs_timeout ${opt} (${w.at(i + 1)}) - ignoring`);
    else t[opt] = v;
    i++;
  }
}

/** An IPv4/IPv6 multicast address, read as inet_stosockaddr reads it. */
function isMulticast(text: string): boolean | undefined {
  const cut = text.search(/[-/]/);
  const ip = cut >= 0 ? text.slice(0, cut) : text;
  const r = text.includes(':') ? parseIpv6(ip) : parseIpv4(ip);
  if (!r.ok) return undefined;
  const b0 = r.value[0] ?? 0;
  return text.includes(':') ? b0 === 0xff : (b0 & 0xf0) === 0xe0;
}

type SyncOption = 'maxLen' | 'port' | 'ttl';
const SYNC_RANGES: Record<string, { key: SyncOption; min: number; max: number }> = {
  // maxlen: an IP datagram minus the IP and UDP headers.
  maxlen: { key: 'maxLen', min: 1, max: 65535 - 20 - 8 },
  port: { key: 'port', min: 1, max: 65535 },
  ttl: { key: 'ttl', min: 1, max: 255 },
};

function lvsSyncDaemon(ctx: ParseContext, w: Words): void {
  const g = ctx.state(GLOBAL);
  if (g.lvsSyncDaemon) {
    const s = g.lvsSyncDaemon;
    ctx.report(
      'general-error',
      `lvs_sync_daemon has already been specified as ${s.interface} ${s.vrrpInstance ?? ''} - ignoring`,
    );
    return;
  }
  if (w.length < 2) {
    ctx.report('general-error', 'lvs_sync_daemon requires interface');
    return;
  }
  if (w.at(1).length >= IP_VS_IFNAME_MAXLEN) {
    ctx.report('general-error', `lvs_sync_daemon interface name '${w.at(1)}' too long - ignoring`);
    return;
  }
  const d: { -readonly [K in keyof LvsSyncDaemon]: LvsSyncDaemon[K] } = { interface: w.at(1) };
  // Stored now: keepalived keeps the interface even when later options are bad.
  g.lvsSyncDaemon = d;
  for (let i = 2; i < w.length; i++) {
    const opt = w.at(i);
    if (opt === 'inst') {
      if (d.vrrpInstance !== undefined)
        ctx.report(
          'general-error',
          `lvs_sync_daemon vrrp instance has already been specified as ${d.vrrpInstance} - ignoring`,
        );
      else d.vrrpInstance = w.at(i + 1);
      i++;
      continue;
    }
    if (opt === 'id') {
      if (i === w.length - 1) {
        ctx.report('general-error', 'No value specified for lvs_sync_daemon id, defaulting to vrid');
        continue;
      }
      const v = readUnsigned(ctx, w.at(i + 1), 0, 255, false);
      if (v === undefined)
        ctx.report('general-error', `Invalid syncid (${w.at(i + 1)}) - defaulting to vrid`);
      else d.syncId = v;
      i++;
      continue;
    }
    const range = SYNC_RANGES[opt];
    if (range) {
      if (i === w.length - 1) {
        ctx.report('general-error', `No value specified for lvs_sync_daemon ${opt} - ignoring`);
        continue;
      }
      const v = readUnsigned(ctx, w.at(i + 1), range.min, range.max, false);
      if (v === undefined)
        ctx.report('general-error', `Invalid lvs_sync_daemon ${opt} (${w.at(i + 1)}) - ignoring`);
      else d[range.key] = v;
      i++;
      continue;
    }
    if (opt === 'group') {
      if (i === w.length - 1) {
        ctx.report('general-error', 'No value specified for lvs_sync_daemon group - ignoring');
        continue;
      }
      const text = w.at(i + 1);
      const mc = isMulticast(text);
      if (mc === undefined) ctx.report('general-error', `Invalid lvs_sync_daemon group (${text}) - ignoring`);
      else if (!mc)
        ctx.report('general-error', `lvs_sync_daemon group address ${text} is not multicast - ignoring`);
      else d.group = text;
      i++;
      continue;
    }
    // Before 1.4, `lvs_sync_daemon IF VRRP_INSTANCE [SYNC_ID]` was positional.
    if (i === 2) {
      d.vrrpInstance = opt;
      continue;
    }
    if (i === 3) {
      const v = readUnsigned(ctx, opt, 0, 255, false);
      if (v === undefined) ctx.report('general-error', `Invalid syncid (${opt}) - defaulting to vrid`);
      else {
        ctx.report('general-error', 'Please use keyword "id" before lvs_sync_daemon SYNCID');
        d.syncId = v;
      }
      continue;
    }
    ctx.report('general-error', `Unknown option ${opt} specified for lvs_sync_daemon`);
  }
}

function flushOnStop(ctx: ParseContext, w: Words): void {
  if (w.length === 1) ctx.state(GLOBAL).lvsFlushOnStop = 'full';
  else if (w.at(1) === 'VS') ctx.state(GLOBAL).lvsFlushOnStop = 'vs';
  else ctx.report('general-error', `Unknown lvs_flush_on_stop type ${w.at(1)}`);
}

export const lvsGlobalKeywords: readonly Keyword[] = [
  { name: 'lvs_timeouts', handler: lvsTimeouts },
  {
    name: 'lvs_flush',
    handler: (ctx) => {
      ctx.state(GLOBAL).lvsFlush = true;
    },
  },
  { name: 'lvs_flush_on_stop', handler: flushOnStop },
  // Deprecated after v2.1.5; keepalived accepts it silently.
  { name: 'lvs_flush_onstop', handler: flushOnStop },
  { name: 'lvs_sync_daemon', handler: lvsSyncDaemon },
  { name: 'lvs_netlink_cmd_rcv_bufs', handler: netlinkBufs('lvsNetlinkCmdRcvBufs', 'lvs_netlink_cmd') },
  {
    name: 'lvs_netlink_cmd_rcv_bufs_force',
    handler: globalBool('lvsNetlinkCmdRcvBufsForce', 'lvs_netlink_cmd_rcv_bufs_force'),
  },
  {
    name: 'lvs_netlink_monitor_rcv_bufs',
    handler: netlinkBufs('lvsNetlinkMonitorRcvBufs', 'lvs_netlink_monitor'),
  },
  {
    name: 'lvs_netlink_monitor_rcv_bufs_force',
    handler: globalBool('lvsNetlinkMonitorRcvBufsForce', 'lvs_netlink_monitor_rcv_bufs_force'),
  },
  { name: 'rs_init_notifies', handler: globalBool('rsInitNotifies', 'rs_init_notifies') },
  { name: 'no_checker_emails', handler: globalBool('noCheckerEmails', 'no_checker_emails') },
];
