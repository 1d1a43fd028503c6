/**
 * The checks keepalived 2.2.7's VRRP process makes on its instances once the file is read
 * (vrrp/vrrp.c vrrp_complete_init: chk_min_cfg, vrrp_complete_instance, check_vrid_conflicts),
 * in the order keepalived makes them, up to where `-t` stops. The draft is completed in place
 * with keepalived's derived defaults. These diagnostics carry no line: keepalived reports them
 * after the parse.
 *
 * Interfaces are taken to be multicast-capable Ethernet with an MTU of 1500 and no address:
 * the Environment does not say more (a loopback one was already refused while parsing).
 */
import type { ParseContext } from '../parser.js';
import { GLOBAL } from './global-draft.js';
import { VRRP_INSTANCES, type VrrpInstanceDraft } from './vrrp-instance-draft.js';
import { VRRP_PRIO_DFL, VRRP_PRIO_OWNER } from './vrrp-instance-keywords.js';
import { type SyncGroupDraft, VRRP_TRACKING } from './vrrp-script-state.js';

const TIMER_HZ = 1_000_000;
const TIMER_CENTI_HZ = 10_000;
const VRRP_DOWN_TIMER_ADVERTS = 3;
const VRRP_MAX_ADDR = 255;
const DEFAULT_MTU = 1500;

/** Whether vrrp_complete_instance() let the instance (and the process) go on. */
function completeInstance(ctx: ParseContext, v: VrrpInstanceDraft): boolean {
  const g = ctx.parentState(GLOBAL);
  const err = (m: string): void => ctx.reportGlobal('general-error', `(${v.name})${m}`);
  if (v.strictMode === undefined) v.strictMode = g.vrrpStrict;
  const strict = v.strictMode;
  if (v.family === 6) {
    if (v.version === 2 && strict) {
      err(' cannot use IPv6 with VRRP version 2; setting version 3');
      v.version = 3;
    } else if (v.version === 0) v.version = 3;
  }
  if (v.family === 0) v.family = 4;
  if (v.version === 0) v.version = v.family === 6 ? 3 : g.vrrpVersion;
  if (v.family === 4 && v.ttl === -1) v.ttl = 255;

  if (v.vips.length === 0) {
    if (v.version === 3 || strict) {
      err(' No VIP specified; at least one is required');
      return false;
    }
    err(' No VIP specified; at least one is sensible');
  }
  if (v.priority === 0) v.priority = v.wantState === 'MASTER' ? VRRP_PRIO_OWNER : VRRP_PRIO_DFL;
  const owner = v.priority === VRRP_PRIO_OWNER;
  if (v.wantState === 'INIT') v.wantState = owner ? 'MASTER' : 'BACKUP';
  else if (strict && (v.wantState === 'MASTER') !== owner) {
    err(' State MASTER must match being address owner');
    v.wantState = owner ? 'MASTER' : 'BACKUP';
  }

  if (strict && v.authType !== 'NONE') {
    err(' Strict mode does not support authentication. Ignoring.');
    v.authType = 'NONE';
  } else if (v.version === 3 && v.authType !== 'NONE') {
    err(' VRRP version 3 does not support authentication. Ignoring.');
    v.authType = 'NONE';
  } else if (v.authType !== 'NONE' && v.authPass === '') {
    err(' Authentication specified but no password given. Ignoring');
    v.authType = 'NONE';
  } else if (v.family === 6 && v.authType === 'AH') {
    err(' Cannot use AH authentication with IPv6. ignoring');
    v.authType = 'NONE';
  } else if (v.authType === 'AH' && v.wantState === 'MASTER' && !owner) {
    err(' Initial state master is incompatible with AH authentication - clearing');
    v.wantState = 'BACKUP';
  }

  // chk_min_cfg() has refused instances without an interface, so unicast_src_ip alone is moot.
  let unicast = false;
  if (v.unicastConfigured) {
    if (v.peers.length > 0) unicast = true;
    else if (!v.unicastFaultNoPeer)
      ctx.reportGlobal(
        'deprecated',
        `(${v.name}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.`,
      );
  }
  if (strict && v.vmac.mac !== undefined) {
    err(': cannot specify MAC address with strict mode - clearing');
    v.vmac.mac = undefined;
  }
  if (v.family === 6 && !unicast && v.vips.length > 0) {
    const first = v.vips[0]?.address.toLowerCase() ?? '';
    if (!/^fe[89ab][0-9a-f]:/.test(first) && strict) err(' the first IPv6 VIP address must be link local');
  }
  if (v.vrf && (v.ifp || !unicast)) {
    err(` vrf can only be specified with${v.ifp ? 'out interface' : ' unicast'} - clearing`);
    v.vrf = undefined;
  }
  const hdr =
    v.family === 4 ? 14 + 20 + 8 + (v.version === 2 ? 8 + (v.authType === 'AH' ? 24 : 0) : 0) : 14 + 40 + 8;
  const maxAddr = Math.min(VRRP_MAX_ADDR, Math.floor((DEFAULT_MTU - hdr) / (v.family === 4 ? 4 : 16)));
  if (v.vips.length > maxAddr) {
    err(
      ` Number of VIPs (${v.vips.length}) exceeds maximum/space available in packet (max ${maxAddr} addresses) - excess moved to eVIPs`,
    );
    v.evips.push(...v.vips.splice(maxAddr));
  }
  if (owner && v.nopreempt) {
    err(` nopreempt is incompatible with priority ${VRRP_PRIO_OWNER}. resetting nopreempt`);
    v.nopreempt = false;
  }
  if (v.wantState === 'MASTER') {
    if (v.nopreempt) {
      err(' Warning - nopreempt will not work with initial state MASTER - clearing');
      v.nopreempt = false;
    }
    if (v.preemptDelayUs) {
      err(' Warning - preempt delay will not work with initial state MASTER - clearing');
      v.preemptDelayUs = 0;
    }
  }
  if (v.preemptDelayUs) {
    if (strict) {
      err(' preempt_delay is incompatible with strict mode - resetting');
      v.preemptDelayUs = 0;
    }
    if (v.nopreempt) {
      err(' preempt_delay is incompatible with nopreempt mode - resetting');
      v.preemptDelayUs = 0;
    }
  }
  if (v.downTimerAdverts !== VRRP_DOWN_TIMER_ADVERTS && strict) {
    err(' down_timer_adverts is incompatible with strict mode - resetting');
    v.downTimerAdverts = VRRP_DOWN_TIMER_ADVERTS;
  }
  if (v.accept === undefined) v.accept = owner ? true : !strict;
  if (v.accept && !owner && strict && v.version === 2) {
    err(' warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting');
    v.accept = false;
  }
  if (unicast && v.mcastDst) {
    err(' multicast destination specified with unicast - ignoring');
    v.mcastDst = undefined;
  }
  completeGarpAdverts(ctx, v, strict);
  completeAdvertInt(ctx, v);
  if (!v.saddrFromConfig) v.trackSrcIp = false;
  completeVmac(ctx, v, strict);
  completeTracking(ctx, v, owner);

  if (v.vips.length === 0) {
    if (v.version === 3 || v.family === 6 || strict) {
      err(' No VIP specified; at least one is required');
      return false;
    }
    ctx.reportGlobal('warning', `(${v.name}) No VIP specified; at least one is sensible`);
  }
  return true;
}

function completeGarpAdverts(ctx: ParseContext, v: VrrpInstanceDraft, strict: boolean): void {
  const g = ctx.parentState(GLOBAL);
  const err = (m: string): void => ctx.reportGlobal('general-error', `(${v.name}) ${m}`);
  // vrrp_complete_init() has made the global lower-prio defaults follow the master ones.
  const globalLowerRep = g.vrrpGarpLowerPrioRepeat ?? g.vrrpGarpMasterRepeat;
  const globalLowerDelay = g.vrrpGarpLowerPrioDelay ?? g.vrrpGarpMasterDelay;
  if (v.garpLowerPrioRep === undefined) v.garpLowerPrioRep = strict ? 0 : globalLowerRep;
  else if (strict && v.garpLowerPrioRep) {
    err('Strict mode requires no repeat garps. resetting');
    v.garpLowerPrioRep = 0;
  }
  if (v.garpLowerPrioDelayUs === undefined) v.garpLowerPrioDelayUs = strict ? 0 : globalLowerDelay;
  else if (strict && v.garpLowerPrioDelayUs) {
    err('Strict mode requires no repeat garp delay. resetting');
    v.garpLowerPrioDelayUs = 0;
  }
  if (v.lowerPrioNoAdvert === undefined) v.lowerPrioNoAdvert = strict ? true : g.vrrpLowerPrioNoAdvert;
  else if (strict && !v.lowerPrioNoAdvert) {
    err('Strict mode requires no lower priority advert. resetting');
    v.lowerPrioNoAdvert = true;
  }
  if (v.higherPrioSendAdvert === undefined)
    v.higherPrioSendAdvert = strict ? false : g.vrrpHigherPrioSendAdvert;
  else if (strict && v.higherPrioSendAdvert) {
    err('strict mode requires higher_prio_send_advert to be clear. resetting');
    v.higherPrioSendAdvert = false;
  }
  if (v.smtpAlert === undefined) v.smtpAlert = g.smtpAlertVrrp ?? g.smtpAlert ?? false;
}

/** C's printf("%.Nf"). */
function fixed(us: number, digits: number): string {
  return (us / TIMER_HZ).toFixed(digits);
}

function completeAdvertInt(ctx: ParseContext, v: VrrpInstanceDraft): void {
  const err = (m: string): void => ctx.reportGlobal('general-error', `(${v.name}) ${m}`);
  if (!v.advertIntUs) v.advertIntUs = TIMER_HZ;
  if (v.version === 2) {
    if (v.advertIntUs >= 256 * TIMER_HZ) {
      err(
        `VRRPv2 advertisement interval ${fixed(v.advertIntUs, 2)}s is out of range. Must be less than 256s. Setting to 255s`,
      );
      v.advertIntUs = 255 * TIMER_HZ;
    } else if (v.advertIntUs % TIMER_HZ) {
      err(`VRRPv2 advertisement interval ${fixed(v.advertIntUs, 6)}s must be an integer. rounding`);
      v.advertIntUs += TIMER_HZ / 2;
      v.advertIntUs -= v.advertIntUs % TIMER_HZ;
      if (v.advertIntUs === 0) v.advertIntUs = TIMER_HZ;
    }
  } else if (v.advertIntUs >= 4096 * TIMER_CENTI_HZ) {
    err(
      `VRRPv3 advertisement interval ${fixed(v.advertIntUs, 2)}s is out of range. Must be less than 40.96s. Setting to 40.95s`,
    );
    v.advertIntUs = 4095 * TIMER_CENTI_HZ;
  } else if (v.advertIntUs % TIMER_CENTI_HZ) {
    err(`VRRPv3 advertisement interval ${fixed(v.advertIntUs, 6)}s must be in units of 10ms - rounding`);
    v.advertIntUs += TIMER_CENTI_HZ / 2;
    v.advertIntUs -= v.advertIntUs % TIMER_CENTI_HZ;
    if (v.advertIntUs === 0) v.advertIntUs = TIMER_CENTI_HZ;
  }
}

function completeVmac(ctx: ParseContext, v: VrrpInstanceDraft, strict: boolean): void {
  const err = (m: string): void => ctx.reportGlobal('general-error', `(${v.name}) ${m}`);
  if (v.vmac.enabled || v.ipvlan.enabled) {
    if (v.vmac.enabled && strict && v.vmac.xmitBase) {
      err('xmit_base is incompatible with strict mode - resetting');
      v.vmac.xmitBase = false;
    }
    if (v.promoteSecondaries) {
      err('promote_secondaries is automatically set for vmacs - ignoring');
      v.promoteSecondaries = false;
    }
  }
  if (v.ipvlan.enabled) {
    if (v.family === 4 && !v.ipvlan.address)
      err('IPv4 ipvlan requires a source ip address to be configured. setting instance to fault state');
    else if (v.ipvlan.address && v.ipvlan.address.family !== v.family)
      err('IPv4 ipvlan address family does not match instance. setting instance to fault state');
  }
  if (v.ifp) {
    const own = v.ifp.name;
    v.trackIfs = v.trackIfs.filter((t) => {
      if (t.name !== own) return true;
      err(`Ignoring track_interface ${own} since own interface`);
      return false;
    });
  }
  if (v.vmac.xmitBase && !v.vmac.enabled) {
    err('vmac_xmit_base is only valid with a vmac');
    v.vmac.xmitBase = false;
  }
  for (const [list, e] of [
    [v.vips, ''],
    [v.evips, 'e'],
  ] as const) {
    for (const a of list) {
      if (!a.useVmac) continue;
      const onOwn = a.interface === undefined || a.interface === v.ifp?.name;
      if (onOwn && v.vmac.enabled && a.family === v.family)
        err(`use_vmac specified for VIP/eVIP ${a.address} and vrrp instance`);
      else if ((!onOwn || a.family !== v.family) && v.vmac.useVmacAddr)
        err(`use_vmac_addr specified and use_vmac specified for VIP/eVIP ${a.address}`);
      void e;
    }
  }
}

/** The valid sync group the instance belongs to (vrrp_sync_set_group has run before). */
function syncGroupOf(ctx: ParseContext, v: VrrpInstanceDraft): SyncGroupDraft | undefined {
  return ctx.state(VRRP_TRACKING).syncGroups.find((g) => g.valid && g.instances?.includes(v.name));
}

/**
 * Weights keepalived ignores: in a sync group without sync_group_tracking_weight (the weight
 * becomes 0 or the tracker is dropped), or for an address owner (dropped).
 */
function completeTracking(ctx: ParseContext, v: VrrpInstanceDraft, owner: boolean): void {
  const sync = syncGroupOf(ctx, v);
  if (v.notifyPriorityChanges === undefined && sync?.notifyPriorityChanges !== undefined)
    v.notifyPriorityChanges = sync.notifyPriorityChanges;
  // Scripts the security check disabled are gone from the instance too.
  const scripts = ctx.state(VRRP_TRACKING).scripts;
  v.trackScripts = v.trackScripts.filter((t) => scripts.has(t.name));
  const inSync = sync !== undefined && !sync.trackingWeight;
  if (!inSync && !owner) return;
  const why = inSync ? 'SYNC group' : 'address_owner';
  const err = (m: string): void => ctx.reportGlobal('general-error', `(${v.name}) ${m}`);
  v.trackIfs = v.trackIfs.filter((t) => {
    if (!t.weight) return true;
    err(
      `ignoring ${t.name} tracked interface ${inSync ? 'weight ' : ''}due to ${inSync ? 'SYNC group' : 'address owner'}`,
    );
    if (!inSync) return false;
    t.weight = 0;
    return true;
  });
  v.trackScripts = v.trackScripts.filter((t) => {
    if (!t.weight) return true;
    err(`ignoring tracked script ${t.name} with weights due to ${why}`);
    return false;
  });
  v.trackFiles = v.trackFiles.filter((t) => {
    if (t.weight === 1) {
      err(`ignoring weight from tracked file ${t.name} due to ${why}. specify weight 0`);
      t.weight = 0;
      return true;
    }
    if (!t.weight) return true;
    err(`ignoring tracked file ${t.name} with weight ${t.weight} due to ${why}`);
    return false;
  });
  v.trackBfds = v.trackBfds.filter((t) => {
    if (!t.weight) return true;
    err(`ignoring tracked bfd ${t.name} with weight ${t.weight} due to ${why}`);
    return false;
  });
}

/** check_vrid_conflicts(): same VRID, family and multicast group on one interface. */
function vridConflicts(ctx: ParseContext, list: readonly VrrpInstanceDraft[]): boolean {
  const g = ctx.parentState(GLOBAL);
  let had = false;
  const unicastOf = (v: VrrpInstanceDraft): boolean => v.unicastConfigured && v.peers.length > 0;
  const group = (v: VrrpInstanceDraft): string =>
    v.mcastDst?.address ?? (v.family === 6 ? g.vrrpMcastGroup6 : g.vrrpMcastGroup4);
  // Only instances of one family and VRID can conflict: compare within those buckets, in the
  // order of a scan over all pairs (so reports come out in keepalived's order).
  const buckets = new Map<string, { members: number[]; next: number }>();
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as VrrpInstanceDraft;
    const key = `${a.family}/${a.vrid}`;
    const b = buckets.get(key);
    if (b) b.members.push(i);
    else buckets.set(key, { members: [i], next: 0 });
  }
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as VrrpInstanceDraft;
    const bucket = buckets.get(`${a.family}/${a.vrid}`) as { members: number[]; next: number };
    // Members are in list order and i visits them in turn: the ones after i follow `next`.
    bucket.next++;
    for (let k = bucket.next; k < bucket.members.length; k++) {
      const b = list[bucket.members[k] as number] as VrrpInstanceDraft;
      if (a.family !== b.family || a.vrid !== b.vrid || unicastOf(a) !== unicastOf(b)) continue;
      if (unicastOf(a)) {
        if (a.ifp && b.ifp && a.ifp.name !== b.ifp.name) continue;
        // Interfaces have no known address here: only configured source addresses compare.
        if (!a.saddrFromConfig || !b.saddrFromConfig || a.saddr?.address !== b.saddr?.address) continue;
        if (!a.peers.some((p) => b.peers.some((q) => q.address === p.address))) continue;
        ctx.reportGlobal(
          'general-error',
          `(${a.name}) duplicate VRID conflict with ${b.name} VRID ${a.vrid}`,
        );
        had = true;
        continue;
      }
      if (a.ifp?.name !== b.ifp?.name || group(a) !== group(b)) continue;
      if (a.ifp?.exists) {
        ctx.reportGlobal(
          'general-error',
          `${a.name} and ${b.name} both use VRID ${a.vrid} with IPv${a.family === 6 ? 6 : 4} on interface ${a.ifp.name}`,
        );
        had = true;
      }
    }
  }
  return had;
}

/**
 * vrrp_complete_init()'s instance part. Returns false where keepalived's VRRP process would
 * stop (the -t exit status comes from what was reported).
 */
export function completeVrrpInstances(ctx: ParseContext): boolean {
  const list = ctx.state(VRRP_INSTANCES).instances;
  for (const v of list) {
    if (v.vrid === 0) {
      ctx.reportGlobal('general-error', `(${v.name}) the virtual router id must be set`);
      return false;
    }
    if (!v.ifp) {
      ctx.reportGlobal('general-error', `(${v.name}) Unknown interface!`);
      return false;
    }
  }
  for (const v of list) if (!completeInstance(ctx, v)) return false;
  return !vridConflicts(ctx, list);
}
