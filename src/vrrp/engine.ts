/**
 * All VRRP instances of one daemon, pure: the shell hands it raw packets as sockets deliver
 * them, timer expiries and tracker changes, each with the time; it routes each to the instance
 * it concerns (keepalived's vrrp_dispatcher_read: by interface, family and VRID), runs it, and
 * returns the effects per instance plus the earliest deadline of all. It performs nothing.
 */
import { AH_LEN, type AhKeyContext, authKeyFromPass } from './auth.js';
import { DropLog } from './drops.js';
import { type InstanceInput, type InstanceOptions, VrrpInstance } from './instance.js';
import { IPPROTO_AH, parseIpv4Header } from './ipv4-header.js';
import { decodeIpv4Packet } from './ipv4-packet.js';
import { IPPROTO_VRRP } from './packet.js';
import type { VrrpEffect, VrrpInstanceParams } from './ports.js';
import type { VipDelta } from './reconfigure.js';
import { type SyncGroupSpec, SyncGroups } from './sync-group.js';

/** What a raw socket delivered: IPv4 with its IP header, IPv6 the VRRP payload alone. */
export interface RawRx {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  readonly srcAddr: string;
  readonly dstAddr: string;
  /** TTL / hop limit; -1 or undefined when unknown. */
  readonly ttl?: number;
  readonly ifindex: number;
}

/** One instance and the interface it runs on (its receive socket's ifindex). */
export interface EngineInstanceSpec {
  readonly params: VrrpInstanceParams;
  readonly ifindex: number;
}

export interface InstanceEffects {
  readonly instance: string;
  readonly effects: readonly VrrpEffect[];
}

/** Packets no instance claims, counted per reason (keepalived logs them as unknown VRIDs). */
export type EngineDropReason = 'unknown-vrid' | 'undecodable';

export type EngineEvent =
  | { readonly kind: 'start' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'priority'; readonly totalPriority: number }
  | { readonly kind: 'fault-set'; readonly reason: string }
  | { readonly kind: 'fault-clear'; readonly reason: string }
  /** A master's VIP, virtual route or rule was deleted by someone else (fsm.ts 'released'). */
  | { readonly kind: 'released' };

/** Offset of the VRID in a VRRP header (RFC 3768 §5.3, RFC 5798 §5.2). */
const VRID_OFFSET = 1;

const routeKey = (family: number, ifindex: number, vrid: number): string => `${family}/${ifindex}/${vrid}`;

export class VrrpEngine {
  readonly #instances = new Map<string, VrrpInstance>();
  readonly #byRoute = new Map<string, VrrpInstance>();
  readonly #drops = new DropLog<EngineDropReason>();
  /** Per AH instance, what decodeIpv4Packet verifies with: derived once from the config. */
  readonly #ahKeys = new Map<VrrpInstance, AhKeyContext>();

  readonly #opts: InstanceOptions;
  readonly #sync: SyncGroups;
  /** When each instance's deadline last moved, as a sequence number (see expire). */
  readonly #arming = new Map<VrrpInstance, { deadlineUs: number | undefined; seq: number }>();
  #armSeq = 0;

  constructor(
    specs: readonly EngineInstanceSpec[],
    opts: InstanceOptions = {},
    syncGroups: readonly SyncGroupSpec[] = [],
  ) {
    this.#opts = opts;
    for (const spec of specs) this.add(spec);
    this.#sync = new SyncGroups(syncGroups, (n) => this.#instances.get(n));
  }

  /** Reload: the new config's sync groups (call after adding and removing instances). */
  setSyncGroups(specs: readonly SyncGroupSpec[]): InstanceEffects[] {
    return this.#sync.replace(specs, (n) => this.#instances.get(n));
  }

  /** The state of a sync group, undefined when there is no such group. */
  syncGroupState(name: string): string | undefined {
    return this.#sync.groupState(name);
  }

  /** A new instance, stopped (send it 'start'); also how a reload adds one. */
  add({ params, ifindex }: EngineInstanceSpec): void {
    if (this.#instances.has(params.name)) throw new RangeError(`duplicate instance ${params.name}`);
    const key = routeKey(params.family, ifindex, params.vrid);
    if (this.#byRoute.has(key)) {
      throw new RangeError(`VRID ${params.vrid} used twice on interface index ${ifindex}`);
    }
    const instance = new VrrpInstance(params, this.#opts);
    this.#instances.set(params.name, instance);
    this.#byRoute.set(key, instance);
    this.#setAhKey(instance);
  }

  /** Reload deleting an instance: its goodbye effects; it no longer receives anything. */
  remove(name: string, notifyDeleted: boolean, nowUs: number): InstanceEffects[] {
    const instance = this.#instances.get(name);
    if (instance === undefined) return [];
    const { effects } = instance.retire(notifyDeleted, nowUs);
    this.#instances.delete(name);
    for (const [key, i] of this.#byRoute) if (i === instance) this.#byRoute.delete(key);
    this.#ahKeys.delete(instance);
    this.#arming.delete(instance);
    return [{ instance: name, effects }];
  }

  /** Reload keeping an instance (same name, VRID, family, interface): new settings, same state. */
  reconfigure(params: VrrpInstanceParams, delta: VipDelta, nowUs: number): InstanceEffects[] {
    const instance = this.#instances.get(params.name);
    if (instance === undefined) return [];
    const { effects } = instance.reconfigure(params, delta, nowUs);
    this.#setAhKey(instance);
    return [{ instance: params.name, effects }];
  }

  #setAhKey(instance: VrrpInstance): void {
    const params = instance.config;
    if (params.auth.type !== 'ah') this.#ahKeys.delete(instance);
    else
      this.#ahKeys.set(instance, {
        key: authKeyFromPass(params.auth.pass),
        unicast: params.unicastPeers.length > 0,
      });
  }

  instance(name: string): VrrpInstance | undefined {
    return this.#instances.get(name);
  }

  get instances(): readonly VrrpInstance[] {
    return [...this.#instances.values()];
  }

  dropCount(reason: EngineDropReason): number {
    return this.#drops.count(reason);
  }

  /** An admin or tracker event for one instance, or for all when `name` is undefined. */
  event(name: string | undefined, event: EngineEvent, nowUs: number): InstanceEffects[] {
    // Start and stop of everything go in keepalived's order of instance and group notifies.
    if (name === undefined && event.kind === 'start')
      return this.#armed(this.#sync.start(this.instances, nowUs));
    if (name === undefined && event.kind === 'stop')
      return this.#armed(this.#sync.stop(this.instances, nowUs));
    const targets = name === undefined ? this.instances : [this.#instances.get(name)].filter((i) => i);
    return targets.flatMap((i) => this.#run(i as VrrpInstance, event, nowUs));
  }

  /**
   * Runs every instance whose deadline has come: earliest first, and of equal deadlines the one
   * armed first, as keepalived's timer tree orders them (which member of a sync group times out
   * first, and is held, decides the order of the members' notifies).
   */
  expire(nowUs: number): InstanceEffects[] {
    const due = [...this.#instances.values()].filter(
      (i) => i.deadlineUs !== undefined && i.deadlineUs <= nowUs,
    );
    due.sort((a, b) => (a.deadlineUs ?? 0) - (b.deadlineUs ?? 0) || this.#seqOf(a) - this.#seqOf(b));
    const out: InstanceEffects[] = [];
    for (const i of due) {
      if (i.deadlineUs !== undefined && i.deadlineUs <= nowUs)
        out.push(...this.#run(i, { kind: 'timer' }, nowUs));
    }
    return out;
  }

  #seqOf(i: VrrpInstance): number {
    return this.#arming.get(i)?.seq ?? 0;
  }

  /** Records, in step order, which instances' deadlines a step moved. */
  #armed(results: InstanceEffects[]): InstanceEffects[] {
    for (const { instance } of results) {
      const i = this.#instances.get(instance);
      if (i === undefined) continue;
      const last = this.#arming.get(i);
      if (last?.deadlineUs !== i.deadlineUs)
        this.#arming.set(i, { deadlineUs: i.deadlineUs, seq: ++this.#armSeq });
    }
    return results;
  }

  /** The earliest deadline of all instances. */
  nextDeadlineUs(): number | undefined {
    let d: number | undefined;
    for (const i of this.#instances.values()) {
      const t = i.deadlineUs;
      if (t !== undefined && (d === undefined || t < d)) d = t;
    }
    return d;
  }

  /** A packet from a socket. Never throws; unclaimed packets are counted and logged. */
  receive(rx: RawRx, nowUs: number): InstanceEffects[] {
    const vrid = rx.family === 4 ? ipv4Vrid(rx.bytes) : rx.bytes[VRID_OFFSET];
    if (vrid === undefined)
      return this.#engineDrop('undecodable', `Received a malformed VRRP packet from ${rx.srcAddr}`, nowUs);
    const instance = this.#byRoute.get(routeKey(rx.family, rx.ifindex, vrid));
    if (instance === undefined) {
      return this.#engineDrop(
        'unknown-vrid',
        `Unknown VRID(${vrid}) received on interface index ${rx.ifindex} from ${rx.srcAddr}. ignoring...`,
        nowUs,
      );
    }
    const ttl = rx.ttl === undefined || rx.ttl < 0 ? undefined : rx.ttl;
    const meta = {
      srcAddr: rx.srcAddr,
      dstAddr: rx.dstAddr,
      ifindex: rx.ifindex,
      ...(ttl === undefined ? {} : { ttl }),
    };
    if (rx.family === 6) {
      return this.#run(instance, { kind: 'packet', packet: { ...meta, bytes: rx.bytes } }, nowUs);
    }
    const ah = this.#ahKeys.get(instance);
    const r = decodeIpv4Packet(rx.bytes, ah === undefined ? {} : { ah });
    const input: InstanceInput = r.ok
      ? {
          kind: 'decoded',
          rx: { ...meta, advert: r.value.advert, ...(r.value.ah ? { ah: r.value.ah } : {}) },
        }
      : { kind: 'dropped', reason: r.reason, srcAddr: rx.srcAddr };
    return this.#run(instance, input, nowUs);
  }

  /** An instance's step; a sync group member's goes through its group (sync-group.ts). */
  #run(instance: VrrpInstance, input: InstanceInput, nowUs: number): InstanceEffects[] {
    return this.#armed(this.#sync.run(instance, input, nowUs));
  }

  #engineDrop(reason: EngineDropReason, text: string, nowUs: number): InstanceEffects[] {
    const line = this.#drops.record(reason, text, nowUs);
    return line === undefined ? [] : [{ instance: '', effects: [{ kind: 'log', text: line }] }];
  }
}

/** The VRID of an IPv4 VRRP or AH+VRRP packet, undefined when the packet is too broken to tell. */
function ipv4Vrid(bytes: Uint8Array): number | undefined {
  const h = parseIpv4Header(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (!h.ok) return undefined;
  const { headerLen, protocol } = h.value;
  if (protocol === IPPROTO_VRRP) return bytes[headerLen + VRID_OFFSET];
  if (protocol === IPPROTO_AH) return bytes[headerLen + AH_LEN + VRID_OFFSET];
  return undefined;
}
