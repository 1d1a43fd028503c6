/**
 * global_defs keywords that set VRRP defaults and the VRRP process's environment: multicast
 * groups, gratuitous ARP/NA timing, strictness, firewall (nftables), netlink and receive
 * buffers, VMAC names (global_parser.c).
 */
import { parseIpv4, parseIpv6 } from '../../base/ip.js';
import type { Handler, Keyword, ParseContext, Words } from '../parser.js';
import { readDecimal, readInt, readUnsigned } from '../values.js';
import { GLOBAL } from './global-draft.js';
import { flag, globalBool, optBool } from './global-util.js';

const TIMER_HZ = 1_000_000;
const UINT_MAX = 4294967295;
const INT_MAX = 2147483647;
const INT32_MIN = -2147483648;
/** NFT_TABLE_MAXNAMELEN. */
const NFT_TABLE_MAXNAMELEN = 32;
const IGMP_LINK_LOCAL_MCAST_REPORTS = '/proc/sys/net/ipv4/igmp_link_local_mcast_reports';

/**
 * inet_stosockaddr() as keepalived uses it for a bare address: the family is chosen by ':',
 * anything after '-' or '/' is ignored.
 */
function addrBytes(text: string): { family: 4 | 6; bytes: Uint8Array } | undefined {
  const cut = text.search(/[-/]/);
  const ip = cut >= 0 ? text.slice(0, cut) : text;
  if (text.includes(':')) {
    const r = parseIpv6(ip);
    return r.ok ? { family: 6, bytes: r.value } : undefined;
  }
  const r = parseIpv4(ip);
  return r.ok ? { family: 4, bytes: r.value } : undefined;
}

function mcastGroup(ctx: ParseContext, w: Words, v6: boolean): void {
  const name = v6 ? 'vrrp_mcast_group6' : 'vrrp_mcast_group4';
  const text = w.at(1);
  const a = addrBytes(text);
  if (!a) {
    ctx.report('general-error', `Can't parse ${name} [${text}]. Skipping`);
    return;
  }
  if (a.family !== (v6 ? 6 : 4)) {
    ctx.report('general-error', `${name} [${text}] is not IPv${v6 ? 6 : 4}. Skipping`);
    return;
  }
  const b0 = a.bytes[0] ?? 0;
  if (v6 ? b0 !== 0xff : (b0 & 0xf0) !== 0xe0) {
    ctx.report('general-error', `${name} [${text}] is not multicast. Skipping`);
    return;
  }
  // RFC 5798 §5.1.2.2: the VRRP group is link-local scope (ff02::12).
  if (v6 && ((a.bytes[1] ?? 0) & 0x0f) !== 2)
    ctx.report('warning', `${name} [${text}] should be link-local multicast.`);
  const g = ctx.state(GLOBAL);
  if (v6) g.vrrpMcastGroup6 = text;
  else g.vrrpMcastGroup4 = text;
}

/** Whole seconds read as unsigned, stored in µs. */
function seconds(ctx: ParseContext, text: string): number | undefined {
  const v = readUnsigned(ctx, text, 0, Math.floor(UINT_MAX / TIMER_HZ), true);
  return v === undefined ? undefined : v * TIMER_HZ;
}

/** Repeat counts: 0 kept working before v2.0.7, so it is raised to 1 with a message. */
function repeat(ctx: ParseContext, w: Words, keyword: string): number | undefined {
  const v = readUnsigned(ctx, w.at(1), 0, UINT_MAX, true);
  if (v === undefined) {
    ctx.report('general-error', `${keyword} '${w.at(1)}' invalid - ignoring`);
    return undefined;
  }
  if (v === 0) {
    ctx.report('general-error', `${keyword} must be greater than 0, setting to 1`);
    return 1;
  }
  return v;
}

/** vrrp_garp_interval / vrrp_gna_interval: 0 is not accepted (minimum 1 µs). */
function interval(ctx: ParseContext, w: Words, keyword: string, set: (us: number) => void): void {
  const v = readDecimal(ctx, w.at(1), 1, UINT_MAX, 6, true);
  if (v === undefined) ctx.report('general-error', `${keyword} '${w.at(1)}' is invalid`);
  else set(v);
}

function garpExtraIf(ctx: ParseContext, w: Words): void {
  const cmd = w.at(0);
  if (cmd === 'vrrp_vmac_garp_intvl')
    ctx.report(
      'deprecated',
      'Keyword "vrrp_vmac_garp_intvl" is deprecated - please use "vrrp_garp_extra_if"',
    );
  const g = ctx.state(GLOBAL);
  let delay = 0;
  for (let i = 1; i < w.length; i++) {
    const word = w.at(i);
    if (word === 'all') g.vrrpGarpExtraIfAll = true;
    else {
      const v = readUnsigned(ctx, word, 1, 86400, true);
      if (v === undefined) {
        ctx.report('general-error', `${cmd} '${word}' invalid - ignoring`);
        return;
      }
      delay = v;
    }
  }
  if (!delay) {
    ctx.report('general-error', `${cmd} specified without time - ignoring`);
    return;
  }
  g.vrrpGarpExtraIf = delay;
}

function nftables(ctx: ParseContext, w: Words, ipvs: boolean): void {
  const g = ctx.state(GLOBAL);
  const what = ipvs ? 'ipvs nftables' : 'nftables';
  if ((ipvs ? g.nftablesIpvs : g.nftables) !== undefined) {
    ctx.report('general-error', `${what} already specified - ignoring`);
    return;
  }
  let name = ipvs ? 'keepalived_ipvs' : 'keepalived';
  if (w.length >= 2) {
    if (w.at(1).length >= NFT_TABLE_MAXNAMELEN) {
      ctx.report('general-error', `${what} table name too long - ignoring`);
      return;
    }
    name = w.at(1);
  }
  if (ipvs) {
    g.nftablesIpvs = name;
    g.nftablesIpvsPriority = -1;
    g.nftablesIpvsStartFwmark = 1000;
  } else {
    g.nftables = name;
    g.nftablesPriority = -1;
  }
}

function rxBufsPolicy(ctx: ParseContext, w: Words): void {
  if (w.length < 2) {
    ctx.report('general-error', 'vrrp_rx_bufs_policy missing');
    return;
  }
  const p = ctx.state(GLOBAL).vrrpRxBufsPolicy;
  for (let i = 1; i < w.length; i++) {
    const word = w.at(i);
    if (word.toUpperCase() === 'MTU') p.mtu = true;
    else if (word.toUpperCase() === 'ADVERT') p.advert = true;
    else {
      // keepalived reads word 1 here whatever i is (its bug, kept for the same verdicts).
      const v = readUnsigned(ctx, w.at(1), 0, UINT_MAX, false);
      if (v === undefined) ctx.report('general-error', `Invalid vrrp_rx_bufs_policy ${word}`);
      else p.size = v;
    }
  }
  if (p.size !== undefined && (p.mtu || p.advert)) {
    ctx.report('general-error', 'Cannot set vrrp_rx_bufs_policy size and policy, ignoring policy');
    p.mtu = false;
    p.advert = false;
  } else if (p.mtu && p.advert) {
    ctx.report('general-error', 'Cannot set both vrrp_rx_bufs_policy MTU and ADVERT, ignoring ADVERT');
    p.advert = false;
  }
}

type BufKey =
  | 'vrrpNetlinkCmdRcvBufs'
  | 'vrrpNetlinkMonitorRcvBufs'
  | 'lvsNetlinkCmdRcvBufs'
  | 'lvsNetlinkMonitorRcvBufs'
  | 'processMonitorRcvBufs';

/** get_netlink_rcv_bufs_size(): 0 (= keep the default) on any problem. */
export function netlinkBufs(key: BufKey, type: string): Handler {
  return (ctx, w) => {
    if (w.length < 2) {
      ctx.report('general-error', `${type}_rcv_bufs size missing`);
      return;
    }
    const v = readUnsigned(ctx, w.at(1), 0, UINT_MAX, false);
    if (v === undefined) ctx.report('general-error', `${type}_rcv_bufs size (${w.at(1)}) invalid`);
    else if (v) ctx.state(GLOBAL)[key] = v;
  };
}

export const vrrpGlobalKeywords: readonly Keyword[] = [
  {
    name: 'dynamic_interfaces',
    handler: (ctx, w) => {
      const g = ctx.state(GLOBAL);
      g.dynamicInterfaces = true;
      if (w.length >= 2) {
        if (w.at(1) === 'allow_if_changes') g.allowIfChanges = true;
        else ctx.report('general-error', `Unknown dynamic_interfaces option '${w.at(1)}'`);
      }
    },
  },
  {
    name: 'default_interface',
    handler: (ctx, w) => {
      if (w.length < 2) ctx.report('general-error', 'default_interface requires interface name');
      else ctx.state(GLOBAL).defaultInterface = w.at(1);
    },
  },
  {
    name: 'disable_local_igmp',
    handler: (ctx) => {
      if (!ctx.env.fileExists(IGMP_LINK_LOCAL_MCAST_REPORTS))
        ctx.report('general-error', `kernel does not support ${IGMP_LINK_LOCAL_MCAST_REPORTS}`);
      else ctx.state(GLOBAL).disableLocalIgmp = true;
    },
  },
  { name: 'vrrp_mcast_group4', handler: (ctx, w) => mcastGroup(ctx, w, false) },
  { name: 'vrrp_mcast_group6', handler: (ctx, w) => mcastGroup(ctx, w, true) },
  {
    name: 'vrrp_garp_master_delay',
    handler: (ctx, w) => {
      const v = seconds(ctx, w.at(1));
      if (v === undefined)
        ctx.report('general-error', `vrrp_garp_master_delay '${w.at(1)}' invalid - ignoring`);
      else ctx.state(GLOBAL).vrrpGarpMasterDelay = v;
    },
  },
  {
    name: 'vrrp_garp_master_repeat',
    handler: (ctx, w) => {
      const v = repeat(ctx, w, 'vrrp_garp_master_repeat');
      if (v !== undefined) ctx.state(GLOBAL).vrrpGarpMasterRepeat = v;
    },
  },
  {
    name: 'vrrp_garp_master_refresh',
    handler: (ctx, w) => {
      const v = readUnsigned(ctx, w.at(1), 0, UINT_MAX, true);
      // Unlike its neighbours, a bad value turns the refresh off rather than being ignored.
      if (v === undefined)
        ctx.report('general-error', `Invalid vrrp_garp_master_refresh '${w.at(1)}' - ignoring`);
      ctx.state(GLOBAL).vrrpGarpMasterRefresh = (v ?? 0) * TIMER_HZ;
    },
  },
  {
    name: 'vrrp_garp_master_refresh_repeat',
    handler: (ctx, w) => {
      const v = repeat(ctx, w, 'vrrp_garp_master_refresh_repeat');
      if (v !== undefined) ctx.state(GLOBAL).vrrpGarpMasterRefreshRepeat = v;
    },
  },
  {
    name: 'vrrp_garp_lower_prio_delay',
    handler: (ctx, w) => {
      const v = seconds(ctx, w.at(1));
      if (v === undefined)
        ctx.report('general-error', `vrrp_garp_lower_prio_delay '${w.at(1)}' invalid - ignoring`);
      else ctx.state(GLOBAL).vrrpGarpLowerPrioDelay = v;
    },
  },
  {
    name: 'vrrp_garp_lower_prio_repeat',
    handler: (ctx, w) => {
      const v = readUnsigned(ctx, w.at(1), 0, INT_MAX, true);
      if (v === undefined) ctx.report('general-error', `Invalid vrrp_garp_lower_prio_repeat '${w.at(1)}'`);
      else ctx.state(GLOBAL).vrrpGarpLowerPrioRepeat = v;
    },
  },
  {
    name: 'vrrp_down_timer_adverts',
    handler: (ctx, w) => {
      const v = readUnsigned(ctx, w.at(1), 1, 100, true);
      if (v === undefined)
        ctx.report('general-error', `Invalid vrrp_down_timer_adverts [1:100] '${w.at(1)}'`);
      else ctx.state(GLOBAL).vrrpDownTimerAdverts = v;
    },
  },
  {
    name: 'vrrp_garp_interval',
    handler: (ctx, w) =>
      interval(ctx, w, 'vrrp_garp_interval', (v) => {
        ctx.state(GLOBAL).vrrpGarpInterval = v;
      }),
  },
  {
    name: 'vrrp_gna_interval',
    handler: (ctx, w) =>
      interval(ctx, w, 'vrrp_gna_interval', (v) => {
        ctx.state(GLOBAL).vrrpGnaInterval = v;
      }),
  },
  {
    name: 'vrrp_min_garp',
    handler: (ctx, w) => {
      if (w.length >= 2) {
        const word = w.at(1);
        const v = word === 'true' || word === 'on' || word === 'yes';
        if (!v && word !== 'false' && word !== 'off' && word !== 'no') {
          ctx.report('general-error', 'Invalid value for vrrp_min_garp specified');
          return;
        }
        if (!v) return;
      }
      // One GARP/NA, no repeats, without overriding values already configured.
      const g = ctx.state(GLOBAL);
      g.vrrpMinGarp = true;
      if (g.vrrpGarpMasterRepeat === 5) g.vrrpGarpMasterRepeat = 1;
      if (g.vrrpGarpMasterRefreshRepeat === 1) g.vrrpGarpMasterRefreshRepeat = 0;
      if (g.vrrpGarpMasterDelay === 5 * TIMER_HZ) g.vrrpGarpMasterDelay = 0;
    },
  },
  { name: 'vrrp_garp_extra_if', handler: garpExtraIf },
  { name: 'vrrp_vmac_garp_intvl', handler: garpExtraIf },
  {
    name: 'vrrp_lower_prio_no_advert',
    handler: optBool('vrrpLowerPrioNoAdvert', () => 'Invalid value for vrrp_lower_prio_no_advert specified'),
  },
  {
    name: 'vrrp_higher_prio_send_advert',
    handler: optBool(
      'vrrpHigherPrioSendAdvert',
      () => 'Invalid value for vrrp_higher_prio_send_advert specified',
    ),
  },
  {
    name: 'vrrp_version',
    handler: (ctx, w) => {
      const v = readInt(ctx, w.at(1), 2, 3, true);
      if (v === undefined) ctx.report('general-error', 'VRRP Error: Version must be either 2 or 3');
      else ctx.state(GLOBAL).vrrpVersion = v === 3 ? 3 : 2;
    },
  },
  {
    // Debian's 2.2.7 is built without iptables: the keyword falls back to nftables.
    name: 'vrrp_iptables',
    handler: (ctx) => {
      ctx.report(
        'general-error',
        "iptables not supported, using nftables instead. Please replace 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option",
      );
      const g = ctx.state(GLOBAL);
      g.vrrpIptables = true;
      g.nftables = 'keepalived';
      g.nftablesPriority = -1;
    },
  },
  { name: 'nftables', handler: (ctx, w) => nftables(ctx, w, false) },
  {
    name: 'nftables_priority',
    handler: (ctx, w) => {
      const v = readInt(ctx, w.at(1), INT32_MIN, INT_MAX, false);
      if (v === undefined) ctx.report('invalid-number', `invalid nftables chain priority '${w.at(1)}'`);
      else ctx.state(GLOBAL).nftablesPriority = v;
    },
  },
  { name: 'nftables_ifindex', handler: flag('nftablesIfindex') },
  { name: 'nftables_ipvs', handler: (ctx, w) => nftables(ctx, w, true) },
  {
    name: 'nftables_ipvs_priority',
    handler: (ctx, w) => {
      const v = readInt(ctx, w.at(1), INT32_MIN, INT_MAX, false);
      if (v === undefined) ctx.report('invalid-number', `invalid ipvs nftables chain priority '${w.at(1)}'`);
      else ctx.state(GLOBAL).nftablesIpvsPriority = v;
    },
  },
  {
    name: 'nftables_ipvs_start_fwmark',
    handler: (ctx, w) => {
      const v = readUnsigned(ctx, w.at(1), 1, UINT_MAX, false);
      if (v === undefined)
        ctx.report('invalid-number', `invalid ipvs nftables start_fwmark priority '${w.at(1)}'`);
      else ctx.state(GLOBAL).nftablesIpvsStartFwmark = v;
    },
  },
  { name: 'nftables_counters', handler: flag('nftablesCounters') },
  { name: 'vrrp_check_unicast_src', handler: flag('vrrpCheckUnicastSrc') },
  { name: 'vrrp_skip_check_adv_addr', handler: flag('vrrpSkipCheckAdvAddr') },
  { name: 'vrrp_strict', handler: flag('vrrpStrict') },
  { name: 'vrrp_netlink_cmd_rcv_bufs', handler: netlinkBufs('vrrpNetlinkCmdRcvBufs', 'vrrp_netlink_cmd') },
  {
    name: 'vrrp_netlink_cmd_rcv_bufs_force',
    handler: globalBool('vrrpNetlinkCmdRcvBufsForce', 'vrrp_netlink_cmd_rcv_bufs_force'),
  },
  {
    name: 'vrrp_netlink_monitor_rcv_bufs',
    handler: netlinkBufs('vrrpNetlinkMonitorRcvBufs', 'vrrp_netlink_monitor'),
  },
  {
    name: 'vrrp_netlink_monitor_rcv_bufs_force',
    handler: globalBool('vrrpNetlinkMonitorRcvBufsForce', 'vrrp_netlink_monitor_rcv_bufs_force'),
  },
  { name: 'process_monitor_rcv_bufs', handler: netlinkBufs('processMonitorRcvBufs', 'process_monitor') },
  {
    name: 'process_monitor_rcv_bufs_force',
    handler: globalBool('processMonitorRcvBufsForce', 'process_monitor_rcv_bufs_force'),
  },
  { name: 'vrrp_rx_bufs_policy', handler: rxBufsPolicy },
  {
    name: 'vrrp_rx_bufs_multiplier',
    handler: (ctx, w) => {
      if (w.length !== 2) {
        ctx.report('general-error', 'Invalid vrrp_rx_bufs_multiplier');
        return;
      }
      const v = readUnsigned(ctx, w.at(1), 1, UINT_MAX, false);
      if (v === undefined) ctx.report('general-error', `Invalid vrrp_rx_bufs_multiplier ${w.at(1)}`);
      else ctx.state(GLOBAL).vrrpRxBufsMultiplier = v;
    },
  },
  {
    name: 'vrrp_startup_delay',
    handler: (ctx, w) => {
      const v = readDecimal(ctx, w.at(1), TIMER_HZ / 1000, UINT_MAX, 6, true);
      if (v === undefined) ctx.report('general-error', `vrrp_startup_delay '${w.at(1)}' is invalid`);
      else ctx.state(GLOBAL).vrrpStartupDelay = v;
    },
  },
  { name: 'log_unknown_vrids', handler: flag('logUnknownVrids') },
  {
    name: 'vmac_prefix',
    handler: (ctx, w) => {
      const g = ctx.state(GLOBAL);
      if (g.vmacPrefix !== undefined)
        ctx.report('general-error', `vmac prefix has already been specified - ignoring ${w.at(1)}`);
      else g.vmacPrefix = w.at(1);
    },
  },
  {
    name: 'vmac_addr_prefix',
    handler: (ctx, w) => {
      const g = ctx.state(GLOBAL);
      if (g.vmacAddrPrefix !== undefined)
        ctx.report('general-error', `vmac_addr prefix has already been specified - ignoring ${w.at(1)}`);
      else g.vmacAddrPrefix = w.at(1);
    },
  },
];
