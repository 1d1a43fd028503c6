/**
 * A fake rtnetlink kernel for unit tests of NetlinkRoute and the VIP manager: an address table
 * and a link table behind an OpenChannel, answering RTM_NEWADDR / RTM_DELADDR with acks or
 * errnos as Linux does (EEXIST, EADDRNOTAVAIL, ENODEV) and dumps in several datagrams.
 * Replies arrive asynchronously, a batch per event-loop turn, as from the real socket. Switches
 * make it lose replies, fail requests, refuse sends or interrupt a dump.
 * (A fake in the tree, kept beside the code it stands in for.)
 */
import { Buffer } from 'node:buffer';
import { constants as osConstants } from 'node:os';
import type { OpenChannel } from '../net/netlink-route.js';
import {
  encodeAttr,
  encodeAttrString,
  encodeAttrU32,
  encodeMessage,
  NLM_F,
  NLMSG,
  type NlMessage,
  parseAttrs,
  RTM,
  readU32,
  splitMessages,
  writeI32,
  writeU16,
  writeU32,
} from '../net/rtnetlink.js';
import { AF_INET, IFA, IFADDRMSG_LEN } from '../net/rtnetlink-addr.js';
import { IFINFOMSG_LEN, IFLA, IFLA_INET_CONF } from '../net/rtnetlink-link.js';

export interface FakeAddr {
  readonly ifindex: number;
  readonly family: number;
  readonly prefixLen: number;
  readonly scope: number;
  readonly flags: number;
  readonly attrs: ReadonlyMap<number, Buffer>;
}

export interface FakeLink {
  readonly ifindex: number;
  readonly name: string;
  readonly mac: Buffer;
  readonly mtu: number;
  flags: number;
  /** IFLA_LINK: the lower link (a macvlan's base). */
  readonly link?: number;
  /** IPv4 devconf (IPV4_DEVCONF_* -> value), sent in dumps as IFLA_AF_SPEC when present. */
  readonly conf?: Map<number, number>;
}

const E = osConstants.errno;

export class FakeRtnetlink {
  readonly addrs: FakeAddr[] = [];
  links: FakeLink[] = [
    { ifindex: 2, name: 'eth0', mac: Buffer.from('02005e000107', 'hex'), mtu: 1500, flags: 0x11043 },
  ];
  /** Every request received, in order. */
  readonly received: NlMessage[] = [];
  /** Datagrams received (sendmsg calls): several requests may share one. */
  datagrams = 0;
  /** Take requests but never answer (a lost reply). */
  silent = false;
  /** Answer the next requests with these errnos instead of acting, one each. */
  readonly failures: number[] = [];
  /** Throw this from send(), as sendto would. */
  sendError: Error | undefined;
  /** Data messages per dump datagram. */
  dumpBatch = 2;
  /** Flag the next dump NLM_F_DUMP_INTR, as after a concurrent change. */
  interruptNextDump = false;
  /** Requests received whose replies have not reached the client yet, and the most ever. */
  unanswered = 0;
  maxUnanswered = 0;
  closed = false;
  /** Replies not yet delivered, one entry (of one or more datagrams) per request. */
  #outbox: Buffer[][] = [];
  #deliver: ((datagrams: Buffer[]) => void) | undefined;

  readonly open: OpenChannel = (onDatagrams) => {
    this.#deliver = (d) => onDatagrams(null, d);
    return {
      send: (datagram) => {
        if (this.sendError) throw this.sendError;
        this.datagrams++;
        for (const m of splitMessages(datagram).messages) this.#handle(m);
      },
      close: () => {
        this.closed = true;
      },
    };
  };

  #handle(m: NlMessage): void {
    this.received.push(m);
    this.unanswered++;
    this.maxUnanswered = Math.max(this.maxUnanswered, this.unanswered);
    if (this.silent) return;
    this.#reply(this.#answer(m));
  }

  /** The datagrams that answer `m`. */
  #answer(m: NlMessage): Buffer[] {
    const failure = this.failures.shift();
    if (failure !== undefined) return [ackMessage(m, failure)];
    switch (m.type) {
      case RTM.newAddr:
        return [ackMessage(m, this.#newAddr(m))];
      case RTM.delAddr:
        return [ackMessage(m, this.#delAddr(m))];
      case RTM.getAddr:
        return this.#dump(
          m,
          this.addrs.map((a) => addrMessage(a, m.seq)),
        );
      case RTM.newLink:
        return [ackMessage(m, this.#newLink(m))];
      case RTM.delLink: {
        const i = this.links.findIndex((l) => l.ifindex === readU32(m.payload, 4));
        if (i >= 0) this.links.splice(i, 1);
        return [ackMessage(m, i < 0 ? E.ENODEV : 0)];
      }
      case RTM.getLink:
        return this.#dump(
          m,
          this.links.map((l) => linkMessage(l, m.seq)),
        );
      default:
        return [ackMessage(m, E.EOPNOTSUPP)];
    }
  }

  /** RTM_NEWLINK: create (with NLM_F_CREATE) or change flags and IPv4 devconf of a link. */
  #newLink(m: NlMessage): number {
    const p = m.payload;
    const attrs = parseAttrs(p, IFINFOMSG_LEN).attrs;
    const ifindex = readU32(p, 4);
    if ((m.flags & NLM_F.create) !== 0) {
      const name = attrs.get(IFLA.ifname);
      if (name === undefined) return E.EINVAL;
      const text = name.toString('utf8').replace(/\0.*$/, '');
      if (this.links.some((l) => l.name === text)) return E.EEXIST;
      const link = attrs.get(IFLA.link);
      this.links.push({
        ifindex: Math.max(...this.links.map((l) => l.ifindex)) + 1,
        name: text,
        mac: Buffer.from(attrs.get(IFLA.address) ?? Buffer.alloc(6)),
        mtu: 1500,
        flags: 0x1002,
        ...(link !== undefined && { link: readU32(link, 0) }),
        conf: new Map(),
      });
      return 0;
    }
    const target = this.links.find((l) => l.ifindex === ifindex);
    if (target === undefined) return E.ENODEV;
    const change = readU32(p, 12);
    target.flags = (target.flags & ~change) | (readU32(p, 8) & change);
    const inet = attrs.get(IFLA.afSpec) && parseAttrs(attrs.get(IFLA.afSpec) as Buffer, 0).attrs.get(AF_INET);
    const conf = inet ? parseAttrs(inet, 0).attrs.get(IFLA_INET_CONF) : undefined;
    if (conf !== undefined)
      for (const [k, v] of parseAttrs(conf, 0).attrs) target.conf?.set(k, readU32(v, 0));
    return 0;
  }

  #newAddr(m: NlMessage): number {
    const a = readAddr(m);
    if (!this.links.some((l) => l.ifindex === a.ifindex)) return E.ENODEV;
    if (this.addrs.some((x) => sameAddr(x, a))) return E.EEXIST;
    this.addrs.push(a);
    return 0;
  }

  #delAddr(m: NlMessage): number {
    const a = readAddr(m);
    if (!this.links.some((l) => l.ifindex === a.ifindex)) return E.ENODEV;
    const i = this.addrs.findIndex((x) => sameAddr(x, a));
    if (i < 0) return E.EADDRNOTAVAIL;
    this.addrs.splice(i, 1);
    return 0;
  }

  #dump(req: NlMessage, parts: Buffer[]): Buffer[] {
    const intr = this.interruptNextDump ? NLM_F.dumpIntr : 0;
    this.interruptNextDump = false;
    const datagrams: Buffer[] = [];
    for (let i = 0; i < parts.length; i += this.dumpBatch) {
      datagrams.push(Buffer.concat(parts.slice(i, i + this.dumpBatch)));
    }
    const status = Buffer.alloc(4);
    datagrams.push(encodeMessage({ type: NLMSG.done, flags: NLM_F.multi | intr, seq: req.seq }, [status]));
    return datagrams;
  }

  #reply(datagrams: Buffer[]): void {
    if (this.#outbox.length === 0) setImmediate(() => this.#flush());
    this.#outbox.push(datagrams);
  }

  #flush(): void {
    const batch = this.#outbox.splice(0);
    this.unanswered -= batch.length;
    if (!this.closed) this.#deliver?.(batch.flat());
  }
}

/** NLMSG_ERROR for `req`: 0 is an ack; the request's header is echoed, its body capped. */
function ackMessage(req: NlMessage, errno: number): Buffer {
  const body = Buffer.alloc(4 + 16);
  writeI32(body, -errno, 0);
  encodeMessage({ type: req.type, flags: req.flags, seq: req.seq }, []).copy(body, 4);
  return encodeMessage({ type: NLMSG.error, flags: NLM_F.capped, seq: req.seq }, [body]);
}

function readAddr(m: NlMessage): FakeAddr {
  const p = m.payload;
  const attrs = new Map([...parseAttrs(p, IFADDRMSG_LEN).attrs].map(([k, v]) => [k, Buffer.from(v)]));
  const flagsAttr = attrs.get(IFA.flags);
  const flags = flagsAttr === undefined ? (p[2] ?? 0) : readU32(flagsAttr, 0);
  return { family: p[0] ?? 0, prefixLen: p[1] ?? 0, flags, scope: p[3] ?? 0, ifindex: readU32(p, 4), attrs };
}

/** The kernel's identity of an address: interface, family, local address and prefix length. */
function sameAddr(x: FakeAddr, y: FakeAddr): boolean {
  const lx = x.attrs.get(IFA.local);
  const ly = y.attrs.get(IFA.local);
  return (
    x.ifindex === y.ifindex &&
    x.family === y.family &&
    x.prefixLen === y.prefixLen &&
    lx !== undefined &&
    ly !== undefined &&
    lx.equals(ly)
  );
}

/** An address as a dump returns it: IFA_ADDRESS, IFA_LOCAL (IPv4), broadcast, label, flags. */
function addrMessage(a: FakeAddr, seq: number): Buffer {
  const ifa = Buffer.from([a.family, a.prefixLen, a.flags & 0xff, a.scope, 0, 0, 0, 0]);
  writeU32(ifa, a.ifindex, 4);
  const local = a.attrs.get(IFA.local) ?? Buffer.alloc(0);
  const parts = [ifa, encodeAttr(IFA.address, a.attrs.get(IFA.address) ?? local)];
  if (a.family === AF_INET) parts.push(encodeAttr(IFA.local, local));
  const brd = a.attrs.get(IFA.broadcast);
  if (brd) parts.push(encodeAttr(IFA.broadcast, brd));
  const label = a.attrs.get(IFA.label);
  if (label) parts.push(encodeAttr(IFA.label, label));
  parts.push(encodeAttrU32(IFA.flags, a.flags | 0x80));
  return encodeMessage({ type: RTM.newAddr, flags: NLM_F.multi, seq }, parts);
}

function linkMessage(l: FakeLink, seq: number): Buffer {
  const ifi = Buffer.alloc(IFINFOMSG_LEN);
  writeU16(ifi, 1, 2); // ARPHRD_ETHER
  writeU32(ifi, l.ifindex, 4);
  writeU32(ifi, l.flags, 8);
  const parts = [
    ifi,
    encodeAttrString(IFLA.ifname, l.name),
    encodeAttrU32(IFLA.mtu, l.mtu),
    encodeAttr(IFLA.address, l.mac),
  ];
  if (l.link !== undefined) parts.push(encodeAttrU32(IFLA.link, l.link));
  if (l.conf !== undefined) {
    // IFLA_INET_CONF: every IPV4_DEVCONF value, in index order, as the kernel sends it.
    const values = Buffer.alloc(4 * 32);
    for (const [k, v] of l.conf) if (k >= 1 && k <= 32) writeU32(values, v, (k - 1) * 4);
    parts.push(encodeAttr(IFLA.afSpec, encodeAttr(AF_INET, encodeAttr(IFLA_INET_CONF, values))));
  }
  return encodeMessage({ type: RTM.newLink, flags: NLM_F.multi, seq }, parts);
}
