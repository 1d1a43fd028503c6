/**
 * NetlinkRoute: one rtnetlink socket, requests answered by Promises.
 *  - each request gets the next sequence number and is matched to its NLMSG_ERROR (ack or
 *    errno) or, for a dump, to its parts up to NLMSG_DONE;
 *  - requests go out in the order they were made (the kernel handles each inside sendmsg, so
 *    that is also the order they take effect), at most `maxInFlight` unanswered at a time, so the
 *    replies always fit the socket's receive buffer (an overrun loses acks: ENOBUFS);
 *  - one dump at a time (the kernel answers a second one with EBUSY);
 *  - an unanswered request fails after `timeoutMs`, so a lost reply never wedges the queue.
 * The socket is injectable (`open`), so tests run it against src/testing/fake-rtnetlink.ts's kernel.
 */
import type { Buffer } from 'node:buffer';
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import type { IpFamily } from '../base/ip.js';
import { rawsock } from './rawsock.js';
import { classifyMessage, NLM_F, type NlMessage, nextSeq, RTM, readU16, splitMessages } from './rtnetlink.js';
import { type AddrInfo, decodeAddr, encodeGetAddrDump } from './rtnetlink-addr.js';
import { decodeLink, encodeGetLinkDump, type LinkInfo } from './rtnetlink-link.js';
import { RTM_ROUTE } from './rtnetlink-route.js';

/** What NetlinkRoute needs of a socket: send a datagram, stop. Replies arrive via the handler. */
export interface NetlinkChannel {
  /** Throws an Error with an errno `code` when the kernel refuses the datagram. */
  send(datagram: Buffer): void;
  close(): void;
  /** The socket's netlink port id: the kernel's change notifications name it as their cause. */
  readonly portId?: number;
}
export type DatagramHandler = (err: Error | null, datagrams: readonly Buffer[]) => void;
export type OpenChannel = (onDatagrams: DatagramHandler) => NetlinkChannel;

const NETLINK_ROUTE = 0;
const SOL_NETLINK = 270;
/** Acks without a copy of the request: smaller replies, more of them fit the buffer. */
const NETLINK_CAP_ACK = 10;
/** Errors with the kernel's explanation ("prefix length is invalid"). */
const NETLINK_EXT_ACK = 11;

/** A NETLINK_ROUTE socket through the native addon, in the caller's network namespace. */
export const openRouteSocket: OpenChannel = (onDatagrams) => {
  const s = rawsock();
  const fd = s.netlinkOpen(NETLINK_ROUTE);
  try {
    const portId = s.netlinkBind(fd, 0);
    for (const option of [NETLINK_CAP_ACK, NETLINK_EXT_ACK]) {
      try {
        s.netlinkSetOption(fd, SOL_NETLINK, option, 1);
      } catch {
        // Kernels before 4.3 / 4.12: plain acks, which the decoder reads as well.
      }
    }
    const stop = s.netlinkStartReceive(fd, onDatagrams);
    let open = true;
    return {
      portId,
      send: (datagram) => {
        s.netlinkSend(fd, datagram);
      },
      close: () => {
        if (!open) return;
        open = false;
        stop();
        s.close(fd);
      },
    };
  } catch (e) {
    s.close(fd);
    throw e;
  }
};

export type NetlinkErrorCode =
  | 'ERR_NETLINK_TIMEOUT'
  | 'ERR_NETLINK_CLOSED'
  | 'ERR_NETLINK_SEND'
  | 'ERR_NETLINK_DUMP';

export class NetlinkError extends Error {
  constructor(
    readonly code: NetlinkErrorCode,
    message: string,
    /** The kernel's errno for ERR_NETLINK_SEND / ERR_NETLINK_DUMP, when it gave one. */
    readonly errno?: number,
  ) {
    super(message);
    this.name = 'NetlinkError';
  }
}

/** The kernel's answer to a request: errno 0 is an ack. */
export interface NetlinkAck {
  readonly seq: number;
  readonly errno: number;
  readonly extAck?: string;
}

export interface NetlinkDump {
  readonly seq: number;
  readonly messages: readonly NlMessage[];
  /** NLM_F_DUMP_INTR: the table changed during the dump; its contents may be inconsistent. */
  readonly interrupted: boolean;
}

export interface NetlinkRouteOptions {
  readonly open?: OpenChannel;
  /** How long a request (or a dump between two parts) may wait for the kernel. Default 5 s. */
  readonly timeoutMs?: number;
  /** Requests sent and not yet answered, at most. Default 64. */
  readonly maxInFlight?: number;
  /** Socket trouble, in keepalived's words ("Netlink: Receive buffer overrun..."). */
  readonly log?: (text: string) => void;
  /** The first sequence number; keepalived starts from the time, so does the default. */
  readonly firstSeq?: number;
}

interface Job {
  readonly dump: boolean;
  readonly build: (seq: number) => Buffer;
  readonly settle: (r: { ok: true; value: NetlinkAck | NetlinkDump } | { ok: false; error: Error }) => void;
  seq: number;
  type: number;
  timer?: NodeJS.Timeout;
  parts: NlMessage[];
  interrupted: boolean;
}

/** How often a dump is repeated when the kernel says it was interrupted by a change. */
const DUMP_TRIES = 3;

export class NetlinkRoute {
  readonly #channel: NetlinkChannel;
  readonly #timeoutMs: number;
  readonly #maxInFlight: number;
  readonly #log: (text: string) => void;
  readonly #queue: Job[] = [];
  readonly #inFlight = new Map<number, Job>();
  #seq: number;
  #dumping = false;
  #closed = false;

  constructor(opts: NetlinkRouteOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#maxInFlight = Math.max(1, opts.maxInFlight ?? 64);
    this.#log = opts.log ?? (() => {});
    this.#seq = (opts.firstSeq ?? Math.floor(Date.now() / 1000)) >>> 0;
    this.#channel = (opts.open ?? openRouteSocket)((e, datagrams) => this.#receive(e, datagrams));
  }

  /**
   * The socket's port id, undefined for a channel that has none (tests): notifications the
   * kernel sends for changes requested here carry it (keepalived skips those, so do we).
   */
  get portId(): number | undefined {
    return this.#channel.portId;
  }

  /** Requests waiting or unanswered. */
  get pending(): number {
    return this.#queue.length + this.#inFlight.size;
  }

  /**
   * Sends what `build` makes for its sequence number (it must ask for NLM_F_ACK) and resolves
   * with the kernel's answer; rejects only with a NetlinkError (timeout, closed, send failed).
   */
  request(build: (seq: number) => Buffer): Promise<NetlinkAck> {
    return this.#enqueue(false, build) as Promise<NetlinkAck>;
  }

  /** Sends a dump request and resolves with its data messages; a kernel error rejects. */
  dump(build: (seq: number) => Buffer): Promise<NetlinkDump> {
    return this.#enqueue(true, build) as Promise<NetlinkDump>;
  }

  /** Every address of `family` (0 = both), repeated while the kernel says the dump was torn. */
  async listAddresses(family: 0 | IpFamily = 0): Promise<AddrInfo[]> {
    return this.#decodedDump((seq) => encodeGetAddrDump(seq, family), decodeAddr);
  }

  async listLinks(): Promise<LinkInfo[]> {
    return this.#decodedDump(encodeGetLinkDump, decodeLink);
  }

  /** Fails whatever is waiting with ERR_NETLINK_CLOSED and closes the socket. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const jobs = [...this.#inFlight.values(), ...this.#queue.splice(0)];
    this.#inFlight.clear();
    for (const job of jobs) {
      clearTimeout(job.timer);
      job.settle({ ok: false, error: new NetlinkError('ERR_NETLINK_CLOSED', 'netlink socket closed') });
    }
    this.#channel.close();
  }

  async #decodedDump<T>(
    build: (seq: number) => Buffer,
    decode: (m: NlMessage) => { ok: true; value: T } | { ok: false; reason: string },
  ): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      const d = await this.dump(build);
      if (d.interrupted && attempt < DUMP_TRIES) continue;
      const out: T[] = [];
      for (const m of d.messages) {
        const r = decode(m);
        if (r.ok) out.push(r.value);
      }
      return out;
    }
  }

  #enqueue(dump: boolean, build: (seq: number) => Buffer): Promise<NetlinkAck | NetlinkDump> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new NetlinkError('ERR_NETLINK_CLOSED', 'netlink socket closed'));
        return;
      }
      const settle: Job['settle'] = (r) => (r.ok ? resolve(r.value) : reject(r.error));
      this.#queue.push({ dump, build, settle, seq: 0, type: 0, parts: [], interrupted: false });
      this.#pump();
    });
  }

  /** Sends queued jobs in order while the window has room; a dump waits for the one before it. */
  #pump(): void {
    while (!this.#closed && this.#inFlight.size < this.#maxInFlight) {
      const job = this.#queue[0];
      if (job === undefined || (job.dump && this.#dumping)) return;
      this.#queue.shift();
      this.#seq = nextSeq(this.#seq);
      job.seq = this.#seq;
      let bytes: Buffer;
      try {
        bytes = job.build(job.seq);
      } catch (e) {
        // An encoder's programming error fails its own request, not the queue behind it.
        job.settle({ ok: false, error: e instanceof Error ? e : new Error(String(e)) });
        continue;
      }
      job.type = bytes.length >= 6 ? readU16(bytes, 4) : 0;
      try {
        this.#channel.send(bytes);
      } catch (e) {
        const errno = errnoOf(e);
        const text = `Netlink: sendmsg cmd ${rtmName(job.type)} error: ${e instanceof Error ? e.message : String(e)}`;
        job.settle({ ok: false, error: new NetlinkError('ERR_NETLINK_SEND', text, errno) });
        continue;
      }
      if (job.dump) this.#dumping = true;
      this.#inFlight.set(job.seq, job);
      this.#arm(job);
    }
  }

  #arm(job: Job): void {
    clearTimeout(job.timer);
    job.timer = setTimeout(() => {
      if (this.#inFlight.get(job.seq) !== job) return;
      const text = `Netlink: no answer to ${rtmName(job.type)} seq=${job.seq} within ${this.#timeoutMs} ms`;
      this.#finish(job, { ok: false, error: new NetlinkError('ERR_NETLINK_TIMEOUT', text) });
    }, this.#timeoutMs);
  }

  #finish(job: Job, r: Parameters<Job['settle']>[0]): void {
    clearTimeout(job.timer);
    this.#inFlight.delete(job.seq);
    if (job.dump) this.#dumping = false;
    job.settle(r);
    this.#pump();
  }

  #receive(e: Error | null, datagrams: readonly Buffer[]): void {
    if (e) {
      const errno = errnoOf(e);
      this.#log(
        errno === osConstants.errno.ENOBUFS
          ? 'Netlink: Receive buffer overrun on cmd socket - (No buffer space available)'
          : `Netlink: recvmsg error on cmd socket - ${errno ?? 0} (${e.message})`,
      );
    }
    for (const d of datagrams) {
      const { messages, malformed } = splitMessages(d);
      for (const m of messages) this.#dispatch(m);
      if (malformed) this.#log(`Netlink: error: ${malformed}`);
    }
  }

  #dispatch(m: NlMessage): void {
    const job = this.#inFlight.get(m.seq);
    // A late reply to a request that timed out, or a message for someone else: nothing waits.
    if (job === undefined) return;
    const r = classifyMessage(m);
    if (!r.ok) {
      this.#log(`Netlink: error: ${r.reason}, seq=${m.seq}`);
      return;
    }
    const reply = r.value;
    if ((m.flags & NLM_F.dumpIntr) !== 0) job.interrupted = true;
    switch (reply.kind) {
      case 'ack':
        if (job.dump) return; // an ack inside a dump (NLM_F_ACK on a dump): the parts go on
        this.#finish(job, { ok: true, value: { seq: job.seq, errno: 0 } });
        return;
      case 'error': {
        const ack = {
          seq: job.seq,
          errno: reply.errno,
          ...(reply.extAck !== undefined && { extAck: reply.extAck }),
        };
        if (!job.dump) {
          this.#finish(job, { ok: true, value: ack });
          return;
        }
        const text = `Netlink: error: ${errnoText(reply.errno)}(${reply.errno}), type=${rtmName(job.type)}, seq=${job.seq}`;
        this.#finish(job, { ok: false, error: new NetlinkError('ERR_NETLINK_DUMP', text, reply.errno) });
        return;
      }
      case 'done': {
        if (reply.errno !== 0) {
          const text = `Netlink: dump ${rtmName(job.type)} failed: ${errnoText(reply.errno)}(${reply.errno})`;
          this.#finish(job, { ok: false, error: new NetlinkError('ERR_NETLINK_DUMP', text, reply.errno) });
          return;
        }
        const value = {
          seq: job.seq,
          messages: job.parts,
          interrupted: job.interrupted || reply.interrupted,
        };
        this.#finish(job, { ok: true, value });
        return;
      }
      case 'data':
        if (!job.dump) return; // NLM_F_ECHO copies: not asked for, not kept
        job.parts.push(reply.message);
        this.#arm(job); // a long dump is alive as long as parts keep coming
        return;
      case 'ignore':
        return;
    }
  }
}

function errnoOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return (osConstants.errno as Record<string, number | undefined>)[code];
}

/** keepalived's names for the message types it reports ("type=RTM_NEWADDR(20)"). */
export function rtmName(type: number): string {
  const names: Record<number, string> = {
    [RTM.newLink]: 'RTM_NEWLINK',
    [RTM.delLink]: 'RTM_DELLINK',
    [RTM.getLink]: 'RTM_GETLINK',
    [RTM.newAddr]: 'RTM_NEWADDR',
    [RTM.delAddr]: 'RTM_DELADDR',
    [RTM.getAddr]: 'RTM_GETADDR',
    [RTM_ROUTE.newRoute]: 'RTM_NEWROUTE',
    [RTM_ROUTE.delRoute]: 'RTM_DELROUTE',
    [RTM_ROUTE.newRule]: 'RTM_NEWRULE',
    [RTM_ROUTE.delRule]: 'RTM_DELRULE',
  };
  return `${names[type] ?? ''}(${type})`;
}

/** glibc's strerror text for the errors rtnetlink gives, so log lines read as keepalived's. */
const STRERROR: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  ERANGE: 'Numerical result out of range',
  EMSGSIZE: 'Message too long',
  EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENOBUFS: 'No buffer space available',
  ETIMEDOUT: 'Connection timed out',
};

/** The errno's name (`EEXIST`), or undefined for a number this platform does not name. */
export function errnoName(errno: number): string | undefined {
  for (const [name, n] of Object.entries(osConstants.errno)) if (n === errno) return name;
  return undefined;
}

/** strerror(errno) as glibc words it. */
export function errnoText(errno: number): string {
  const name = errnoName(errno);
  const known = name === undefined ? undefined : STRERROR[name];
  return known ?? getSystemErrorMap().get(-errno)?.[1] ?? `Unknown error ${errno}`;
}
