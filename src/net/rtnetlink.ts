/**
 * Netlink message framing (RFC 3549 §2.3.2, linux/netlink.h), pure: Buffer in, Buffer out, no I/O.
 *  - nlmsghdr: length, type, flags, sequence number, port id, in host byte order;
 *  - attributes (struct nlattr) padded to 4 bytes;
 *  - the control replies: NLMSG_ERROR (error 0 is an ack), NLMSG_DONE (ends a dump), with the
 *    extended ack message the kernel adds when NETLINK_EXT_ACK is on.
 * Decoders never throw: any bytes give messages and, past the first malformed one, a reason.
 * The address and link bodies are in rtnetlink-addr.ts and rtnetlink-link.ts.
 */
import { Buffer } from 'node:buffer';
import { err, ok, type Result } from '../base/result.js';

/** sizeof(struct nlmsghdr). */
export const NLMSG_HDRLEN = 16;
/** sizeof(struct nlattr). */
export const NLA_HDRLEN = 4;
/** NLMSG_ALIGNTO and NLA_ALIGNTO. */
const ALIGN = 4;

/** Control message types (linux/netlink.h). */
export const NLMSG = { noop: 1, error: 2, done: 3, overrun: 4 } as const;

/** rtnetlink message types (linux/rtnetlink.h) this project speaks. */
export const RTM = {
  newLink: 16,
  delLink: 17,
  getLink: 18,
  newAddr: 20,
  delAddr: 21,
  getAddr: 22,
} as const;

/** nlmsg_flags (linux/netlink.h). Some bits mean different things by message kind. */
export const NLM_F = {
  request: 0x01,
  multi: 0x02,
  ack: 0x04,
  echo: 0x08,
  /** A dump was interrupted by a change: its contents may be inconsistent. */
  dumpIntr: 0x10,
  /** GET requests: root | match, the whole table. */
  dump: 0x300,
  /** NEW requests. */
  replace: 0x100,
  excl: 0x200,
  create: 0x400,
  append: 0x800,
  /** NLMSG_ERROR: the request is not echoed (NETLINK_CAP_ACK). */
  capped: 0x100,
  /** NLMSG_ERROR / NLMSG_DONE: extended ack attributes follow (NETLINK_EXT_ACK). */
  ackTlvs: 0x200,
} as const;

/** NLMSGERR_ATTR_MSG: the kernel's text explaining an error (extended ack). */
const NLMSGERR_ATTR_MSG = 1;
/** Attribute type bits that are flags, not type (NLA_F_NESTED, NLA_F_NET_BYTEORDER). */
const NLA_TYPE_MASK = 0x3fff;

/** Netlink is host byte order: a packed struct in the kernel's own endianness. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function align4(n: number): number {
  return (n + ALIGN - 1) & ~(ALIGN - 1);
}

export function readU16(b: Buffer, off: number): number {
  return LITTLE_ENDIAN ? b.readUInt16LE(off) : b.readUInt16BE(off);
}
export function readU32(b: Buffer, off: number): number {
  return LITTLE_ENDIAN ? b.readUInt32LE(off) : b.readUInt32BE(off);
}
export function readI32(b: Buffer, off: number): number {
  return LITTLE_ENDIAN ? b.readInt32LE(off) : b.readInt32BE(off);
}
export function writeU16(b: Buffer, v: number, off: number): void {
  if (LITTLE_ENDIAN) b.writeUInt16LE(v, off);
  else b.writeUInt16BE(v, off);
}
export function writeU32(b: Buffer, v: number, off: number): void {
  if (LITTLE_ENDIAN) b.writeUInt32LE(v >>> 0, off);
  else b.writeUInt32BE(v >>> 0, off);
}
export function writeI32(b: Buffer, v: number, off: number): void {
  if (LITTLE_ENDIAN) b.writeInt32LE(v, off);
  else b.writeInt32BE(v, off);
}

export interface NlHeader {
  readonly type: number;
  readonly flags: number;
  /** 0..2^32-1; the client matches replies to requests by it. */
  readonly seq: number;
  /** The sender's port id; 0 lets the kernel fill in ours. */
  readonly pid?: number;
}

/** One netlink attribute (header, value, padding to 4 bytes). */
export function encodeAttr(type: number, value: Uint8Array): Buffer {
  const len = NLA_HDRLEN + value.length;
  if (len > 0xffff) throw new RangeError(`netlink attribute ${type} is ${value.length} bytes, over 65531`);
  const out = Buffer.alloc(align4(len));
  writeU16(out, len, 0);
  writeU16(out, type, 2);
  out.set(value, NLA_HDRLEN);
  return out;
}

export function encodeAttrU32(type: number, value: number): Buffer {
  const v = Buffer.alloc(4);
  writeU32(v, value, 0);
  return encodeAttr(type, v);
}

/** A NUL-terminated string attribute, as the kernel's NLA_STRING / NLA_NUL_STRING expect. */
export function encodeAttrString(type: number, value: string): Buffer {
  return encodeAttr(type, Buffer.from(`${value}\0`, 'utf8'));
}

/** nlmsghdr + body + attributes, each piece already padded to 4 bytes by its encoder. */
export function encodeMessage(h: NlHeader, parts: readonly Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(NLMSG_HDRLEN + align4(body.length));
  writeU32(out, NLMSG_HDRLEN + body.length, 0);
  writeU16(out, h.type, 4);
  writeU16(out, h.flags, 6);
  writeU32(out, h.seq, 8);
  writeU32(out, h.pid ?? 0, 12);
  body.copy(out, NLMSG_HDRLEN);
  return out;
}

export interface NlMessage {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  /** The bytes after the header, up to nlmsg_len (shares memory with the datagram). */
  readonly payload: Buffer;
}

export interface SplitResult {
  readonly messages: readonly NlMessage[];
  /** Why the rest of the datagram was not read; absent when every byte was used. */
  readonly malformed?: string;
}

/** The messages of one datagram (NLMSG_OK / NLMSG_NEXT), up to the first malformed one. */
export function splitMessages(datagram: Buffer): SplitResult {
  const messages: NlMessage[] = [];
  let off = 0;
  while (off < datagram.length) {
    const left = datagram.length - off;
    if (left < NLMSG_HDRLEN) return { messages, malformed: `${left} trailing bytes, short of a header` };
    const len = readU32(datagram, off);
    if (len < NLMSG_HDRLEN || len > left) {
      return { messages, malformed: `message at ${off} claims ${len} bytes, ${left} left` };
    }
    messages.push({
      type: readU16(datagram, off + 4),
      flags: readU16(datagram, off + 6),
      seq: readU32(datagram, off + 8),
      pid: readU32(datagram, off + 12),
      payload: datagram.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off += align4(len);
  }
  return { messages };
}

export interface AttrsResult {
  /** Attribute values by type (flag bits removed); a repeated type keeps the last, as nla_parse. */
  readonly attrs: ReadonlyMap<number, Buffer>;
  readonly malformed?: string;
}

/** The attributes in `buf` from `offset` on, up to the first malformed one. */
export function parseAttrs(buf: Buffer, offset: number): AttrsResult {
  const attrs = new Map<number, Buffer>();
  let off = offset;
  while (off + NLA_HDRLEN <= buf.length) {
    const len = readU16(buf, off);
    if (len < NLA_HDRLEN || off + len > buf.length) {
      return { attrs, malformed: `attribute at ${off} claims ${len} bytes, ${buf.length - off} left` };
    }
    attrs.set(readU16(buf, off + 2) & NLA_TYPE_MASK, buf.subarray(off + NLA_HDRLEN, off + len));
    off += align4(len);
  }
  // Up to 3 bytes of padding may follow the last attribute.
  if (off < buf.length && buf.length - off >= ALIGN) return { attrs, malformed: 'trailing bytes' };
  return { attrs };
}

/** A NUL-terminated (or unterminated) string attribute's text. */
export function attrString(value: Buffer): string {
  const nul = value.indexOf(0);
  return value.toString('utf8', 0, nul < 0 ? value.length : nul);
}

/** What a control message or a data message means to the requester with sequence `seq`. */
export type NlReply =
  | { readonly kind: 'ack'; readonly seq: number }
  | {
      readonly kind: 'error';
      readonly seq: number;
      /** Positive errno (EEXIST = 17). */
      readonly errno: number;
      /** The type of the request that failed, as echoed by the kernel. */
      readonly requestType: number;
      /** The kernel's explanation, when NETLINK_EXT_ACK is on and it gave one. */
      readonly extAck?: string;
    }
  /** The end of a dump; `errno` is non-zero when the kernel could not finish it. */
  | { readonly kind: 'done'; readonly seq: number; readonly errno: number; readonly interrupted: boolean }
  | { readonly kind: 'data'; readonly message: NlMessage }
  /** NLMSG_NOOP / NLMSG_OVERRUN: nothing for the requester. */
  | { readonly kind: 'ignore'; readonly seq: number };

/** sizeof(struct nlmsgerr): int error + the request's nlmsghdr. */
const NLMSGERR_LEN = 4 + NLMSG_HDRLEN;

/** Interprets one message; control messages too short to read are a reason, not a throw. */
export function classifyMessage(m: NlMessage): Result<NlReply, string> {
  switch (m.type) {
    case NLMSG.error: {
      if (m.payload.length < NLMSGERR_LEN) return err(`NLMSG_ERROR of ${m.payload.length} bytes`);
      const error = readI32(m.payload, 0);
      if (error === 0) return ok({ kind: 'ack', seq: m.seq });
      if (error > 0) return err(`NLMSG_ERROR with positive error ${error}`);
      const requestType = readU16(m.payload, 4 + 4);
      const extAck = extAckMessage(m);
      const reply = { kind: 'error', seq: m.seq, errno: -error, requestType } as const;
      return ok(extAck === undefined ? reply : { ...reply, extAck });
    }
    case NLMSG.done: {
      // Kernels since 2.6 put the dump's status (0 or -errno) here; older ones sent nothing.
      const status = m.payload.length >= 4 ? readI32(m.payload, 0) : 0;
      const interrupted = (m.flags & NLM_F.dumpIntr) !== 0;
      return ok({ kind: 'done', seq: m.seq, errno: status < 0 ? -status : 0, interrupted });
    }
    case NLMSG.noop:
    case NLMSG.overrun:
      return ok({ kind: 'ignore', seq: m.seq });
    default:
      return ok({ kind: 'data', message: m });
  }
}

/** NLMSGERR_ATTR_MSG of an error: after the echoed request, or right after its header if capped. */
function extAckMessage(m: NlMessage): string | undefined {
  if ((m.flags & NLM_F.ackTlvs) === 0) return undefined;
  const echoed = (m.flags & NLM_F.capped) !== 0 ? NLMSG_HDRLEN : readU32(m.payload, 4);
  const start = 4 + align4(Math.max(echoed, NLMSG_HDRLEN));
  if (start > m.payload.length) return undefined;
  const text = parseAttrs(m.payload, start).attrs.get(NLMSGERR_ATTR_MSG);
  return text === undefined ? undefined : attrString(text);
}

/** The next sequence number after `seq`, skipping 0 (the kernel's own notifications carry 0). */
export function nextSeq(seq: number): number {
  const n = (seq + 1) >>> 0;
  return n === 0 ? 1 : n;
}
