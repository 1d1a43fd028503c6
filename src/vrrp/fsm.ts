/**
 * The VRRP state machine of one instance, pure: step(state, input, nowUs) returns the next
 * state, the effects the shell must carry out (in order) and the next deadline.
 *
 * Behaviour follows keepalived 2.2.7 (vrrp.c: vrrp_state_backup, vrrp_state_master_rx,
 * vrrp_state_master_tx, vrrp_state_goto_master, vrrp_state_leave_master, vrrp_state_leave_fault;
 * vrrp_scheduler.c: vrrp_init_state, vrrp_init_instance_sands, the read/timeout dispatchers;
 * vrrp_track.c: down_instance, try_up_instance, vrrp_set_effective_priority), including the
 * order of its side effects: an advert goes out before the VIPs are added and announced.
 * Adverts reaching step() have passed validate.ts; the instance (instance.ts) sees to that.
 */
import { onlyInitFaults } from '../base/fault-reasons.js';
import { canonicalIp, parseIp } from '../base/ip.js';
import { authKeyFromPass } from './auth.js';
import { type Advert, adverIntCsFromMs, adverIntMs, adverIntSecFromMs } from './packet.js';
import {
  type AnnounceReason,
  type NotifyState,
  PRIORITY_OWNER,
  PRIORITY_STOP,
  type VipsEffect,
  type VrrpEffect,
  type VrrpInstanceParams,
} from './ports.js';

export type {
  AnnounceEffect,
  AnnounceReason,
  LogEffect,
  NotifyEffect,
  NotifyState,
  SendAdvertEffect,
  VipsEffect,
  VrrpEffect,
} from './ports.js';

import { detectSplitBrain, splitBrainLine } from './split-brain.js';
import { masterDownUs, skewUs } from './timers.js';

export type VrrpStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

/** The runtime half of an instance (the config half is VrrpInstanceParams). */
export interface VrrpRuntime {
  readonly state: VrrpStateName;
  /** Between admin start and stop. Stopped instances are INIT and ignore everything but start. */
  readonly started: boolean;
  /** keepalived's wantstate: configured state at start, FAULT while faulted, else the last goal. */
  readonly wantState: 'BACKUP' | 'MASTER' | 'FAULT';
  /** Why the instance is down (tracked interfaces, scripts, ...); FAULT while non-empty. */
  readonly faults: ReadonlySet<string>;
  /** Configured priority; an owner drops to 254 when it meets another owner. */
  readonly basePriority: number;
  /** Base plus tracking weights, unclamped, as the trackers last reported it. */
  readonly totalPriority: number;
  /** What we advertise: totalPriority clamped to 1..254, or 255 for the owner. */
  readonly effectivePriority: number;
  /** RFC 5798 §6.1 Master_Adver_Interval: learned from the master in v3 BACKUP. */
  readonly masterAdverIntUs: number;
  /** keepalived's ms_down_timer: the wait armed when BACKUP (re)starts its timer. */
  readonly msDownTimerUs: number;
  /** keepalived's sands: next advert (MASTER) or master-down expiry (BACKUP). */
  readonly sandsUs: number | undefined;
  /** preempt_delay running: a lower-priority master is tolerated until then. */
  readonly preemptAtUs: number | undefined;
  readonly masterAddr: string | undefined;
  readonly masterPriority: number | undefined;
  /** keepalived's vipset: the VIPs are ours (set on becoming master, cleared on leaving). */
  readonly vipsSet: boolean;
  /** Second GARP burst after becoming master (garp_master_delay). */
  readonly garpDelayAtUs: number | undefined;
  /** garp_master_refresh: the next advert sent at or after this time re-announces. */
  readonly garpRefreshAtUs: number | undefined;
  /** Second GARP burst after a lower-priority advert (garp_lower_prio_delay). */
  readonly lowerPrioGarpAtUs: number | undefined;
  /** When this instance last entered MASTER (split-brain.ts tells a split brain from a preemption). */
  readonly masterSinceUs: number | undefined;
  /** A split brain episode lasts while other masters keep being heard before this time. */
  readonly splitBrainUntilUs: number | undefined;
}

export interface VrrpState {
  readonly config: VrrpInstanceParams;
  readonly runtime: VrrpRuntime;
}

export type VrrpInput =
  /** Admin start, keepalived's vrrp_init_state. Idempotent. */
  | { readonly kind: 'start' }
  /** Shutdown: a master sends priority 0 and releases its VIPs; everyone notifies STOP. */
  | { readonly kind: 'stop' }
  /** An advert that validate.ts accepted, with the address it came from. */
  | { readonly kind: 'advert'; readonly advert: Advert; readonly srcAddr: string }
  /** The deadline returned by the last step has passed. Early calls are harmless. */
  | { readonly kind: 'timer' }
  /** Trackers changed base + weights. */
  | { readonly kind: 'priority'; readonly totalPriority: number }
  | { readonly kind: 'fault-set'; readonly reason: string }
  | { readonly kind: 'fault-clear'; readonly reason: string }
  /** The instance's sync group moves its members (sync-group.ts; keepalived's vrrp_sync_*). */
  | { readonly kind: 'sync'; readonly to: 'MASTER' | 'BACKUP' | 'FAULT' }
  /** Another member of the sync group heard a lower priority: re-announce (garp_lower_prio_repeat). */
  | { readonly kind: 'sync-lower-prio-garp' }
  /**
   * Someone else deleted one of a master's VIPs, virtual routes or rules (keepalived's
   * set_vrrp_backup): it gives everything up and takes it back after the skew time.
   */
  | { readonly kind: 'released' };

/**
 * What a sync group member's step needs to know of its group (keepalived's vrrp->sync): the
 * group's state, whether every other member wants MASTER (vrrp_sync_can_goto_master), and
 * whether another member is down by its own trackers (sync->num_member_fault).
 */
export interface SyncView {
  readonly groupState: 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';
  readonly othersWantMaster: boolean;
  readonly othersFaulty: boolean;
}

export interface StepResult {
  readonly state: VrrpState;
  readonly effects: readonly VrrpEffect[];
  /** The earliest time step() wants a 'timer' input; undefined when nothing is pending. */
  readonly deadlineUs: number | undefined;
}

/** A stopped instance (INIT), ready for 'start'. */
export function initialState(config: VrrpInstanceParams): VrrpState {
  const runtime: VrrpRuntime = {
    state: 'INIT',
    started: false,
    wantState: config.initialState,
    faults: new Set(),
    basePriority: config.basePriority,
    totalPriority: config.basePriority,
    effectivePriority: config.basePriority,
    masterAdverIntUs: config.adverIntUs,
    msDownTimerUs: 0,
    sandsUs: undefined,
    preemptAtUs: undefined,
    masterAddr: undefined,
    masterPriority: undefined,
    vipsSet: false,
    garpDelayAtUs: undefined,
    garpRefreshAtUs: undefined,
    lowerPrioGarpAtUs: undefined,
    masterSinceUs: undefined,
    splitBrainUntilUs: undefined,
  };
  return { config, runtime };
}

export function deadlineOf(r: VrrpRuntime): number | undefined {
  let d: number | undefined;
  for (const t of [r.sandsUs, r.garpDelayAtUs, r.lowerPrioGarpAtUs]) {
    if (t !== undefined && (d === undefined || t < d)) d = t;
  }
  return d;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One step's scratch space: the config, the time, the runtime being edited, the effects so far. */
interface Ctx {
  readonly sync: SyncView | undefined;
  readonly p: VrrpInstanceParams;
  readonly now: number;
  readonly r: Mutable<VrrpRuntime>;
  readonly fx: VrrpEffect[];
}

export function step(state: VrrpState, input: VrrpInput, nowUs: number, sync?: SyncView): StepResult {
  const c: Ctx = { sync, p: state.config, now: nowUs, r: { ...state.runtime }, fx: [] };
  if (input.kind === 'start') start(c);
  else if (input.kind === 'fault-set') faultSet(c, input.reason);
  else if (input.kind === 'fault-clear') faultClear(c, input.reason);
  else if (input.kind === 'priority') c.r.totalPriority = input.totalPriority;
  if (c.r.started) {
    switch (input.kind) {
      case 'stop':
        stop(c);
        break;
      case 'advert':
        if (c.r.state === 'BACKUP') backupRx(c, input.advert, input.srcAddr);
        else if (c.r.state === 'MASTER') masterRx(c, input.advert, input.srcAddr);
        break;
      case 'timer':
        timer(c);
        break;
      case 'priority':
        setEffectivePriority(c);
        break;
      case 'sync':
        syncTo(c, input.to);
        break;
      case 'sync-lower-prio-garp':
        lowerPrioGarp(c);
        break;
      case 'released':
        released(c);
        break;
      case 'start':
      case 'fault-set':
      case 'fault-clear':
        break;
    }
  }
  const runtime: VrrpRuntime = c.r;
  return { state: { config: state.config, runtime }, effects: c.fx, deadlineUs: deadlineOf(runtime) };
}

// ---- helpers -------------------------------------------------------------------------------

const log = (c: Ctx, text: string): void => {
  c.fx.push({ kind: 'log', text: `(${c.p.name}) ${text}` });
};
const logDetail = (c: Ctx, text: string): void => {
  c.fx.push({ kind: 'log', text: `(${c.p.name}) ${text}`, detail: true });
};

const timerParams = (c: Ctx) => ({
  version: c.p.version,
  effectivePriority: c.r.effectivePriority,
  masterAdverIntUs: c.r.masterAdverIntUs,
  downTimerAdverts: c.p.downTimerAdverts,
});
const msDown = (c: Ctx): number => masterDownUs(timerParams(c));
const skew = (c: Ctx): number => skewUs(timerParams(c));

/** The address part of `addr` or `addr/len`, canonical when it parses. */
export function vipAddress(vip: string): string {
  const slash = vip.indexOf('/');
  const text = slash < 0 ? vip : vip.slice(0, slash);
  const r = canonicalIp(text);
  return r.ok ? r.value : text;
}

/**
 * The addresses an instance's adverts carry, canonical, parsed once per params object: a master
 * sends one advert per interval for as long as it runs (1,000 instances parsed 1,000 lists a
 * second, the largest share of the worker's idle CPU).
 */
const advertAddresses = new WeakMap<VrrpInstanceParams, readonly string[]>();

function addressesOf(p: VrrpInstanceParams): readonly string[] {
  let a = advertAddresses.get(p);
  if (a === undefined) {
    a = Object.freeze(p.vips.map(vipAddress));
    advertAddresses.set(p, a);
  }
  return a;
}

/** The advert this instance sends at `priority`. */
export function buildAdvert(p: VrrpInstanceParams, priority: number): Advert {
  const common = { vrid: p.vrid, priority, addresses: addressesOf(p) };
  const ms = p.adverIntUs / 1000;
  if (p.version === 3) return { version: 3, family: p.family, ...common, adverIntCs: adverIntCsFromMs(ms) };
  const base = { version: 2, family: 4, ...common, adverIntSec: adverIntSecFromMs(ms) } as const;
  if (p.auth.type === 'pass') return { ...base, authType: 'pass', authData: authKeyFromPass(p.auth.pass) };
  return { ...base, authType: p.auth.type };
}

const sendAdvert = (c: Ctx, priority: number): void => {
  c.fx.push({ kind: 'send-advert', priority, advert: buildAdvert(c.p, priority) });
};

const vipsEffect = (c: Ctx, kind: VipsEffect['kind']): VipsEffect => ({
  kind,
  vips: c.p.vips,
  excludedVips: c.p.excludedVips,
  routes: c.p.routes,
  rules: c.p.rules,
  blockIncoming: c.r.basePriority !== PRIORITY_OWNER && !c.p.accept,
});

/** keepalived's vrrp_send_link_update: nothing unless the VIPs are ours. */
const announce = (c: Ctx, repeat: number, reason: AnnounceReason): void => {
  const addresses = [...c.p.vips, ...c.p.excludedVips].map(vipAddress);
  if (!c.r.vipsSet || repeat <= 0 || addresses.length === 0) return;
  c.fx.push({ kind: 'announce', addresses, repeat, reason });
};

const notify = (c: Ctx, state: NotifyState): void => {
  c.fx.push({ kind: 'notify', state, priority: c.r.effectivePriority });
};

/** Signed comparison of two addresses as keepalived's inet_sockaddrcmp: byte order, 0 across families. */
export function compareAddr(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (!x.ok || !y.ok || x.value.family !== y.value.family) return 0;
  return Math.sign(x.value.bytes.compare(y.value.bytes));
}

// ---- transitions, one per keepalived function ----------------------------------------------

/** vrrp_init_state (no sync group, not a reload). */
function start(c: Ctx): void {
  const { r, p } = c;
  if (r.started) return;
  r.started = true;
  r.wantState = r.faults.size > 0 ? 'FAULT' : p.initialState;
  // vrrp_complete_init: in a group that is not all address owners nobody starts as MASTER,
  // and a group in FAULT holds every member in FAULT.
  if (c.sync !== undefined && c.sync.groupState !== 'MASTER' && r.wantState === 'MASTER')
    r.wantState = 'BACKUP';
  const down = r.faults.size > 0 || c.sync?.groupState === 'FAULT';
  if (down) r.wantState = 'FAULT';
  r.masterAdverIntUs = p.adverIntUs;
  r.preemptAtUs = undefined;
  if (!down && r.wantState === 'MASTER' && r.basePriority === PRIORITY_OWNER) {
    // keepalived: "The simplest way to become master is to timeout from the backup state very quickly".
    r.state = 'BACKUP';
    r.msDownTimerUs = 1;
    r.sandsUs = c.now + 1;
    return;
  }
  r.msDownTimerUs = msDown(c);
  if (!down) {
    log(c, 'Entering BACKUP STATE (init)');
    r.state = 'BACKUP';
    r.sandsUs = c.now + r.msDownTimerUs;
    notify(c, 'BACKUP');
  } else {
    r.state = 'FAULT';
    r.sandsUs = undefined;
    // Held down only by scripts that have not returned yet: keepalived is silent (fault-reasons.ts).
    if (onlyInitFaults(r.faults) && c.sync?.groupState !== 'FAULT') return;
    log(c, 'Entering FAULT STATE (init)');
    notify(c, 'FAULT');
  }
}

/** vrrp_terminate_phase1: restore_vrrp_interfaces, then notify_shutdown. */
function stop(c: Ctx): void {
  const { r } = c;
  if (r.state === 'MASTER') restoreInterface(c, true);
  notify(c, 'STOP');
  Object.assign(r, {
    state: 'INIT',
    started: false,
    sandsUs: undefined,
    preemptAtUs: undefined,
    masterAddr: undefined,
    masterPriority: undefined,
    garpDelayAtUs: undefined,
    garpRefreshAtUs: undefined,
    lowerPrioGarpAtUs: undefined,
  });
}

/** vrrp_restore_interface: priority 0 if asked, pending GARPs dropped, VIPs released. */
function restoreInterface(c: Ctx, advF: boolean): void {
  if (advF) {
    sendAdvert(c, PRIORITY_STOP);
    logDetail(c, 'sent 0 priority');
  }
  c.r.garpDelayAtUs = undefined;
  c.r.lowerPrioGarpAtUs = undefined;
  if (c.r.vipsSet) {
    c.fx.push(vipsEffect(c, 'del-vips'));
    c.r.vipsSet = false;
  }
}

/** vrrp_sync_can_goto_master: a member waits until every other member wants MASTER too. */
function syncCanGotoMaster(c: Ctx): boolean {
  const s = c.sync;
  return s === undefined || s.groupState === 'MASTER' || s.othersWantMaster;
}

/** vrrp_goto_master / vrrp_state_goto_master. */
function gotoMaster(c: Ctx, force = false): void {
  c.r.wantState = 'MASTER';
  if (!force && !syncCanGotoMaster(c)) {
    // Held in BACKUP by the group ("prefer backup state to avoid thrashing"); try again later.
    c.r.msDownTimerUs = msDown(c);
    c.r.sandsUs = c.now + c.r.msDownTimerUs;
    return;
  }
  c.r.state = 'MASTER';
  c.r.sandsUs = c.now + c.p.adverIntUs;
  masterTx(c);
}

/** vrrp_state_master_tx: the advert first, so the old master drops the VIPs before our GARPs. */
function masterTx(c: Ctx): void {
  const { r, p } = c;
  sendAdvert(c, r.effectivePriority);
  if (!r.vipsSet) {
    log(c, 'Entering MASTER STATE');
    becomeMaster(c);
    if (p.garp.masterDelayUs > 0) r.garpDelayAtUs = c.now + p.garp.masterDelayUs;
  } else if (r.garpRefreshAtUs !== undefined && c.now >= r.garpRefreshAtUs) {
    announce(c, p.garp.masterRefreshRepeat, 'refresh');
    r.garpRefreshAtUs = c.now + p.garp.masterRefreshUs;
  }
}

/** vrrp_state_become_master. */
function becomeMaster(c: Ctx): void {
  const { r, p } = c;
  r.masterAdverIntUs = p.adverIntUs;
  c.fx.push(vipsEffect(c, 'add-vips'));
  r.vipsSet = true;
  announce(c, p.garp.masterRepeat, 'become-master');
  r.garpRefreshAtUs = p.garp.masterRefreshUs > 0 ? c.now + p.garp.masterRefreshUs : undefined;
  r.masterSinceUs = c.now;
  notify(c, 'MASTER');
}

/** vrrp_state_leave_master. */
function leaveMaster(c: Ctx, advF: boolean, want: 'BACKUP' | 'FAULT'): void {
  const { r } = c;
  if (want === 'BACKUP') {
    log(c, 'Entering BACKUP STATE');
    r.preemptAtUs = undefined;
  } else {
    log(c, 'Entering FAULT STATE');
    sendAdvert(c, PRIORITY_STOP);
  }
  restoreInterface(c, advF);
  r.state = want;
  notify(c, want);
  r.msDownTimerUs = msDown(c);
  r.sandsUs = want === 'BACKUP' ? c.now + r.msDownTimerUs : undefined;
}

/**
 * set_vrrp_backup: BACKUP with a priority-0 advert and everything released, then master again
 * after the skew time unless a better master speaks first ("a quick transition back to
 * master"), which puts the deleted address or route back.
 */
function released(c: Ctx): void {
  const { r } = c;
  if (r.state !== 'MASTER') return;
  r.wantState = 'BACKUP';
  leaveMaster(c, true, 'BACKUP');
  r.msDownTimerUs = skew(c);
  r.sandsUs = c.now + r.msDownTimerUs;
}

/** vrrp_state_leave_fault. */
function leaveFault(c: Ctx, want: 'BACKUP' | 'MASTER' | 'FAULT'): void {
  const { r, p } = c;
  if (want === 'MASTER') {
    gotoMaster(c);
  } else {
    if (r.state !== want) log(c, `Entering ${want} STATE`);
    if (want === 'FAULT' && r.state === 'MASTER') {
      sendAdvert(c, PRIORITY_STOP);
      restoreInterface(c, false);
    }
    r.state = want;
    notify(c, want);
    if (want === 'BACKUP') r.preemptAtUs = undefined;
  }
  r.masterAdverIntUs = p.adverIntUs;
  r.msDownTimerUs = msDown(c);
  if (r.state === 'BACKUP') r.sandsUs = c.now + r.msDownTimerUs;
  else if (r.state === 'FAULT') r.sandsUs = undefined;
}

/** down_instance: only the first reason takes the instance down. */
function faultSet(c: Ctx, reason: string): void {
  const { r } = c;
  const wasUp = r.faults.size === 0;
  const silentFault = onlyInitFaults(r.faults);
  if (r.faults.has(reason)) return;
  r.faults = new Set([...r.faults, reason]);
  if (!r.started) return;
  // The first real fault of an instance held down only by scripts in init: keepalived's
  // down_instance -> vrrp_state_leave_fault runs the FAULT notifies, with no log line.
  if (silentFault && !onlyInitFaults(r.faults) && r.state === 'FAULT') {
    notify(c, 'FAULT');
    return;
  }
  if (!wasUp) return;
  r.wantState = 'FAULT';
  if (r.state === 'MASTER') leaveMaster(c, true, 'FAULT');
  else leaveFault(c, 'FAULT');
}

/** try_up_instance: the last reason cleared brings the instance back as BACKUP. */
function faultClear(c: Ctx, reason: string): void {
  const { r } = c;
  if (!r.faults.has(reason)) return;
  r.faults = new Set([...r.faults].filter((f) => f !== reason));
  if (!r.started || r.faults.size > 0) return;
  let want: 'MASTER' | 'BACKUP' =
    r.wantState === 'MASTER' && r.basePriority === PRIORITY_OWNER ? 'MASTER' : 'BACKUP';
  r.wantState = want;
  // try_up_instance: a member stays in FAULT while another member is down by its own trackers;
  // the group brings it back (sync-group.ts).
  if (c.sync?.othersFaulty) return;
  if (want === 'MASTER' && !syncCanGotoMaster(c)) want = 'BACKUP';
  r.masterAdverIntUs = c.p.adverIntUs;
  leaveFault(c, want);
}

/** vrrp_sync_master / vrrp_sync_backup / vrrp_sync_fault, for one of the other members. */
function syncTo(c: Ctx, to: 'MASTER' | 'BACKUP' | 'FAULT'): void {
  const { r } = c;
  if (r.state === to) return;
  r.wantState = to;
  if (to === 'MASTER') {
    gotoMaster(c, true);
  } else if (to === 'BACKUP') {
    if (r.state === 'MASTER') leaveMaster(c, false, 'BACKUP');
    else leaveFault(c, 'BACKUP');
  } else if (r.state === 'MASTER') {
    leaveMaster(c, false, 'FAULT');
  } else {
    // keepalived sets the state first ("a bit of a bodge"), so no "Entering FAULT STATE" line.
    r.state = 'FAULT';
    leaveFault(c, 'FAULT');
  }
}

/** vrrp_state_master_rx's GARPs for the other members of the group (garp_lower_prio_repeat). */
function lowerPrioGarp(c: Ctx): void {
  const { r, p } = c;
  if (p.garp.lowerPrioRepeat <= 0) return;
  announce(c, p.garp.lowerPrioRepeat, 'lower-prio');
  if (p.garp.lowerPrioDelayUs > 0) r.lowerPrioGarpAtUs = c.now + p.garp.lowerPrioDelayUs;
}

/** vrrp_set_effective_priority: a BACKUP's running timer moves by the change in master-down. */
function setEffectivePriority(c: Ctx): void {
  const { r, p } = c;
  if (r.basePriority === PRIORITY_OWNER) return;
  const next = Math.min(PRIORITY_OWNER - 1, Math.max(1, Math.trunc(r.totalPriority)));
  if (next === r.effectivePriority) return;
  log(c, `Changing effective priority from ${r.effectivePriority} to ${next}`);
  r.effectivePriority = next;
  const old = r.msDownTimerUs;
  r.msDownTimerUs = msDown(c);
  if (r.state === 'BACKUP' && r.sandsUs !== undefined) r.sandsUs += r.msDownTimerUs - old;
  if (p.notifyPriorityChanges && (r.state === 'MASTER' || r.state === 'BACKUP')) {
    c.fx.push({ kind: 'notify-priority', state: r.state, priority: next });
  }
}

/**
 * When a master's next advert is due. keepalived arms `now + advert_int`; a timer that fires a
 * little late (Node's are whole milliseconds and at least 1 ms late) would then push every
 * later advert back by that lateness, and the adverts drift (measured: 994 adverts/s from 1,000
 * instances at 1 s). Arming from the deadline that was due keeps the period exact; a timer late
 * by a whole interval or more (a stalled process) restarts the period from now, so no burst of
 * catch-up adverts follows.
 */
export function nextAdvertAtUs(dueUs: number, nowUs: number, adverIntUs: number): number {
  return nowUs - dueUs < adverIntUs ? dueUs + adverIntUs : nowUs + adverIntUs;
}

/** vrrp_dispatcher_read_timeout, plus keepalived's separate delayed-GARP threads. */
function timer(c: Ctx): void {
  const { r, p } = c;
  if (r.sandsUs !== undefined && r.sandsUs <= c.now) {
    if (r.state === 'BACKUP') {
      logDetail(c, 'Receive advertisement timeout');
      gotoMaster(c);
    } else if (r.state === 'MASTER') {
      masterTx(c);
      r.sandsUs = nextAdvertAtUs(r.sandsUs, c.now, p.adverIntUs);
    }
  }
  if (r.garpDelayAtUs !== undefined && r.garpDelayAtUs <= c.now) {
    r.garpDelayAtUs = undefined;
    announce(c, p.garp.masterRepeat, 'master-delay');
  }
  if (r.lowerPrioGarpAtUs !== undefined && r.lowerPrioGarpAtUs <= c.now) {
    r.lowerPrioGarpAtUs = undefined;
    announce(c, p.garp.lowerPrioRepeat, 'lower-prio-delay');
  }
}

/** RFC 5798 §6.4.2: a v3 backup adopts the interval the master advertises. */
function learnInterval(c: Ctx, advert: Advert): void {
  if (c.p.version !== 3) return;
  const us = adverIntMs(advert) * 1000;
  if (us !== c.r.masterAdverIntUs) {
    logDetail(
      c,
      `advertisement interval updated from ${c.r.masterAdverIntUs / 1000}ms to ${us / 1000}ms by master`,
    );
    c.r.masterAdverIntUs = us;
  }
}

/** vrrp_state_backup. */
function backupRx(c: Ctx, advert: Advert, src: string): void {
  const { r, p } = c;
  const prio = advert.priority;
  if (prio === PRIORITY_STOP) {
    logDetail(c, 'Backup received priority 0 advertisement');
    r.msDownTimerUs = skew(c);
    r.sandsUs = c.now + r.msDownTimerUs;
    return;
  }
  const delaying = p.preemptDelayUs > 0 && (r.preemptAtUs === undefined || r.preemptAtUs > c.now);
  if (!p.preempt || prio >= r.effectivePriority || delaying) {
    learnInterval(c, advert);
    r.msDownTimerUs = msDown(c);
    r.masterAddr = src;
    r.masterPriority = prio;
    if (p.preemptDelayUs > 0) {
      if (prio >= r.effectivePriority) {
        if (r.preemptAtUs !== undefined) logDetail(c, 'stop preempt delay');
        r.preemptAtUs = undefined;
      } else if (r.preemptAtUs === undefined) {
        const s = Math.floor(p.preemptDelayUs / 1e6);
        const us = String(p.preemptDelayUs % 1e6).padStart(6, '0');
        logDetail(c, `start preempt delay (${s}.${us})`);
        r.preemptAtUs = c.now + p.preemptDelayUs;
      }
    }
    r.wantState = 'BACKUP';
    r.sandsUs = c.now + r.msDownTimerUs;
    return;
  }
  // Preempting: the lower-priority master is ignored, our master-down timer keeps running.
  log(c, `received lower priority (${prio}) advert from ${src} - discarding`);
  r.masterAddr = src;
}

/** A losing master heard long after we became master: a split brain (split-brain.ts). */
function splitBrain(c: Ctx, src: string, prio: number): void {
  const { r, p } = c;
  const d = detectSplitBrain(
    { nowUs: c.now, masterSinceUs: r.masterSinceUs, untilUs: r.splitBrainUntilUs },
    { adverIntUs: p.adverIntUs, holdUs: msDown(c) },
  );
  r.splitBrainUntilUs = d.untilUs;
  if (!d.newEpisode) return;
  log(c, splitBrainLine(p.vrid, src, prio, r.effectivePriority));
  c.fx.push({ kind: 'split-brain', peer: src, peerPriority: prio, priority: r.effectivePriority });
}

/** vrrp_state_master_rx, then the dispatcher's timer reset. */
function masterRx(c: Ctx, advert: Advert, src: string): void {
  const { r, p } = c;
  const prio = advert.priority;
  const cmp = compareAddr(src, p.srcAddr);
  const theyWin = (eff: number) => prio > eff || (prio === eff && cmp > 0);
  // keepalived sends this advert only with higher_prio_send_advert; we always do (README,
  // deliberate differences): the winner then hears a lower priority and re-announces its VIPs,
  // which a client that learnt the loser's MAC during a split brain needs.
  if (prio === PRIORITY_STOP || theyWin(r.effectivePriority)) {
    sendAdvert(c, r.effectivePriority);
    if (prio === PRIORITY_STOP) logDetail(c, 'Master received priority 0 message');
  }
  if (prio !== PRIORITY_STOP) {
    if (prio === r.effectivePriority) {
      if (cmp === 0) {
        log(c, 'WARNING - equal priority advert received from remote host with our IP address.');
      } else if (r.effectivePriority === PRIORITY_OWNER) {
        log(
          c,
          'CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority',
        );
        r.effectivePriority = PRIORITY_OWNER - 1;
        r.basePriority = PRIORITY_OWNER - 1;
      }
    }
    const eff = r.effectivePriority;
    if (prio < eff || (prio === eff && cmp < 0)) {
      const forcing = p.lowerPrioNoAdvert ? '' : ', forcing new election';
      log(c, `Received advert from ${src} with lower priority ${prio}, ours ${eff}${forcing}`);
      splitBrain(c, src, prio);
      if (!p.lowerPrioNoAdvert) sendAdvert(c, eff);
      if (p.garp.lowerPrioRepeat > 0) {
        announce(c, p.garp.lowerPrioRepeat, 'lower-prio');
        if (p.garp.lowerPrioDelayUs > 0) r.lowerPrioGarpAtUs = c.now + p.garp.lowerPrioDelayUs;
      }
      c.fx.push({ kind: 'notify-event', event: 'master-rx-lower-pri', priority: c.r.effectivePriority });
    } else if (theyWin(eff)) {
      if (prio > eff) log(c, `Master received advert from ${src} with higher priority ${prio}, ours ${eff}`);
      else
        log(
          c,
          `Master received advert from ${src} with same priority ${prio} but higher IP address than ours`,
        );
      learnInterval(c, advert);
      r.masterPriority = prio;
      r.wantState = 'BACKUP';
      leaveMaster(c, false, 'BACKUP');
      return;
    }
  }
  // keepalived re-arms a master's advert timer after every advert it handled, unless it stays quiet.
  if (!p.lowerPrioNoAdvert) r.sandsUs = c.now + p.adverIntUs;
}
