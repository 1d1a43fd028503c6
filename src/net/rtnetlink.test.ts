import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseIp } from '../base/ip.js';
import {
  align4,
  classifyMessage,
  encodeAttr,
  encodeAttrString,
  encodeMessage,
  NLM_F,
  NLMSG,
  nextSeq,
  parseAttrs,
  RTM,
  splitMessages,
  writeI32,
} from './rtnetlink.js';
import {
  type AddrRequest,
  decodeAddr,
  encodeDelAddr,
  encodeGetAddrDump,
  encodeNewAddr,
  IFA,
  IFA_F,
  RT_SCOPE,
} from './rtnetlink-addr.js';
import { decodeLink, encodeGetLinkDump, IFF } from './rtnetlink-link.js';

const ip = (text: string): Buffer => {
  const r = parseIp(text);
  if (!r.ok) throw new Error(text);
  return r.value.bytes;
};
const hex = (b: Buffer): string => b.toString('hex');
const one = (bytes: Buffer) => {
  const { messages, malformed } = splitMessages(bytes);
  assert.equal(malformed, undefined);
  assert.equal(messages.length, 1);
  return messages[0]!;
};

// The captures are of a little-endian (x86_64) host: netlink is host byte order.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** The sequence number `ip` used in the captures below. */
const CAPTURED_SEQ = 1795598127;

describe('address requests, byte for byte as iproute2 sends them', { skip: !littleEndian }, () => {
  // strace -e trace=sendmsg -xx ip addr add 192.0.2.10/24 brd 192.0.2.255 scope global label eth0:v1 dev eth0
  test('encodeNewAddr() equals `ip addr add` with brd, scope and label', () => {
    const req: AddrRequest = {
      family: 4,
      ifindex: 3,
      prefixLen: 24,
      scope: RT_SCOPE.universe,
      ifaFlags: 0,
      local: ip('192.0.2.10'),
      broadcast: ip('192.0.2.255'),
      label: 'eth0:v1',
      // iproute2 always sends IFA_ADDRESS = local when there is no peer; keepalived leaves it out.
      address: ip('192.0.2.10'),
    };
    assert.equal(
      hex(encodeNewAddr(req, CAPTURED_SEQ)),
      '3c000000140005062fa7066b00000000021800000300000008000200c000020a08000400c00002ff0c000300' +
        '657468303a76310008000100c000020a',
    );
  });

  // ip addr add 2001:db8::10/64 dev eth0 nodad
  test('encodeNewAddr() equals `ip addr add ... nodad`: NODAD fits the header flags byte', () => {
    const req: AddrRequest = {
      family: 6,
      ifindex: 3,
      prefixLen: 64,
      scope: 0,
      ifaFlags: IFA_F.nodad,
      local: ip('2001:db8::10'),
      address: ip('2001:db8::10'),
    };
    assert.equal(
      hex(encodeNewAddr(req, CAPTURED_SEQ)),
      '40000000140005062fa7066b000000000a400200030000001400020020010db8000000000000000000000010' +
        '1400010020010db8000000000000000000000010',
    );
  });

  // ip addr del 192.0.2.10/24 dev eth0 (keepalived sends the same: IFA_LOCAL + IFA_ADDRESS)
  test('encodeDelAddr() equals `ip addr del`', () => {
    const req: AddrRequest = {
      family: 4,
      ifindex: 3,
      prefixLen: 24,
      scope: 0,
      ifaFlags: 0,
      local: ip('192.0.2.10'),
      address: ip('192.0.2.10'),
    };
    assert.equal(
      hex(encodeDelAddr(req, CAPTURED_SEQ)),
      '28000000150005002fa7066b00000000021800000300000008000200c000020a08000100c000020a',
    );
  });
});

describe('address request encoding', () => {
  const base: AddrRequest = {
    family: 4,
    ifindex: 7,
    prefixLen: 32,
    scope: 0,
    ifaFlags: 0,
    local: ip('192.0.2.1'),
  };

  test('flags wider than 8 bits travel in IFA_FLAGS, the low byte in the header as well', () => {
    const flags = IFA_F.nodad | IFA_F.noprefixroute;
    const m = one(
      encodeNewAddr({ ...base, family: 6, prefixLen: 64, local: ip('2001:db8::1'), ifaFlags: flags }, 1),
    );
    assert.equal(m.payload[2], IFA_F.nodad);
    assert.equal(parseAttrs(m.payload, 8).attrs.get(IFA.flags)?.readUInt32LE(0), flags);
  });

  test('flags that fit the header byte add no IFA_FLAGS attribute', () => {
    const m = one(encodeNewAddr({ ...base, ifaFlags: IFA_F.homeaddress }, 1));
    assert.equal(parseAttrs(m.payload, 8).attrs.has(IFA.flags), false);
  });

  test('a label of any length is NUL-terminated and padded so the next attribute starts aligned', () => {
    for (const label of ['e', 'eth0', 'eth0:v', 'eth0:vip', 'eth0:vip12']) {
      const bytes = encodeNewAddr({ ...base, label, address: ip('192.0.2.9') }, 1);
      assert.equal(bytes.length % 4, 0);
      const m = one(bytes);
      const { attrs, malformed } = parseAttrs(m.payload, 8);
      assert.equal(malformed, undefined);
      assert.equal(attrs.get(IFA.label)?.toString(), `${label}\0`);
      assert.equal(hex(attrs.get(IFA.address)!), hex(ip('192.0.2.9')));
    }
  });

  test('IFA_CACHEINFO carries the preferred and valid lifetimes', () => {
    const req = { ...base, family: 6 as const, prefixLen: 128, local: ip('2001:db8::7') };
    const m = one(encodeNewAddr({ ...req, cacheInfo: { preferredSec: 0, validSec: 0xffffffff } }, 1));
    const d = decodeAddr(m);
    assert.ok(d.ok);
    assert.equal(d.value.preferredLftSec, 0);
    assert.equal(d.value.validLftSec, 0xffffffff);
  });

  test('an address of the wrong length is a programming error, thrown', () => {
    assert.throws(() => encodeNewAddr({ ...base, local: ip('2001:db8::1') }, 1), TypeError);
    assert.throws(() => encodeNewAddr({ ...base, prefixLen: 33 }, 1), RangeError);
  });

  test('dump requests ask for the whole table', () => {
    for (const [bytes, type] of [
      [encodeGetAddrDump(9, 6), RTM.getAddr],
      [encodeGetLinkDump(9), RTM.getLink],
    ] as const) {
      const m = one(bytes);
      assert.equal(m.type, type);
      assert.equal(m.flags, NLM_F.request | NLM_F.dump);
      assert.equal(m.seq, 9);
    }
    assert.equal(one(encodeGetAddrDump(1, 6)).payload[0], 10);
  });
});

describe('reading what the kernel sends', { skip: !littleEndian }, () => {
  // Payloads of a real RTM_GETADDR dump (kernel 6.18) of
  //   ip addr add 192.0.2.10/24 brd 192.0.2.255 scope global label eth0:v1 dev eth0
  //   ip addr add 2001:db8::10/64 dev eth0 nodad preferred_lft 0
  //   ip addr add 203.0.113.5 peer 203.0.113.6 dev eth0 scope link
  const dump = [
    '021880000300000008000100c000020a08000200c000020a08000400c00002ff0c000300657468303a763100' +
      '080008008000000014000600ffffffffffffffff7ada0f007ada0f00',
    '0a40a200030000001400010020010db80000000000000000000000101400060000000000ffffffff7cda0f00' +
      '7cda0f0008000800a2000000',
    '022080fd0300000008000100cb00710608000200cb007105090003006574683000000000080008008000000014' +
      '000600ffffffffffffffff7fda0f007fda0f00',
  ].map((p) => ({ type: RTM.newAddr, flags: NLM_F.multi, seq: 5, pid: 0, payload: Buffer.from(p, 'hex') }));

  test('decodeAddr() reads an IPv4 address with broadcast, label and scope as `ip -j addr` shows it', () => {
    assert.deepEqual(decodeAddr(dump[0]!), {
      ok: true,
      value: {
        ifindex: 3,
        family: 4,
        prefixLen: 24,
        scope: 0,
        flags: IFA_F.permanent,
        local: '192.0.2.10',
        address: '192.0.2.10',
        broadcast: '192.0.2.255',
        label: 'eth0:v1',
        preferredLftSec: 0xffffffff,
        validLftSec: 0xffffffff,
      },
    });
  });

  test('decodeAddr() reads an IPv6 address: no IFA_LOCAL, flags from IFA_FLAGS (nodad, deprecated)', () => {
    const d = decodeAddr(dump[1]!);
    assert.ok(d.ok);
    assert.equal(d.value.local, '2001:db8::10');
    assert.equal(d.value.prefixLen, 64);
    assert.equal(d.value.flags, IFA_F.permanent | IFA_F.deprecated | IFA_F.nodad);
    assert.equal(d.value.preferredLftSec, 0);
  });

  test('decodeAddr() tells the local address from the peer of a point-to-point address', () => {
    const d = decodeAddr(dump[2]!);
    assert.ok(d.ok);
    assert.equal(d.value.local, '203.0.113.5');
    assert.equal(d.value.address, '203.0.113.6');
    assert.equal(d.value.scope, RT_SCOPE.link);
    assert.equal(d.value.label, 'eth0');
  });

  test('decodeLink() reads index, name, MAC, MTU and up/running from RTM_NEWLINK', () => {
    // The header and the attributes read, verbatim from a kernel dump of a veth
    // (`ip link set eth0 address 02:00:5e:00:01:07 mtu 1400 up`, peer up).
    const payload = Buffer.from(
      '00000100030000004310010000000000' +
        '090003006574683000000000' +
        '0500100006000000' +
        '0800040078050000' +
        '0a00010002005e0001070000' +
        '0a000200ffffffffffff0000' +
        '0800050002000000',
      'hex',
    );
    const d = decodeLink({ type: RTM.newLink, flags: NLM_F.multi, seq: 1, pid: 0, payload });
    assert.deepEqual(d, {
      ok: true,
      value: {
        ifindex: 3,
        name: 'eth0',
        type: 1,
        flags: IFF.up | IFF.broadcast | IFF.running | IFF.multicast | IFF.lowerUp,
        up: true,
        running: true,
        mtu: 1400,
        mac: '02:00:5e:00:01:07',
        link: 2,
      },
    });
  });
});

describe('control messages', () => {
  const errorMsg = (errno: number, flags: number, tail: Buffer[] = []): Buffer => {
    const body = Buffer.alloc(20);
    writeI32(body, -errno, 0);
    encodeMessage({ type: RTM.newAddr, flags: 0x605, seq: 42 }, []).copy(body, 4);
    return encodeMessage({ type: NLMSG.error, flags, seq: 42 }, [body, ...tail]);
  };

  test('NLMSG_ERROR with error 0 is an ack for its sequence number', () => {
    assert.deepEqual(classifyMessage(one(errorMsg(0, NLM_F.capped))), {
      ok: true,
      value: { kind: 'ack', seq: 42 },
    });
  });

  test('NLMSG_ERROR with -EEXIST names the errno and the failed request type', () => {
    assert.deepEqual(classifyMessage(one(errorMsg(17, NLM_F.capped))), {
      ok: true,
      value: { kind: 'error', seq: 42, errno: 17, requestType: RTM.newAddr },
    });
  });

  test('an extended ack message is read after a capped echo', () => {
    const tail = encodeAttrString(1, 'ipv4: Device not found');
    const r = classifyMessage(one(errorMsg(19, NLM_F.capped | NLM_F.ackTlvs, [tail])));
    assert.ok(r.ok && r.value.kind === 'error');
    assert.equal(r.value.extAck, 'ipv4: Device not found');
  });

  test('NLMSG_DONE carries the dump status and the interrupted flag', () => {
    const status = Buffer.alloc(4);
    writeI32(status, -16, 0);
    const done = encodeMessage({ type: NLMSG.done, flags: NLM_F.multi | NLM_F.dumpIntr, seq: 3 }, [status]);
    assert.deepEqual(classifyMessage(one(done)), {
      ok: true,
      value: { kind: 'done', seq: 3, errno: 16, interrupted: true },
    });
  });

  test('a truncated NLMSG_ERROR is a reason, not a throw', () => {
    const short = encodeMessage({ type: NLMSG.error, flags: 0, seq: 1 }, [Buffer.alloc(4)]);
    assert.equal(classifyMessage(one(short)).ok, false);
  });

  test('several messages in one datagram are split at their 4-byte boundaries', () => {
    // An unpadded 3-byte body, then a message that must start 4-aligned after it.
    const a = encodeMessage({ type: 99, flags: 0, seq: 1 }, [Buffer.from([1, 2, 3])]);
    const b = encodeMessage({ type: 98, flags: 0, seq: 2 }, [encodeAttr(1, Buffer.from([1, 2, 3]))]);
    assert.equal(a.length, 20);
    const { messages, malformed } = splitMessages(Buffer.concat([a, b]));
    assert.equal(malformed, undefined);
    assert.deepEqual(
      messages.map((m) => [m.type, m.seq, m.payload.length]),
      [
        [99, 1, 3],
        [98, 2, 8],
      ],
    );
  });

  test('a length that overruns the datagram stops the split with a reason', () => {
    const a = encodeMessage({ type: 99, flags: 0, seq: 1 }, []);
    a.writeUInt32LE(1000, 0);
    const r = splitMessages(a);
    assert.equal(r.messages.length, 0);
    assert.match(r.malformed ?? '', /claims 1000 bytes/);
  });

  test('nextSeq() wraps around 2^32 and never gives 0', () => {
    assert.equal(nextSeq(5), 6);
    assert.equal(nextSeq(0xffffffff), 1);
  });

  test('align4() rounds up to the netlink alignment', () => {
    assert.deepEqual([0, 1, 4, 5, 7, 8].map(align4), [0, 4, 4, 8, 8, 8]);
  });
});

describe('robustness', () => {
  test('any bytes: split, classify and decode give results, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 40 }), (raw, type) => {
        const bytes = Buffer.from(raw);
        // Make some inputs look like messages so the decoders get past the length check.
        if (bytes.length >= 16) {
          bytes.writeUInt32LE(Math.min(bytes.length, bytes.readUInt32LE(0) % 512), 0);
          bytes.writeUInt16LE(type, 4);
        }
        for (const m of splitMessages(bytes).messages) {
          classifyMessage(m);
          decodeAddr({ ...m, type: RTM.newAddr });
          decodeLink({ ...m, type: RTM.newLink });
        }
        parseAttrs(bytes, 0);
      }),
      { numRuns: 3000 },
    );
  });

  test('an address request decodes back to what was encoded', () => {
    const arbReq = fc.oneof(
      fc.record({
        family: fc.constant(4 as const),
        local: fc.uint8Array({ minLength: 4, maxLength: 4 }),
        prefixLen: fc.integer({ min: 0, max: 32 }),
        broadcast: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
        label: fc.option(fc.stringMatching(/^[a-z0-9:]{1,15}$/), { nil: undefined }),
      }),
      fc.record({
        family: fc.constant(6 as const),
        local: fc.uint8Array({ minLength: 16, maxLength: 16 }),
        prefixLen: fc.integer({ min: 0, max: 128 }),
      }),
    );
    fc.assert(
      fc.property(
        arbReq,
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.integer({ min: 0, max: 0xfff }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (r, ifindex, ifaFlags, scope, seq) => {
          const req = { ...r, ifindex, ifaFlags, scope } as AddrRequest;
          const m = one(encodeNewAddr(req, seq));
          assert.equal(m.seq, seq);
          const d = decodeAddr(m);
          assert.ok(d.ok);
          assert.equal(d.value.ifindex, ifindex);
          assert.equal(d.value.prefixLen, req.prefixLen);
          assert.equal(d.value.scope, scope);
          assert.equal(d.value.flags, ifaFlags > 0xff ? ifaFlags : ifaFlags & 0xff);
          assert.equal(hex(ip(d.value.local!)), hex(Buffer.from(req.local)));
          assert.equal(d.value.label, req.label);
        },
      ),
    );
  });
});
