/**
 * An in-memory Ethernet segment for VRRP instances. Each FakeNode is one instance with an
 * in-memory shell (recording VIP manager, announcer, notifier, logger); adverts travel as real
 * bytes (IPv4 header + VRRP or AH, or an IPv6 payload with its hop limit) through the real
 * codec. Loss, partitions and cut links are switches; time is a FakeClock, so a whole election
 * takes microseconds of real time.
 */
import { Buffer } from 'node:buffer';
import { parseIp } from '../base/ip.js';
import { authKeyFromPass, encodeAhPacket, VRRP_TOS } from '../vrrp/auth.js';
import type {
  AnnounceEffect,
  NotifyEffect,
  SendAdvertEffect,
  VipsEffect,
  VrrpStateName,
} from '../vrrp/fsm.js';
import { type InstanceInput, type InstanceOptions, VrrpInstance } from '../vrrp/instance.js';
import { buildIpv4Header } from '../vrrp/ipv4-header.js';
import { decodeIpv4Packet } from '../vrrp/ipv4-packet.js';
import { encodeAdvert, IPPROTO_VRRP, VRRP_GROUP_V4, VRRP_GROUP_V6, VRRP_TTL } from '../vrrp/packet.js';
import { applyEffects, type VrrpInstanceParams, type VrrpPorts } from '../vrrp/ports.js';
import { FakeClock, type TimerHandle } from './fake-clock.js';

/** What a raw socket would hand the shell. */
export type Frame =
  | { readonly kind: 'ipv4'; readonly bytes: Buffer }
  | {
      readonly kind: 'ipv6';
      readonly bytes: Buffer;
      readonly srcAddr: string;
      readonly dstAddr: string;
      readonly hopLimit: number;
    };

export interface LanOptions {
  /** One-way delay of every frame; 0 still delivers after the sender's step. */
  readonly latencyUs?: number;
  /** Random source for loss, [0, 1). Defaults to a seeded generator. */
  readonly rng?: () => number;
}

export interface NodeOptions extends InstanceOptions {
  /** TTL / hop limit this node's adverts carry (255 unless testing the check). */
  readonly ttl?: number;
}

export interface Stamped<T> {
  readonly atUs: number;
  readonly effect: T;
}

/** A small deterministic PRNG (mulberry32), so lossy runs replay. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sameAddr = (a: string, b: string): boolean => {
  const x = parseIp(a);
  const y = parseIp(b);
  return x.ok && y.ok && x.value.bytes.equals(y.value.bytes);
};

export class FakeLan {
  readonly clock: FakeClock;
  readonly nodes: FakeNode[] = [];
  readonly #latencyUs: number;
  readonly #rng: () => number;
  #loss = 0;
  #groups: Map<FakeNode, number> | undefined;
  framesSent = 0;
  framesLost = 0;

  constructor(clock: FakeClock = new FakeClock(), opts: LanOptions = {}) {
    this.clock = clock;
    this.#latencyUs = opts.latencyUs ?? 0;
    this.#rng = opts.rng ?? seededRng(1);
  }

  addNode(params: VrrpInstanceParams, opts: NodeOptions = {}): FakeNode {
    const node = new FakeNode(this, params, opts);
    this.nodes.push(node);
    return node;
  }

  /** Each frame to each receiver is lost with probability `p`. */
  setLoss(p: number): void {
    this.#loss = p;
  }

  /** Only nodes of one group hear each other; nodes in no group hear nobody. */
  partition(...groups: readonly (readonly FakeNode[])[]): void {
    this.#groups = new Map();
    groups.forEach((g, i) => {
      for (const n of g) this.#groups?.set(n, i);
    });
  }

  heal(): void {
    this.#groups = undefined;
  }

  canReach(a: FakeNode, b: FakeNode): boolean {
    if (!a.linkUp || !b.linkUp) return false;
    if (this.#groups === undefined) return true;
    const ga = this.#groups.get(a);
    return ga !== undefined && ga === this.#groups.get(b);
  }

  masters(): FakeNode[] {
    return this.nodes.filter((n) => n.state === 'MASTER');
  }

  /** Puts raw frame bytes on the wire towards `to` (default: every node), as from outside. */
  inject(frame: Frame, to: readonly FakeNode[] = this.nodes): void {
    for (const n of to)
      this.clock.schedule(this.clock.nowUs() + this.#latencyUs, () => n.receiveFrame(frame));
  }

  /** @internal the transport of `from`. */
  transmit(from: FakeNode, e: SendAdvertEffect, ttl: number): void {
    if (!from.linkUp) return;
    const p = from.params;
    const unicast = p.unicastPeers.length > 0;
    const dsts = unicast ? p.unicastPeers : [p.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6];
    for (const dst of dsts) {
      const frame = buildFrame(from, e, dst, ttl, unicast);
      this.framesSent++;
      for (const to of this.nodes) {
        if (to === from || !this.canReach(from, to)) continue;
        if (unicast && !sameAddr(to.params.srcAddr, dst)) continue;
        if (this.#loss > 0 && this.#rng() < this.#loss) {
          this.framesLost++;
          continue;
        }
        this.clock.schedule(this.clock.nowUs() + this.#latencyUs, () => {
          if (to.linkUp) to.receiveFrame(frame);
        });
      }
    }
  }
}

function buildFrame(from: FakeNode, e: SendAdvertEffect, dst: string, ttl: number, unicast: boolean): Frame {
  const p = from.params;
  const ctx = { srcAddr: p.srcAddr, dstAddr: dst };
  if (p.family === 6) return { kind: 'ipv6', bytes: encodeAdvert(e.advert, ctx), ...ctx, hopLimit: ttl };
  const ipId = from.nextIpId();
  if (e.advert.version === 2 && e.advert.authType === 'ah' && p.auth.type === 'ah') {
    const key = authKeyFromPass(p.auth.pass);
    return { kind: 'ipv4', bytes: encodeAhPacket(e.advert, { ...ctx, key, unicast, ipId, seq: ipId, ttl }) };
  }
  const payload = encodeAdvert(e.advert, ctx);
  const header = buildIpv4Header({
    tos: VRRP_TOS,
    id: ipId,
    ttl,
    protocol: IPPROTO_VRRP,
    ...ctx,
    payloadLen: payload.length,
  });
  return { kind: 'ipv4', bytes: Buffer.concat([header, payload]) };
}

export class FakeNode {
  readonly lan: FakeLan;
  readonly instance: VrrpInstance;
  readonly #ttl: number;
  /** The VIPs this node holds now. */
  readonly vips = new Set<string>();
  readonly vipChanges: Stamped<VipsEffect>[] = [];
  readonly announces: Stamped<AnnounceEffect>[] = [];
  readonly notifications: Stamped<NotifyEffect>[] = [];
  readonly sent: Stamped<SendAdvertEffect>[] = [];
  /** Every log line, detail lines included, with its time. */
  readonly logs: Stamped<string>[] = [];
  /** Link state: a cut node neither sends nor receives, but keeps running (a power cut of the wire). */
  linkUp = true;
  #timer: TimerHandle | undefined;
  #timerAtUs: number | undefined;
  #ipId = 0;
  readonly #ports: VrrpPorts;

  constructor(lan: FakeLan, params: VrrpInstanceParams, opts: NodeOptions) {
    this.lan = lan;
    this.instance = new VrrpInstance(params, opts);
    this.#ttl = opts.ttl ?? VRRP_TTL;
    const at = () => lan.clock.nowUs();
    this.#ports = {
      transport: {
        sendAdvert: (_i, e) => {
          this.sent.push({ atUs: at(), effect: e });
          lan.transmit(this, e, this.#ttl);
        },
      },
      vips: {
        addVips: (_i, e) => {
          this.vipChanges.push({ atUs: at(), effect: e });
          for (const v of [...e.vips, ...e.excludedVips]) this.vips.add(v);
        },
        delVips: (_i, e) => {
          this.vipChanges.push({ atUs: at(), effect: e });
          for (const v of [...e.vips, ...e.excludedVips]) this.vips.delete(v);
        },
      },
      announcer: { announce: (_i, e) => this.announces.push({ atUs: at(), effect: e }) },
      notifier: { notify: (_i, e) => this.notifications.push({ atUs: at(), effect: e }) },
      logger: { log: (text) => this.logs.push({ atUs: at(), effect: text }) },
    };
  }

  get params(): VrrpInstanceParams {
    return this.instance.config;
  }

  get name(): string {
    return this.instance.name;
  }

  get state(): VrrpStateName {
    return this.instance.state.runtime.state;
  }

  /** @internal */
  nextIpId(): number {
    this.#ipId = (this.#ipId % 0xffff) + 1;
    return this.#ipId;
  }

  start(): void {
    this.handle({ kind: 'start' });
  }

  stop(): void {
    this.handle({ kind: 'stop' });
  }

  setPriority(totalPriority: number): void {
    this.handle({ kind: 'priority', totalPriority });
  }

  setFault(reason: string): void {
    this.handle({ kind: 'fault-set', reason });
  }

  clearFault(reason: string): void {
    this.handle({ kind: 'fault-clear', reason });
  }

  /** Link down: nothing in or out from now on (frames already in flight to it are lost). */
  cut(): void {
    this.linkUp = false;
  }

  reconnect(): void {
    this.linkUp = true;
  }

  /** What the socket adapter does with a frame: decode, then hand the instance an input. */
  receiveFrame(frame: Frame): void {
    if (frame.kind === 'ipv6') {
      const { bytes, srcAddr, dstAddr, hopLimit } = frame;
      this.handle({ kind: 'packet', packet: { bytes, srcAddr, dstAddr, ttl: hopLimit } });
      return;
    }
    const auth = this.params.auth;
    const ah =
      auth.type === 'ah'
        ? { key: authKeyFromPass(auth.pass), unicast: this.params.unicastPeers.length > 0 }
        : undefined;
    const r = decodeIpv4Packet(frame.bytes, ah === undefined ? {} : { ah });
    if (r.ok) this.handle({ kind: 'decoded', rx: r.value });
    else this.handle({ kind: 'dropped', reason: r.reason });
  }

  logTexts(): string[] {
    return this.logs.map((l) => l.effect);
  }

  handle(input: InstanceInput): void {
    const r = this.instance.handle(input, this.lan.clock.nowUs());
    applyEffects(this.name, r.effects, this.#ports);
    this.#arm(r.deadlineUs);
  }

  #arm(deadlineUs: number | undefined): void {
    if (deadlineUs === this.#timerAtUs) return;
    this.lan.clock.cancel(this.#timer);
    this.#timer = undefined;
    this.#timerAtUs = deadlineUs;
    if (deadlineUs === undefined) return;
    this.#timer = this.lan.clock.schedule(deadlineUs, () => {
      this.#timer = undefined;
      this.#timerAtUs = undefined;
      this.handle({ kind: 'timer' });
    });
  }
}
