/**
 * The contract between the pure VRRP core and the shell around it:
 *  - VrrpInstanceParams, the frozen per-instance input the daemon maps its config model onto
 *    (deliberately independent of src/config, so the core and the config model can evolve apart);
 *  - the ports the shell implements to carry out the core's effects (AdvertTransport,
 *    VipManager, Announcer, Notifier, VrrpLogger) and applyEffects, which dispatches effects
 *    onto them in order.
 * Ports are enqueue operations: they return at once and their adapters keep FIFO order, so that
 * an advert is on the wire before the gratuitous ARPs that follow it (keepalived's order).
 */
import type { IpFamily } from '../base/ip.js';
import type { Advert } from './packet.js';
import { DEFAULT_DOWN_TIMER_ADVERTS, US_PER_SECOND } from './timers.js';

/** RFC 3768 §5.3.4 / RFC 5798 §5.2.4: the priority of the router that owns the addresses. */
export const PRIORITY_OWNER = 255;
/** RFC 3768 §5.3.4: priority 0 tells the backups the master is stepping down. */
export const PRIORITY_STOP = 0;
/** RFC 3768 §5.3.4: the default priority of a backup (keepalived's VRRP_PRIO_DFL). */
export const PRIORITY_DEFAULT = 100;

export type VrrpAuth =
  | { readonly type: 'none' }
  /** RFC 2338 §5.3.6.1 simple text password; keepalived keeps its first 8 octets. */
  | { readonly type: 'pass'; readonly pass: string }
  /** IPsec AH as keepalived does it (auth.ts); the pass is the HMAC key. */
  | { readonly type: 'ah'; readonly pass: string };

/** keepalived's gratuitous ARP / unsolicited NA settings, per instance. */
export interface GarpParams {
  /** garp_master_delay: a second burst this long after becoming master; 0 = none. Default 5 s. */
  readonly masterDelayUs: number;
  /** garp_master_repeat: messages per VIP per burst. Default 5. */
  readonly masterRepeat: number;
  /** garp_master_refresh: re-announce while master, checked when an advert is sent; 0 = never. */
  readonly masterRefreshUs: number;
  /** garp_master_refresh_repeat. Default 1. */
  readonly masterRefreshRepeat: number;
  /** garp_lower_prio_delay: second burst after a lower-priority advert; defaults to masterDelayUs. */
  readonly lowerPrioDelayUs: number;
  /** garp_lower_prio_repeat: burst on a lower-priority advert; 0 = none; defaults to masterRepeat. */
  readonly lowerPrioRepeat: number;
}

/**
 * One vrrp_instance as the protocol core needs it. Every field has keepalived's meaning; the
 * daemon fills it from the config model (after keepalived's own defaulting, e.g. priority 255 for
 * `state MASTER` without a priority). `withDefaults` supplies keepalived's defaults.
 */
export interface VrrpInstanceParams {
  /** The instance name, as it appears in log lines: "(VI_1) Entering MASTER STATE". */
  readonly name: string;
  /** virtual_router_id, 1..255. */
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly family: IpFamily;
  readonly interfaceName: string;
  /** priority, 1..255; 255 makes this instance the address owner. */
  readonly basePriority: number;
  /** advert_int in microseconds (v2 sends whole seconds, v3 centiseconds). */
  readonly adverIntUs: number;
  /** false for `nopreempt`. keepalived ignores nopreempt for the owner and for `state MASTER`. */
  readonly preempt: boolean;
  /** preempt_delay; 0 = none. */
  readonly preemptDelayUs: number;
  /** `state`: MASTER with priority 255 becomes master at once; otherwise it waits like a backup. */
  readonly initialState: 'MASTER' | 'BACKUP';
  /** virtual_ipaddress entries in advert order, `addr` or `addr/len`. */
  readonly vips: readonly string[];
  /** virtual_ipaddress_excluded: added and announced with the VIPs, never advertised. */
  readonly excludedVips: readonly string[];
  /** virtual_routes and virtual_rules, named by texts the adapters resolve (vrrp-plan.ts). */
  readonly routes: readonly string[];
  readonly rules: readonly string[];
  readonly auth: VrrpAuth;
  /** unicast_peer addresses; empty means multicast. */
  readonly unicastPeers: readonly string[];
  /** The address adverts are sent from (mcast_src_ip / unicast_src_ip / the interface's primary). */
  readonly srcAddr: string;
  /** accept / no_accept: whether traffic to the VIPs is accepted while master (owner always). */
  readonly accept: boolean;
  readonly strict: boolean;
  /** down_timer_adverts, 1..100; 3 by default (RFC 5798 §6.1). */
  readonly downTimerAdverts: number;
  readonly garp: GarpParams;
  /** lower_prio_no_advert: a master stays quiet on a lower-priority advert. */
  readonly lowerPrioNoAdvert: boolean;
  /** higher_prio_send_advert: a master answers a higher-priority advert before leaving. */
  readonly higherPrioSendAdvert: boolean;
  /** skip_check_adv_addr: skip the VIP list check on adverts from the current master. */
  readonly skipCheckAdvAddr: boolean;
  /** check_unicast_src (or the global vrrp_check_unicast_src). */
  readonly checkUnicastSrc: boolean;
  /** notify_priority_changes: a notify event when the effective priority changes. */
  readonly notifyPriorityChanges: boolean;
}

/** What withDefaults needs: a name, a VRID and a source address; anything else may be left out. */
export type VrrpParamsInput = Partial<Omit<VrrpInstanceParams, 'garp'>> &
  Pick<VrrpInstanceParams, 'name' | 'vrid' | 'srcAddr'> & { readonly garp?: Partial<GarpParams> };

/** keepalived 2.2.7's defaults for what `partial` leaves out, with strict mode's overrides. */
export function withDefaults(partial: VrrpParamsInput): VrrpInstanceParams {
  const strict = partial.strict ?? false;
  const masterDelayUs = partial.garp?.masterDelayUs ?? 5 * US_PER_SECOND;
  const masterRepeat = partial.garp?.masterRepeat ?? 5;
  const initialState = partial.initialState ?? 'BACKUP';
  const basePriority =
    partial.basePriority ?? (initialState === 'MASTER' ? PRIORITY_OWNER : PRIORITY_DEFAULT);
  const params: VrrpInstanceParams = {
    version: 2,
    family: 4,
    interfaceName: 'eth0',
    adverIntUs: US_PER_SECOND,
    preempt: true,
    preemptDelayUs: 0,
    vips: [],
    excludedVips: [],
    routes: [],
    rules: [],
    auth: { type: 'none' },
    unicastPeers: [],
    accept: basePriority === PRIORITY_OWNER || !strict,
    downTimerAdverts: DEFAULT_DOWN_TIMER_ADVERTS,
    lowerPrioNoAdvert: strict,
    higherPrioSendAdvert: false,
    skipCheckAdvAddr: false,
    checkUnicastSrc: false,
    notifyPriorityChanges: false,
    ...partial,
    strict,
    initialState,
    basePriority,
    garp: {
      masterDelayUs,
      masterRepeat,
      masterRefreshUs: partial.garp?.masterRefreshUs ?? 0,
      masterRefreshRepeat: partial.garp?.masterRefreshRepeat ?? 1,
      lowerPrioDelayUs: partial.garp?.lowerPrioDelayUs ?? (strict ? 0 : masterDelayUs),
      lowerPrioRepeat: partial.garp?.lowerPrioRepeat ?? (strict ? 0 : masterRepeat),
    },
  };
  return Object.freeze(params);
}

/**
 * The adjustments keepalived's vrrp_complete_instance makes that change protocol behaviour,
 * with its warnings: nopreempt is meaningless for the owner and for `state MASTER`, and
 * preempt_delay is dropped with `state MASTER`, strict mode or nopreempt.
 */
export function normalizeParams(p: VrrpInstanceParams): {
  readonly params: VrrpInstanceParams;
  readonly warnings: readonly string[];
} {
  const warnings: string[] = [];
  let { preempt, preemptDelayUs } = p;
  if (p.basePriority === PRIORITY_OWNER && !preempt) {
    warnings.push(`(${p.name}) nopreempt is incompatible with priority 255. resetting nopreempt`);
    preempt = true;
  }
  if (p.initialState === 'MASTER') {
    if (!preempt) {
      warnings.push(`(${p.name}) Warning - nopreempt will not work with initial state MASTER - clearing`);
      preempt = true;
    }
    if (preemptDelayUs > 0) {
      warnings.push(`(${p.name}) Warning - preempt delay will not work with initial state MASTER - clearing`);
      preemptDelayUs = 0;
    }
  }
  if (preemptDelayUs > 0 && p.strict) {
    warnings.push(`(${p.name}) preempt_delay is incompatible with strict mode - resetting`);
    preemptDelayUs = 0;
  }
  if (preemptDelayUs > 0 && !preempt) {
    warnings.push(`(${p.name}) preempt_delay is incompatible with nopreempt mode - resetting`);
    preemptDelayUs = 0;
  }
  if (preempt === p.preempt && preemptDelayUs === p.preemptDelayUs) return { params: p, warnings };
  return { params: Object.freeze({ ...p, preempt, preemptDelayUs }), warnings };
}

// ---- effects: what the core asks of the shell, as data ----------------------------------

export interface SendAdvertEffect {
  readonly kind: 'send-advert';
  readonly priority: number;
  readonly advert: Advert;
  /** The AH sequence number to send (AH instances only; the instance keeps the counter). */
  readonly ahSeq?: number;
}
export interface VipsEffect {
  readonly kind: 'add-vips' | 'del-vips';
  readonly vips: readonly string[];
  readonly excludedVips: readonly string[];
  /**
   * virtual_routes / virtual_rules: added after the addresses (a route may need one), removed
   * before them, rules before routes (keepalived's vrrp_state_become_master /
   * vrrp_restore_interface).
   */
  readonly routes: readonly string[];
  readonly rules: readonly string[];
  /** no_accept on a non-owner: traffic to the VIPs is to be dropped while they are ours. */
  readonly blockIncoming: boolean;
}
export type AnnounceReason = 'become-master' | 'master-delay' | 'refresh' | 'lower-prio' | 'lower-prio-delay';
/** send `repeat` GARPs (IPv4) / unsolicited NAs (IPv6) for each address, keepalived's vrrp_send_link_update. */
export interface AnnounceEffect {
  readonly kind: 'announce';
  readonly addresses: readonly string[];
  readonly repeat: number;
  readonly reason: AnnounceReason;
}
/** DELETED: the instance was removed by a reload (with notify_deleted; keepalived's VRRP_STATE_DELETED). */
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';
export type NotifyEffect =
  | {
      readonly kind: 'notify';
      readonly state: NotifyState;
      readonly priority: number;
      /** Sent for an instance a reload removed: its scripts are those of the old config. */
      readonly deleted?: boolean;
    }
  /** notify_master_rx_lower_pri. */
  | { readonly kind: 'notify-event'; readonly event: 'master-rx-lower-pri'; readonly priority: number }
  /** notify_priority_changes: keepalived's MASTER/BACKUP_PRIORITY_CHANGE fifo events. */
  | { readonly kind: 'notify-priority'; readonly state: 'MASTER' | 'BACKUP'; readonly priority: number }
  /**
   * A master heard another master for its VRID that should have heard it (split-brain.ts);
   * once per episode. Not a keepalived notify: only the --split-brain-notify script sees it.
   */
  | {
      readonly kind: 'split-brain';
      readonly peer: string;
      readonly peerPriority: number;
      readonly priority: number;
    }
  /** A vrrp_sync_group changed state (send_group_notifies); the shell's instance name is ''. */
  | { readonly kind: 'notify-group'; readonly group: string; readonly state: GroupNotifyState };
/** The states a sync group notifies (keepalived's get_gscript). */
export type GroupNotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';
/** `detail` lines are the ones keepalived logs only with -D (LOG_DETAIL). */
export interface LogEffect {
  readonly kind: 'log';
  readonly text: string;
  readonly detail?: true;
}
export type VrrpEffect = SendAdvertEffect | VipsEffect | AnnounceEffect | NotifyEffect | LogEffect;

/** Sends adverts: to the VRRP group, or to each unicast peer, from params.srcAddr. */
export interface AdvertTransport {
  sendAdvert(instance: string, effect: SendAdvertEffect): void;
}

/**
 * Adds and removes the VIPs with their virtual routes and rules (and, for no_accept, the
 * firewall rules that drop traffic to them).
 */
export interface VipManager {
  addVips(instance: string, effect: VipsEffect): void;
  delVips(instance: string, effect: VipsEffect): void;
}

/** Gratuitous ARP (IPv4) / unsolicited neighbour adverts (IPv6), throttled by the adapter. */
export interface Announcer {
  announce(instance: string, effect: AnnounceEffect): void;
}

/** notify scripts, the notify FIFO, SNMP traps, SMTP alerts. */
export interface Notifier {
  notify(instance: string, effect: NotifyEffect): void;
}

export interface VrrpLogger {
  /** `detail` lines are those keepalived logs only with -D. */
  log(text: string, detail: boolean): void;
}

export interface VrrpPorts {
  readonly transport: AdvertTransport;
  readonly vips: VipManager;
  readonly announcer: Announcer;
  readonly notifier: Notifier;
  readonly logger: VrrpLogger;
}

/** Carries out `effects` in order through `ports`. The only place effects meet the world. */
export function applyEffects(instance: string, effects: readonly VrrpEffect[], ports: VrrpPorts): void {
  for (const e of effects) {
    switch (e.kind) {
      case 'send-advert':
        ports.transport.sendAdvert(instance, e);
        break;
      case 'add-vips':
        ports.vips.addVips(instance, e);
        break;
      case 'del-vips':
        ports.vips.delVips(instance, e);
        break;
      case 'announce':
        ports.announcer.announce(instance, e);
        break;
      case 'notify':
      case 'notify-event':
      case 'notify-priority':
      case 'notify-group':
      case 'split-brain':
        ports.notifier.notify(instance, e);
        break;
      case 'log':
        ports.logger.log(e.text, e.detail === true);
        break;
      default: {
        const never: never = e;
        throw new TypeError(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }
}
