/**
 * The Announcer port (src/vrrp/ports.ts) over raw Ethernet frames: for each AnnounceEffect it
 * builds keepalived's gratuitous ARP (IPv4) or unsolicited neighbour advert (IPv6) per address and
 * sends `repeat` rounds of them, throttled as keepalived throttles them:
 *  - order: round by round, addresses in effect order within a round (vrrp_send_link_update);
 *  - vrrp_garp_interval / vrrp_gna_interval: at least that long between two GARPs (two NAs) on
 *    one base interface, measured from the previous send; the first goes at once; GARPs and NAs
 *    and different interfaces do not wait for each other (AnnounceQueue holds this logic);
 *  - interfaces flagged NOARP get nothing (keepalived checks IFF_NOARP for both kinds).
 * It never blocks: due frames go out at once, at most maxFramesPerTurn per turn, the rest from a
 * timer; and never throws: a bad address, an unknown interface or a failed send is counted, logged
 * (first time, then rate-limited) and dropped, as keepalived logs and drops a failed sendto.
 * Time and timers come from an injected Clock (src/sys/real-clock.ts; the fake clock in tests).
 */
import type { Buffer } from 'node:buffer';
import type { Clock, TimerHandle } from '../base/clock.js';
import { type IpFamily, parseIp } from '../base/ip.js';
import { DropLog } from '../vrrp/drops.js';
import type { AnnounceEffect, Announcer } from '../vrrp/ports.js';
import { gratuitousArpFrame, unsolicitedNaFrame } from './announce-frames.js';
import { AnnounceQueue, type Taken } from './announcer-queue.js';

/** What the announcer needs to know about the interface an address is announced on. */
export interface AnnounceInterface {
  /** Where the frames go out (for a VIP on a VMAC, the VMAC interface). */
  readonly ifindex: number;
  /** That interface's MAC: Ethernet source, ARP sender and NA target link-layer address. */
  readonly mac: Uint8Array;
  /** For log lines; the ifindex is shown when absent. */
  readonly name?: string;
  /** keepalived throttles per base interface (a VMAC's parent); default `ifindex`. */
  readonly throttleIfindex?: number;
  /** net.ipv6.conf.IF.forwarding, which keepalived turns into the NA Router flag. */
  readonly ipv6Router?: boolean;
  /** IFF_NOARP: keepalived sends neither GARPs nor NAs there. */
  readonly noArp?: boolean;
  /** garp_group's garp_interval / gna_interval for this interface, overriding the global ones. */
  readonly garpIntervalUs?: number;
  readonly gnaIntervalUs?: number;
}

/** Undefined when the interface is unknown (gone, or never resolved). */
export type InterfaceResolver = (instance: string, address: string) => AnnounceInterface | undefined;

export type AnnounceErrorReason = 'bad-address' | 'no-interface' | 'build-failed' | 'send-failed';

export interface AnnouncerOptions {
  /** Time and the one timer the announcer keeps; a timer that fires early only costs a re-check. */
  readonly clock: Clock;
  /** Puts one whole Ethernet frame on `ifindex`; may throw (it is caught, counted and logged). */
  readonly send: (ifindex: number, frame: Buffer) => void;
  readonly interfaceFor: InterfaceResolver;
  /** Global vrrp_garp_interval in µs; 0 (keepalived's default) sends a burst back to back. */
  readonly garpIntervalUs?: number;
  /** Global vrrp_gna_interval in µs; 0 by default. */
  readonly gnaIntervalUs?: number;
  /** `detail` lines are the ones keepalived logs only with -D. */
  readonly log?: (text: string, detail: boolean) => void;
  /** Frames sent in one synchronous turn before yielding to the event loop. Default 64. */
  readonly maxFramesPerTurn?: number;
  /** Least time between two log lines of one error reason. Default 60 s. */
  readonly errorLogIntervalUs?: number;
}

export interface AnnouncerStats {
  readonly garpSent: number;
  readonly naSent: number;
  /** Frames queued, waiting for their interval. */
  readonly pending: number;
  readonly errors: ReadonlyMap<AnnounceErrorReason, number>;
}

interface Pending {
  readonly instance: string;
  readonly family: IpFamily;
  readonly address: string;
  readonly ifindex: number;
  readonly ifname: string;
  readonly frame: Buffer;
}

interface Prepared {
  readonly lane: string;
  readonly intervalUs: number;
  readonly pending: Pending;
}

const KIND_PLURAL = { 4: 'gratuitous ARPs', 6: 'Unsolicited Neighbour Adverts' } as const;
const KIND_ONE = { 4: 'gratuitous ARP', 6: 'unsolicited Neighbour Advert' } as const;

export class PacketAnnouncer implements Announcer {
  readonly #clock: Clock;
  readonly #send: (ifindex: number, frame: Buffer) => void;
  readonly #interfaceFor: InterfaceResolver;
  readonly #garpIntervalUs: number;
  readonly #gnaIntervalUs: number;
  readonly #log: (text: string, detail: boolean) => void;
  readonly #maxPerTurn: number;
  readonly #errors: DropLog<AnnounceErrorReason>;
  readonly #queue = new AnnounceQueue<Pending>();
  #armed: { readonly handle: TimerHandle; readonly atUs: number } | undefined;
  #pumping = false;
  #closed = false;
  #garpSent = 0;
  #naSent = 0;

  constructor(opts: AnnouncerOptions) {
    this.#clock = opts.clock;
    this.#send = opts.send;
    this.#interfaceFor = opts.interfaceFor;
    this.#garpIntervalUs = opts.garpIntervalUs ?? 0;
    this.#gnaIntervalUs = opts.gnaIntervalUs ?? 0;
    this.#log = opts.log ?? (() => {});
    this.#maxPerTurn = Math.max(1, opts.maxFramesPerTurn ?? 64);
    this.#errors = new DropLog<AnnounceErrorReason>(
      opts.errorLogIntervalUs === undefined ? {} : { intervalUs: opts.errorLogIntervalUs },
    );
  }

  announce(instance: string, effect: AnnounceEffect): void {
    if (this.#closed) return;
    const prepared: Prepared[] = [];
    for (const address of effect.addresses) {
      const p = this.#prepare(instance, address);
      if (p === undefined) continue;
      prepared.push(p);
      const { family, ifname } = p.pending;
      this.#log(
        `(${instance}) Sending/queueing ${KIND_PLURAL[family]} on ${ifname} for ${p.pending.address}`,
        true,
      );
    }
    for (let round = 0; round < effect.repeat; round++) {
      for (const p of prepared) this.#queue.push(p.lane, p.intervalUs, p.pending);
    }
    this.#pump();
  }

  /**
   * Forgets `instance`'s queued frames, as keepalived does when an instance leaves MASTER
   * (vrrp_remove_delayed_arp): announcing addresses we no longer hold would pull traffic back.
   * Returns how many were dropped.
   */
  cancel(instance: string): number {
    const n = this.#queue.drop((p) => p.instance === instance);
    this.#arm();
    return n;
  }

  /** Drops everything queued and stops the timer; later announcements are ignored. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#queue.drop(() => true);
    this.#disarm();
  }

  stats(): AnnouncerStats {
    return {
      garpSent: this.#garpSent,
      naSent: this.#naSent,
      pending: this.#queue.size,
      errors: this.#errors.counts(),
    };
  }

  #prepare(instance: string, text: string): Prepared | undefined {
    // VIPs are configured as `addr/len`; the port promises plain addresses, but be lenient.
    const address = text.split('/')[0] ?? text;
    const ip = parseIp(address);
    if (!ip.ok) {
      this.#error('bad-address', `(${instance}) cannot announce "${text}": not an IP address`);
      return undefined;
    }
    const family = ip.value.family;
    let ifc: AnnounceInterface | undefined;
    try {
      ifc = this.#interfaceFor(instance, address);
    } catch (e: unknown) {
      this.#error('no-interface', `(${instance}) no interface for ${address}: ${message(e)}`);
      return undefined;
    }
    if (ifc === undefined) {
      this.#error(
        'no-interface',
        `(${instance}) no interface for ${address}: not sending ${KIND_PLURAL[family]}`,
      );
      return undefined;
    }
    if (ifc.noArp === true) return undefined;
    const ifname = ifc.name ?? `ifindex ${ifc.ifindex}`;
    let frame: Buffer;
    try {
      // keepalived sends the NA from the VIP itself (vrrp_ndisc.c), as the kernel does for its own.
      frame =
        family === 4
          ? gratuitousArpFrame(ifc.mac, address)
          : unsolicitedNaFrame(ifc.mac, address, address, { router: ifc.ipv6Router === true });
    } catch (e: unknown) {
      this.#error(
        'build-failed',
        `(${instance}) cannot build ${KIND_ONE[family]} on ${ifname} for ${address}: ${message(e)}`,
      );
      return undefined;
    }
    const intervalUs =
      family === 4
        ? (ifc.garpIntervalUs ?? this.#garpIntervalUs)
        : (ifc.gnaIntervalUs ?? this.#gnaIntervalUs);
    return {
      lane: `${ifc.throttleIfindex ?? ifc.ifindex}/${family}`,
      intervalUs,
      pending: { instance, family, address, ifindex: ifc.ifindex, ifname, frame },
    };
  }

  /** Sends what is due, at most maxFramesPerTurn, then arms the timer for the rest. */
  #pump(): void {
    if (this.#pumping) return; // a send that announces again: the running loop picks it up
    this.#pumping = true;
    try {
      for (let n = 0; n < this.#maxPerTurn; n++) {
        const taken = this.#queue.takeNext(this.#clock.nowUs());
        if (taken === undefined) break;
        this.#sendOne(taken);
      }
    } finally {
      this.#pumping = false;
    }
    this.#arm();
  }

  #sendOne({ lane, payload: p }: Taken<Pending>): void {
    this.#log(`Sending ${KIND_ONE[p.family]} on ${p.ifname} for ${p.address}`, true);
    try {
      this.#send(p.ifindex, p.frame);
      if (p.family === 4) this.#garpSent++;
      else this.#naSent++;
    } catch (e: unknown) {
      this.#error(
        'send-failed',
        `Error ${errCode(e)} (${message(e)}) sending ${KIND_ONE[p.family]} on ${p.ifname} for ${p.address}`,
      );
    }
    // keepalived restarts the gap after the sendto, failed or not.
    this.#queue.sentAt(lane, this.#clock.nowUs());
  }

  #arm(): void {
    const next = this.#queue.nextDueUs();
    if (next === undefined || this.#closed) {
      this.#disarm();
      return;
    }
    const atUs = Math.max(next, this.#clock.nowUs());
    if (this.#armed !== undefined) {
      if (this.#armed.atUs <= atUs) return; // fires first anyway and re-arms
      this.#clock.cancel(this.#armed.handle);
    }
    const handle = this.#clock.schedule(atUs, () => {
      this.#armed = undefined;
      this.#pump();
    });
    this.#armed = { handle, atUs };
  }

  #disarm(): void {
    if (this.#armed === undefined) return;
    this.#clock.cancel(this.#armed.handle);
    this.#armed = undefined;
  }

  #error(reason: AnnounceErrorReason, text: string): void {
    const line = this.#errors.record(reason, text, this.#clock.nowUs());
    if (line !== undefined) this.#log(line, false);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}
