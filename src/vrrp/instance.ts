/**
 * One VRRP instance: the frozen config, the FSM state, and the counters. It decodes payloads
 * with the real codec, validates adverts (validate.ts), counts every drop with a rate-limited log
 * line (drops.ts), runs fsm.step and hands back the effects and the next deadline. It performs
 * nothing: the shell carries the effects out (ports.ts applyEffects) and arms the timer.
 */

import type { AhFields } from './auth.js';
import { type AnyDropReason, codecDropText, DropLog } from './drops.js';
import {
  compareAddr,
  initialState,
  type StepResult,
  type SyncView,
  step,
  type VrrpEffect,
  type VrrpInput,
  type VrrpState,
} from './fsm.js';
import type { Advert } from './packet.js';
import { type DropReason, decodeAdvert } from './packet.js';
import type { VrrpInstanceParams } from './ports.js';
import { reconfigure, retire, type VipDelta } from './reconfigure.js';
import { needsVipCheck, type RxMeta, validateAdvert } from './validate.js';

/** A raw VRRP payload (what an IPv6 raw socket delivers) and where it came from. */
export interface RxPacket extends RxMeta {
  readonly bytes: Uint8Array;
}

/** An advert the shell already decoded (e.g. decodeIpv4Packet, which also handles AH). */
export interface RxAdvert extends RxMeta {
  readonly advert: Advert;
  /** The AH header's fields, for AH-authenticated adverts. */
  readonly ah?: AhFields;
}

export type InstanceInput =
  | Exclude<VrrpInput, { kind: 'advert' }>
  | { readonly kind: 'packet'; readonly packet: RxPacket }
  | { readonly kind: 'decoded'; readonly rx: RxAdvert }
  /** A packet the shell's own decoding refused: counted and logged here, with the others. */
  | { readonly kind: 'dropped'; readonly reason: DropReason; readonly srcAddr?: string };

/** keepalived stops counting at 0xFFFFFFFD ("cycled"); it never gets there in practice. */
const AH_SEQ_MAX = 0xfffffffd;

export interface HandleResult {
  readonly effects: readonly VrrpEffect[];
  readonly deadlineUs: number | undefined;
}

/** keepalived's per-instance statistics (vrrp_stats), the ones the core can know. */
export interface InstanceStats {
  readonly advertRcvd: number;
  readonly advertSent: number;
  readonly becomeMaster: number;
  readonly releaseMaster: number;
  readonly priZeroRcvd: number;
  readonly priZeroSent: number;
  /** Split brain episodes heard as master (split-brain.ts); not a keepalived counter. */
  readonly splitBrain: number;
  readonly drops: ReadonlyMap<AnyDropReason, number>;
}

export interface InstanceOptions {
  /** Minimum time between two log lines for one drop reason. */
  readonly dropLogIntervalUs?: number;
}

export class VrrpInstance {
  #state: VrrpState;
  #deadlineUs: number | undefined;
  readonly #drops: DropLog<AnyDropReason>;
  #advertRcvd = 0;
  #advertSent = 0;
  #becomeMaster = 0;
  #releaseMaster = 0;
  #priZeroRcvd = 0;
  #priZeroSent = 0;
  #splitBrain = 0;
  /**
   * keepalived's ipsecah_counter: one AH sequence number per instance for both directions.
   * Received adverts must carry more than it (anti-replay) and raise it; sent adverts take it
   * plus one. So a router that becomes master continues the sequence its peers last saw,
   * which is how a restarted keepalived is accepted by the others.
   */
  #ahSeq = 0;

  constructor(config: VrrpInstanceParams, opts: InstanceOptions = {}) {
    this.#state = initialState(Object.freeze({ ...config }));
    this.#drops = new DropLog(
      opts.dropLogIntervalUs === undefined ? {} : { intervalUs: opts.dropLogIntervalUs },
    );
  }

  get config(): VrrpInstanceParams {
    return this.#state.config;
  }

  get name(): string {
    return this.config.name;
  }

  get state(): VrrpState {
    return this.#state;
  }

  get deadlineUs(): number | undefined {
    return this.#deadlineUs;
  }

  /** Runs one input at `nowUs`. Never throws on network input. */
  handle(input: InstanceInput, nowUs: number, sync?: SyncView): HandleResult {
    switch (input.kind) {
      case 'packet': {
        const r = decodeAdvert(input.packet.bytes, input.packet);
        if (!r.ok)
          return this.#drop(r.reason, codecDropText(this.name, r.reason, input.packet.srcAddr), nowUs);
        return this.#receive({ ...input.packet, advert: r.value }, nowUs, sync);
      }
      case 'decoded':
        return this.#receive(input.rx, nowUs, sync);
      case 'dropped':
        return this.#drop(input.reason, codecDropText(this.name, input.reason, input.srcAddr), nowUs);
      default:
        return this.#run(input, nowUs, sync);
    }
  }

  /** Reload keeping this instance: new settings, same state, timers, counters and AH sequence. */
  reconfigure(config: VrrpInstanceParams, delta: VipDelta, nowUs: number): HandleResult {
    return this.#commit(reconfigure(this.#state, Object.freeze({ ...config }), delta, nowUs));
  }

  /** Reload deleting this instance: its goodbye (priority 0 if master, VIPs released, notify). */
  retire(notifyDeleted: boolean, nowUs: number): HandleResult {
    return this.#commit(retire(this.#state, notifyDeleted, nowUs));
  }

  stats(): InstanceStats {
    return {
      advertRcvd: this.#advertRcvd,
      advertSent: this.#advertSent,
      becomeMaster: this.#becomeMaster,
      releaseMaster: this.#releaseMaster,
      priZeroRcvd: this.#priZeroRcvd,
      priZeroSent: this.#priZeroSent,
      splitBrain: this.#splitBrain,
      drops: this.#drops.counts(),
    };
  }

  /** keepalived's STATS_CLEAR (after the stats file is written): every counter back to 0. */
  clearStats(): void {
    this.#advertRcvd = 0;
    this.#advertSent = 0;
    this.#becomeMaster = 0;
    this.#releaseMaster = 0;
    this.#priZeroRcvd = 0;
    this.#priZeroSent = 0;
    this.#splitBrain = 0;
    this.#drops.clearCounts();
  }

  dropCount(reason: AnyDropReason): number {
    return this.#drops.count(reason);
  }

  #receive(rx: RxAdvert, nowUs: number, sync: SyncView | undefined): HandleResult {
    const rt = this.#state.runtime;
    if (rt.state !== 'BACKUP' && rt.state !== 'MASTER') {
      return this.#drop('not-running', `(${this.name}) ignoring advert in ${rt.state} state`, nowUs);
    }
    const checkVipAddrs = needsVipCheck(this.config, rt, rx.srcAddr);
    const v = validateAdvert(this.config, rx.advert, rx, { checkVipAddrs });
    if (!v.ok) return this.#drop(v.reason.reason, v.reason.text, nowUs);
    if (rx.ah !== undefined) {
      if (rx.ah.seq <= this.#ahSeq) {
        const text = `(${this.name}) IPSEC-AH : sequence number ${rx.ah.seq} already processed. Packet dropped. Local(${this.#ahSeq})`;
        return this.#drop('ah-replay', text, nowUs);
      }
      this.#ahSeq = rx.ah.seq;
      // keepalived's vrrp_state_master_rx "Syncing seq_num": a master hearing a lower
      // priority continues above that router's sequence.
      if (rt.state === 'MASTER' && this.#isLowerPriority(rx)) this.#ahSeq = rx.ah.seq + 1;
    }
    this.#advertRcvd++;
    if (rx.advert.priority === 0) this.#priZeroRcvd++;
    return this.#run({ kind: 'advert', advert: rx.advert, srcAddr: rx.srcAddr }, nowUs, sync);
  }

  #drop(reason: AnyDropReason, text: string, nowUs: number): HandleResult {
    const line = this.#drops.record(reason, text, nowUs);
    const effects: VrrpEffect[] = line === undefined ? [] : [{ kind: 'log', text: line }];
    return { effects, deadlineUs: this.#deadlineUs };
  }

  #run(input: VrrpInput, nowUs: number, sync: SyncView | undefined): HandleResult {
    return this.#commit(step(this.#state, input, nowUs, sync));
  }

  #commit(r: StepResult): HandleResult {
    const before = this.#state.runtime.state;
    this.#state = r.state;
    this.#deadlineUs = r.deadlineUs;
    const after = r.state.runtime.state;
    if (after === 'MASTER' && before !== 'MASTER') this.#becomeMaster++;
    if (before === 'MASTER' && after !== 'MASTER') this.#releaseMaster++;
    const effects = r.effects.map((e) => {
      if (e.kind === 'split-brain') this.#splitBrain++;
      if (e.kind !== 'send-advert') return e;
      this.#advertSent++;
      if (e.priority === 0) this.#priZeroSent++;
      if (this.config.auth.type !== 'ah') return e;
      this.#ahSeq = Math.min(this.#ahSeq + 1, AH_SEQ_MAX);
      return { ...e, ahSeq: this.#ahSeq };
    });
    return { effects, deadlineUs: r.deadlineUs };
  }

  /** vrrp_state_master_rx's test for an advert that loses the election to us. */
  #isLowerPriority(rx: RxAdvert): boolean {
    const ours = this.#state.runtime.effectivePriority;
    const theirs = rx.advert.priority;
    return theirs < ours || (theirs === ours && compareAddr(rx.srcAddr, this.config.srcAddr) < 0);
  }
}
