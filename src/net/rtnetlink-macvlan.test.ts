/**
 * The VMAC requests: what the kernel reads out of them (read back with the link decoder and
 * the attribute parser), and the link decoder on what the kernel says about a macvlan.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import {
  encodeAttr,
  encodeAttrString,
  encodeAttrU32,
  encodeMessage,
  NLM_F,
  parseAttrs,
  RTM,
  readU32,
  splitMessages,
} from './rtnetlink.js';
import {
  decodeLink,
  IFF,
  IFINFOMSG_LEN,
  IFLA,
  IFLA_INFO,
  IPV4_DEVCONF,
  MACVLAN_MODE,
} from './rtnetlink-link.js';
import {
  encodeAddrGenModeNone,
  encodeDelLink,
  encodeNewMacvlan,
  encodeSetIpv4Conf,
  encodeSetLinkUp,
  encodeUpdateMacvlan,
  macBytes,
} from './rtnetlink-macvlan.js';

const one = (b: Buffer) => {
  const { messages, malformed } = splitMessages(b);
  assert.equal(malformed, undefined);
  assert.equal(messages.length, 1);
  return messages[0] as NonNullable<(typeof messages)[0]>;
};

describe('macvlan requests', () => {
  test('encodeNewMacvlan() asks for a private macvlan with the VRRP MAC on the base, created exclusively', () => {
    const m = one(encodeNewMacvlan({ name: 'vrrp.51', link: 6, mac: '00:00:5e:00:01:33' }, 77));
    assert.equal(m.type, RTM.newLink);
    assert.equal(m.seq, 77);
    assert.equal(m.flags, NLM_F.request | NLM_F.ack | NLM_F.create | NLM_F.excl);
    const link = decodeLink(m);
    assert.ok(link.ok);
    assert.equal(link.value.ifindex, 0);
    assert.equal(link.value.name, 'vrrp.51');
    assert.equal(link.value.mac, '00:00:5e:00:01:33');
    assert.equal(link.value.link, 6);
    assert.equal(link.value.kind, 'macvlan');
    assert.equal(link.value.macvlanMode, MACVLAN_MODE.private);
  });

  test('encodeUpdateMacvlan() names the link by index and sets MAC and mode, without creating', () => {
    const m = one(encodeUpdateMacvlan(9, '00:00:5e:00:02:07', 3));
    assert.equal(m.flags, NLM_F.request | NLM_F.ack);
    const link = decodeLink({ ...m, payload: withName(m.payload) });
    assert.ok(link.ok);
    assert.equal(link.value.ifindex, 9);
    assert.equal(link.value.mac, '00:00:5e:00:02:07');
    assert.equal(link.value.macvlanMode, MACVLAN_MODE.private);
    assert.equal(link.value.link, undefined);
  });

  test('encodeSetLinkUp() changes IFF_UP only', () => {
    for (const up of [true, false]) {
      const p = one(encodeSetLinkUp(4, up, 1)).payload;
      assert.equal(p.readInt32LE(4), 4);
      assert.equal(readU32(p, 8), up ? IFF.up : 0);
      assert.equal(readU32(p, 12), IFF.up);
    }
  });

  test('encodeDelLink() is an RTM_DELLINK of the index', () => {
    const m = one(encodeDelLink(12, 5));
    assert.equal(m.type, RTM.delLink);
    assert.equal(m.payload.readInt32LE(4), 12);
    assert.equal(m.payload.length, IFINFOMSG_LEN);
  });

  test('encodeSetIpv4Conf() nests IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF with one u32 per setting', () => {
    const m = one(
      encodeSetIpv4Conf(
        3,
        [
          [IPV4_DEVCONF.arpIgnore, 1],
          [IPV4_DEVCONF.rpFilter, 0],
        ],
        1,
      ),
    );
    const spec = parseAttrs(m.payload, IFINFOMSG_LEN).attrs.get(IFLA.afSpec);
    assert.ok(spec);
    const inet = parseAttrs(spec, 0).attrs.get(2);
    assert.ok(inet);
    const conf = parseAttrs(inet, 0).attrs.get(1);
    assert.ok(conf);
    const values = parseAttrs(conf, 0).attrs;
    assert.deepEqual(
      [...values].map(([k, v]) => [k, readU32(v, 0)]),
      [
        [19, 1],
        [8, 0],
      ],
    );
  });

  test('encodeAddrGenModeNone() sets IFLA_INET6_ADDR_GEN_MODE to none (1) under AF_INET6', () => {
    const spec = parseAttrs(one(encodeAddrGenModeNone(3, 1)).payload, IFINFOMSG_LEN).attrs.get(IFLA.afSpec);
    assert.ok(spec);
    const inet6 = parseAttrs(spec, 0).attrs.get(10);
    assert.ok(inet6);
    assert.deepEqual([...(parseAttrs(inet6, 0).attrs.get(8) ?? [])], [1]);
  });

  test('macBytes() refuses what is not six octets', () => {
    assert.deepEqual([...macBytes('00:00:5E:00:01:FF')], [0, 0, 0x5e, 0, 1, 0xff]);
    for (const bad of ['00:00:5e:00:01', '00:00:5e:00:01:1', 'zz:00:5e:00:01:01', ''])
      assert.throws(() => macBytes(bad), RangeError);
  });
});

/** Adds an IFLA_IFNAME so decodeLink accepts a request that names the link by index only. */
function withName(payload: Buffer): Buffer {
  return Buffer.concat([payload, encodeAttrString(IFLA.ifname, 'x')]);
}

describe('decodeLink() on a macvlan', () => {
  test('reads kind, mode and the IPv4 devconf the kernel sends in a dump', () => {
    const info = Buffer.alloc(IFINFOMSG_LEN);
    info.writeInt32LE(8, 4);
    const conf = Buffer.alloc(4 * 32);
    conf.writeUInt32LE(1, (IPV4_DEVCONF.arpIgnore - 1) * 4);
    conf.writeUInt32LE(1, (IPV4_DEVCONF.arpFilter - 1) * 4);
    const msg = encodeMessage({ type: RTM.newLink, flags: 0, seq: 0 }, [
      info,
      encodeAttrString(IFLA.ifname, 'vrrp.51'),
      encodeAttr(IFLA.address, macBytes('00:00:5e:00:01:33')),
      encodeAttrU32(IFLA.link, 6),
      encodeAttr(
        IFLA.linkinfo,
        Buffer.concat([
          encodeAttrString(IFLA_INFO.kind, 'macvlan'),
          encodeAttr(IFLA_INFO.data, encodeAttrU32(1, MACVLAN_MODE.bridge)),
        ]),
      ),
      encodeAttr(IFLA.afSpec, encodeAttr(2, encodeAttr(1, conf))),
    ]);
    const link = decodeLink(one(msg));
    assert.ok(link.ok);
    assert.equal(link.value.kind, 'macvlan');
    assert.equal(link.value.macvlanMode, MACVLAN_MODE.bridge);
    assert.equal(link.value.ipv4Conf?.get(IPV4_DEVCONF.arpIgnore), 1);
    assert.equal(link.value.ipv4Conf?.get(IPV4_DEVCONF.arpFilter), 1);
    assert.equal(link.value.ipv4Conf?.get(IPV4_DEVCONF.rpFilter), 0);
  });

  test('a veth has its kind and no macvlan mode', () => {
    const msg = encodeMessage({ type: RTM.newLink, flags: 0, seq: 0 }, [
      Buffer.alloc(IFINFOMSG_LEN),
      encodeAttrString(IFLA.ifname, 'eth0'),
      encodeAttr(IFLA.linkinfo, encodeAttrString(IFLA_INFO.kind, 'veth')),
    ]);
    const link = decodeLink(one(msg));
    assert.ok(link.ok);
    assert.equal(link.value.kind, 'veth');
    assert.equal(link.value.macvlanMode, undefined);
  });
});
