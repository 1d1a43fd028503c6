/**
 * NetlinkRoute: one rtnetlink socket, requests answered by Promises.
 *  - each request gets the next sequence number and is matched to its NLMSG_ERROR (ack or
 *    errno) or, for a dump, to its parts up to NLMSG_DONE;
 *  - requests go out in the order they were made (the kernel handles each inside sendmsg, so
 *    that is also the order they take effect), at most `maxInFlight` unanswered at a time, so the
 *    replies always fit the socket's receive buffer (an overrun loses acks: ENOBUFS);
 *  - one dump at a time (the kernel answers a second one with EBUSY);
 *  - an unanswered request fails after `timeoutMs`, so a lost reply never wedges the queue;
 *  - requestBatch() sends many requests in few datagrams (the kernel handles every message of
 *    a datagram in one sendmsg and acks each), with one Promise and no per-message objects:
 *    1,000 VIPs cost a handful of system calls instead of 1,000, and little garbage.
 * The socket is injectable (`open`), so tests run it against src/testing/fake-rtnetlink.ts's kernel.
 */
import type { Buffer } from 'node:buffer';
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import type { IpFamily } from '../base/ip.js';
import { rawsock } from './rawsock.js';
import {
  align4,
  classifyMessage,
  NLM_F,
  NLMSG,
  NLMSG_HDRLEN,
  type NlMessage,
  nextSeq,
  RTM,
  readI32,
  readU16,
  readU32,
  splitMessages,
  writeU32,
} from './rtnetlink.js';
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
  /** How many answers the socket can hold unread; NetlinkRoute's default window. */
  readonly window?: number;
}
export type DatagramHandler = (err: Error | null, datagrams: readonly Buffer[]) => void;
export type OpenChannel = (onDatagrams: DatagramHandler) => NetlinkChannel;

const NETLINK_ROUTE = 0;
const SOL_NETLINK = 270;
/** Acks without a copy of the request: smaller replies, more of them fit the buffer. */
const NETLINK_CAP_ACK = 10;
/** Errors with the kernel's explanation ("prefix length is invalid"). */
const NETLINK_EXT_ACK = 11;
const SOL_SOCKET = 1;
/** SO_RCVBUF past net.core.rmem_max; needs CAP_NET_ADMIN, which the daemon has. */
const SO_RCVBUFFORCE = 33;
/**
 * The receive buffer asked for: every ack of a window must fit, or the kernel drops the rest
 * (ENOBUFS). An ack costs ~1 KiB of buffer (its sk_buff), and the kernel doubles the figure.
 */
const RCVBUF_BYTES = 2 << 20;
/** Requests unanswered at a time with that buffer, and without it (the default 208 KiB). */
const WINDOW_LARGE = 1024;
const WINDOW_SMALL = 64;

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
    let window = WINDOW_SMALL;
    try {
      s.netlinkSetOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF_BYTES);
      window = WINDOW_LARGE;
    } catch {
      // Without CAP_NET_ADMIN: the default buffer, and a window that fits it.
    }
    const stop = s.netlinkStartReceive(fd, onDatagrams);
    let open = true;
    return {
      portId,
      window,
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
  /** Requests sent and not yet answered, at most. Default: what the socket's buffer holds. */
  readonly maxInFlight?: number;
  /** Socket trouble, in keepalived's words ("Netlink: Receive buffer overrun..."). */
  readonly log?: (text: string) => void;
  /** The first sequence number; keepalived starts from the time, so does the default. */
  readonly firstSeq?: number;
}

/**
 * The kernel's answers to requestBatch(), by message index. Every message ends in exactly one of:
 * errno 0 (ack), a positive errno (the kernel refused it; `extAcks` may say why), or -1 with an
 * entry in `errors` (no answer: the send failed, it timed out, or the route was closed).
 */
export interface NetlinkBatchResult {
  readonly errnos: Int32Array;
  /** The sequence number each message went with (0 if never sent), for log lines. */
  readonly seqs: Uint32Array;
  readonly extAcks: ReadonlyMap<number, string>;
  readonly errors: ReadonlyMap<number, NetlinkError>;
}

/** errnos[] of a message not answered yet. */
const PENDING = -2;

/** The most bytes in one datagram of a batch (the kernel takes up to its send buffer). */
const BATCH_DATAGRAM_BYTES = 64 * 1024;

interface BatchJob {
  readonly batch: true;
  readonly bytes: Buffer;
  /** Where each message starts, and the end: n + 1 entries. */
  readonly offsets: Uint32Array;
  readonly n: number;
  readonly errnos: Int32Array;
  readonly seqs: Uint32Array;
  readonly extAcks: Map<number, string>;
  readonly errors: Map<number, NetlinkError>;
  readonly resolve: (r: NetlinkBatchResult) => void;
  /** Messages sent so far, and answered (or failed) so far. */
  sent: number;
  done: number;
  timer?: NodeJS.Timeout;
}

interface Job {
  readonly batch?: false;
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
  readonly #queue: (Job | BatchJob)[] = [];
  /** By sequence number; a batch is there once per message sent and unanswered. */
  readonly #inFlight = new Map<number, Job | BatchJob>();
  #seq: number;
  #dumping = false;
  #closed = false;

  constructor(opts: NetlinkRouteOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#log = opts.log ?? (() => {});
    this.#seq = (opts.firstSeq ?? Math.floor(Date.now() / 1000)) >>> 0;
    this.#channel = (opts.open ?? openRouteSocket)((e, datagrams) => this.#receive(e, datagrams));
    this.#maxInFlight = Math.max(1, opts.maxInFlight ?? this.#channel.window ?? WINDOW_SMALL);
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

  /**
   * Sends the requests in `messages` (whole netlink messages one after the other, each asking
   * for NLM_F_ACK) in as few datagrams as the window allows, in order, and resolves with every
   * answer; never rejects. The route writes each message's sequence number into `messages` as
   * it sends it, so one encoded batch can be sent again and again without copying.
   */
  requestBatch(messages: Buffer): Promise<NetlinkBatchResult> {
    const starts: number[] = [];
    let off = 0;
    while (off + NLMSG_HDRLEN <= messages.length) {
      const len = readU32(messages, off);
      if (len < NLMSG_HDRLEN || off + len > messages.length) break;
      starts.push(off);
      off += align4(len);
    }
    const n = starts.length;
    const offsets = new Uint32Array(n + 1);
    offsets.set(starts);
    offsets[n] = Math.min(off, messages.length);
    return new Promise((resolve) => {
      const job: BatchJob = {
        batch: true,
        bytes: messages,
        offsets,
        n,
        errnos: new Int32Array(n).fill(PENDING),
        seqs: new Uint32Array(n),
        extAcks: new Map(),
        errors: new Map(),
        resolve,
        sent: 0,
        done: 0,
      };
      if (off !== messages.length) {
        // A caller's encoding error: nothing of a garbled batch goes to the kernel.
        this.#failUnsent(
          job,
          new NetlinkError('ERR_NETLINK_SEND', `Netlink: malformed batch at byte ${off}`),
        );
        return;
      }
      if (this.#closed) {
        this.#failUnsent(job, new NetlinkError('ERR_NETLINK_CLOSED', 'netlink socket closed'));
        return;
      }
      if (n === 0) {
        this.#settleBatch(job);
        return;
      }
      this.#queue.push(job);
      this.#pump();
    });
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
    const jobs = new Set([...this.#inFlight.values(), ...this.#queue.splice(0)]);
    this.#inFlight.clear();
    for (const job of jobs) {
      clearTimeout(job.timer);
      const error = new NetlinkError('ERR_NETLINK_CLOSED', 'netlink socket closed');
      if (job.batch) this.#failUnanswered(job, error);
      else job.settle({ ok: false, error });
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
      if (job === undefined) return;
      if (job.batch) {
        this.#sendBatch(job);
        if (job.sent < job.n) return; // the window is full
        this.#queue.shift();
        continue;
      }
      if (job.dump && this.#dumping) return;
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

  /** Sends what the window allows of `job`, in datagrams of up to BATCH_DATAGRAM_BYTES. */
  #sendBatch(job: BatchJob): void {
    const { bytes, offsets } = job;
    while (job.sent < job.n && !this.#closed) {
      const room = this.#maxInFlight - this.#inFlight.size;
      if (room <= 0) return;
      const first = job.sent;
      let last = first; // exclusive
      const start = offsets[first] as number;
      while (last < job.n && last - first < room) {
        const end = offsets[last + 1] as number;
        if (last > first && end - start > BATCH_DATAGRAM_BYTES) break;
        this.#seq = nextSeq(this.#seq);
        writeU32(bytes, this.#seq, (offsets[last] as number) + 8);
        job.seqs[last] = this.#seq;
        last++;
      }
      job.sent = last;
      try {
        this.#channel.send(bytes.subarray(start, offsets[last] as number));
      } catch (e) {
        const type = readU16(bytes, start + 4);
        const text = `Netlink: sendmsg cmd ${rtmName(type)} error: ${e instanceof Error ? e.message : String(e)}`;
        const error = new NetlinkError('ERR_NETLINK_SEND', text, errnoOf(e));
        for (let i = first; i < last; i++) this.#failOne(job, i, error);
        if (job.done === job.n) this.#settleBatch(job);
        continue;
      }
      for (let i = first; i < last; i++) this.#inFlight.set(job.seqs[i] as number, job);
      // One timer for the batch, restarted by every answer: alive while answers keep coming.
      if (job.timer === undefined) {
        job.timer = setTimeout(() => this.#batchTimeout(job), this.#timeoutMs);
      } else job.timer.refresh();
    }
  }

  #batchTimeout(job: BatchJob): void {
    for (let i = 0; i < job.sent; i++) {
      const seq = job.seqs[i] as number;
      if (job.errnos[i] !== PENDING) continue;
      this.#inFlight.delete(seq);
      const type = readU16(job.bytes, (job.offsets[i] as number) + 4);
      const text = `Netlink: no answer to ${rtmName(type)} seq=${seq} within ${this.#timeoutMs} ms`;
      this.#failOne(job, i, new NetlinkError('ERR_NETLINK_TIMEOUT', text));
    }
    if (job.done === job.n) this.#settleBatch(job);
    this.#pump();
  }

  /** The kernel's answer to message `seq` of `job` (errno 0: ack). */
  #batchAnswer(job: BatchJob, seq: number, errno: number, extAck: string | undefined): void {
    // Sequence numbers of a batch are consecutive, skipping 0 where they wrap.
    const first = job.seqs[0] as number;
    let i = (seq - first) >>> 0;
    if (seq < first) i--;
    if (i >= job.n || job.seqs[i] !== seq || job.errnos[i] !== PENDING) return;
    this.#inFlight.delete(seq);
    job.errnos[i] = errno;
    if (extAck !== undefined) job.extAcks.set(i, extAck);
    job.done++;
    if (job.done === job.n) this.#settleBatch(job);
    else job.timer?.refresh();
  }

  #failOne(job: BatchJob, i: number, error: NetlinkError): void {
    job.errnos[i] = -1;
    job.errors.set(i, error);
    job.done++;
  }

  /** Fails every message of `job` not yet answered (close, or a batch never sent). */
  #failUnanswered(job: BatchJob, error: NetlinkError): void {
    for (let i = 0; i < job.n; i++) if (job.errnos[i] === PENDING) this.#failOne(job, i, error);
    this.#settleBatch(job);
  }

  #failUnsent(job: BatchJob, error: NetlinkError): void {
    for (let i = 0; i < job.n; i++) this.#failOne(job, i, error);
    this.#settleBatch(job);
  }

  #settleBatch(job: BatchJob): void {
    clearTimeout(job.timer);
    job.resolve({ errnos: job.errnos, seqs: job.seqs, extAcks: job.extAcks, errors: job.errors });
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
      if (this.#batchAck(d)) continue;
      const { messages, malformed } = splitMessages(d);
      for (const m of messages) this.#dispatch(m);
      if (malformed) this.#log(`Netlink: error: ${malformed}`);
    }
    // Answers to a batch free its window without finishing a job: send what waits.
    this.#pump();
  }

  /**
   * The common case of a batch, read without allocating: a datagram that is one plain ack
   * (NLMSG_ERROR, error 0) to a message of a batch. False: anything else, for the full path.
   */
  #batchAck(d: Buffer): boolean {
    if (d.length < ACK_LEN || readU32(d, 0) !== d.length || readU16(d, 4) !== NLMSG.error) return false;
    if (readI32(d, NLMSG_HDRLEN) !== 0) return false;
    const seq = readU32(d, 8);
    const job = this.#inFlight.get(seq);
    if (job === undefined || !job.batch) return false;
    this.#batchAnswer(job, seq, 0, undefined);
    return true;
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
    if (job.batch) {
      if (reply.kind === 'ack') this.#batchAnswer(job, m.seq, 0, undefined);
      else if (reply.kind === 'error') this.#batchAnswer(job, m.seq, reply.errno, reply.extAck);
      return;
    }
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

/** An ack: nlmsghdr and struct nlmsgerr (error + the request's header, NETLINK_CAP_ACK). */
const ACK_LEN = NLMSG_HDRLEN + 4 + NLMSG_HDRLEN;

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
