import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpAddressConfig } from '../config/model/vrrp-instance.js';
import { FakeRtnetlink } from '../testing/fake-rtnetlink.js';
import type { VipsEffect } from '../vrrp/ports.js';
import { NetlinkRoute } from './netlink-route.js';
import { addrRequestFor, describeVip, type VipDetail, vipDetailFromConfig } from './netlink-vip-detail.js';
import { NetlinkVipManager } from './netlink-vips.js';
import { RTM } from './rtnetlink.js';
import { IFA_F } from './rtnetlink-addr.js';

const effect = (vips: string[], excludedVips: string[] = []): VipsEffect => ({
  kind: 'add-vips',
  vips,
  excludedVips,
  routes: [],
  rules: [],
  blockIncoming: false,
});

/** VIPs on eth0 (ifindex 2); anything in 198.51.100.0/24 is on an interface that has gone. */
const detail = (vip: string): VipDetail => {
  const [address = '', len] = vip.split('/');
  const family = address.includes(':') ? 6 : 4;
  return {
    ifindex: address.startsWith('198.51.100.') ? 0 : 2,
    ifname: 'eth0',
    family,
    address,
    prefixLen: len === undefined ? (family === 4 ? 32 : 128) : Number(len),
    scope: 0,
    ifaFlags: family === 6 ? IFA_F.nodad : 0,
  };
};

const setup = () => {
  const kernel = new FakeRtnetlink();
  const logs: string[] = [];
  const route = new NetlinkRoute({ open: kernel.open, firstSeq: 0 });
  const vips = new NetlinkVipManager({ route, log: (t) => logs.push(t), resolve: (_i, v) => detail(v) });
  const local = () => kernel.addrs.map((a) => describeAddr(a.attrs.get(2)));
  return { kernel, logs, route, vips, local };
};
const describeAddr = (b: Buffer | undefined): string =>
  b === undefined ? '?' : b.length === 4 ? [...b].join('.') : b.toString('hex');

describe('NetlinkVipManager', () => {
  test('addVips() adds the VIPs, then the excluded VIPs, in order', async () => {
    const { vips, local, logs, route } = setup();
    vips.addVips('VI_1', effect(['192.0.2.1', '192.0.2.2/24'], ['203.0.113.9']));
    await vips.flush();
    assert.deepEqual(local(), ['192.0.2.1', '192.0.2.2', '203.0.113.9']);
    assert.deepEqual(logs, []);
    route.close();
  });

  test('adding a present address and removing an absent one are silent successes', async () => {
    const { vips, local, logs, route } = setup();
    const e = effect(['192.0.2.1', '2001:db8::1/64']);
    vips.addVips('VI_1', e);
    vips.addVips('VI_1', e);
    await vips.flush();
    assert.equal(local().length, 2);
    vips.delVips('VI_1', { ...e, kind: 'del-vips' });
    vips.delVips('VI_1', { ...e, kind: 'del-vips' });
    await vips.flush();
    assert.deepEqual(local(), []);
    assert.deepEqual(logs, []);
    route.close();
  });

  test('add then delete then add, queued at once, leaves the address there (FIFO)', async () => {
    const { vips, local, route, kernel } = setup();
    const e = effect(['192.0.2.1']);
    vips.addVips('VI_1', e);
    vips.delVips('VI_1', { ...e, kind: 'del-vips' });
    vips.addVips('VI_1', e);
    await vips.flush();
    assert.deepEqual(
      kernel.received.map((m) => m.type),
      [RTM.newAddr, RTM.delAddr, RTM.newAddr],
    );
    assert.deepEqual(local(), ['192.0.2.1']);
    route.close();
  });

  test('a kernel error is logged in keepalived words, with what was being done', async () => {
    const { vips, kernel, logs, route } = setup();
    kernel.failures.push(22);
    vips.addVips('VI_1', effect(['192.0.2.7/24']));
    await vips.flush();
    assert.deepEqual(logs, [
      'Netlink: error: Invalid argument(22), type=RTM_NEWADDR(20), seq=1, pid=0 - (VI_1) adding 192.0.2.7/24 dev eth0 scope global',
    ]);
    route.close();
  });

  test('a VIP whose interface does not exist is not added, and says so', async () => {
    const { vips, logs, kernel, route } = setup();
    vips.addVips('VI_2', effect(['198.51.100.1']));
    vips.delVips('VI_2', { ...effect(['198.51.100.1']), kind: 'del-vips' });
    await vips.flush();
    assert.deepEqual(logs, ["(VI_2) Not adding address 198.51.100.1 since interface doesn't exist"]);
    assert.equal(kernel.received.length, 0);
    route.close();
  });

  test('a resolver or logger that throws costs one VIP, not the queue', async () => {
    const kernel = new FakeRtnetlink();
    const logs: string[] = [];
    const route = new NetlinkRoute({ open: kernel.open, firstSeq: 0 });
    const vips = new NetlinkVipManager({
      route,
      log: (t) => {
        logs.push(t);
        throw new Error('log sink gone');
      },
      resolve: (_i, v) => {
        if (v === '192.0.2.66') throw new Error('no such address');
        return detail(v);
      },
    });
    kernel.failures.push(22);
    vips.addVips('VI_1', effect(['192.0.2.65', '192.0.2.66', '192.0.2.67']));
    await vips.flush();
    assert.equal(logs.length, 2);
    assert.match(logs[0] ?? '', /cannot resolve address 192\.0\.2\.66: no such address/);
    assert.equal(kernel.addrs.length, 1);
    route.close();
  });

  test('a timeout is logged, not thrown, and flush() still resolves', async () => {
    const kernel = new FakeRtnetlink();
    kernel.silent = true;
    const logs: string[] = [];
    const vips = new NetlinkVipManager({
      log: (t) => logs.push(t),
      resolve: (_i, v) => detail(v),
      routeOptions: { open: kernel.open, timeoutMs: 10, firstSeq: 0 },
    });
    vips.addVips('VI_1', effect(['192.0.2.1']));
    await vips.flush();
    assert.deepEqual(logs, [
      'Netlink: no answer to RTM_NEWADDR(20) seq=1 within 10 ms - (VI_1) adding 192.0.2.1 dev eth0 scope global',
    ]);
    vips.close();
    assert.equal(kernel.closed, true, 'a manager closes the socket it opened');
  });

  test('removeStale() removes those present and counts them', async () => {
    const { vips, local, logs, route } = setup();
    vips.addVips('VI_1', effect(['192.0.2.1', '192.0.2.2']));
    await vips.flush();
    const removed = await vips.removeStale(['192.0.2.1', '192.0.2.2', '192.0.2.3'].map(detail));
    assert.equal(removed, 2);
    assert.deepEqual(local(), []);
    assert.deepEqual(logs, []);
    route.close();
  });

  test('listAddresses() filters by interface', async () => {
    const { vips, route } = setup();
    vips.addVips('VI_1', effect(['192.0.2.1']));
    await vips.flush();
    assert.deepEqual(
      (await vips.listAddresses(2)).map((a) => a.local),
      ['192.0.2.1'],
    );
    assert.deepEqual(await vips.listAddresses(5), []);
    route.close();
  });

  test("an instance's VIPs go to the kernel in one datagram, each with its own answer", async () => {
    const kernel = new FakeRtnetlink();
    const refused: string[] = [];
    const logs: string[] = [];
    const route = new NetlinkRoute({ open: kernel.open, firstSeq: 0, maxInFlight: 1024 });
    const vips = new NetlinkVipManager({
      route,
      log: (t) => logs.push(t),
      resolve: (_i, v) => detail(v),
      onRefused: (_i, v) => refused.push(v),
    });
    const texts = Array.from({ length: 1000 }, (_, i) => `2001:db8:1::${(i + 1).toString(16)}`);
    kernel.failures.push(0, 0, 22); // the third is refused, the rest go in
    vips.addVips('VI_1', effect(texts));
    await vips.flush();
    assert.equal(kernel.datagrams, 1);
    assert.equal(kernel.addrs.length, 997); // the two "failures" of 0 stand in for the kernel's acks
    assert.deepEqual(refused, ['2001:db8:1::3']);
    assert.deepEqual(logs, [
      'Netlink: error: Invalid argument(22), type=RTM_NEWADDR(20), seq=3, pid=0 - (VI_1) adding 2001:db8:1::3 dev eth0 scope global',
    ]);
    vips.delVips('VI_1', { ...effect(texts), kind: 'del-vips' });
    await vips.flush();
    assert.equal(kernel.addrs.length, 0);
    assert.equal(kernel.datagrams, 2);
    route.close();
  });

  test('a VIP that cannot be encoded is refused after addVips() returns, the others go in', async () => {
    const kernel = new FakeRtnetlink();
    const refused: string[] = [];
    const logs: string[] = [];
    const route = new NetlinkRoute({ open: kernel.open, firstSeq: 0 });
    const vips = new NetlinkVipManager({
      route,
      log: (t) => logs.push(t),
      resolve: (_i, v) => (v === 'bad' ? { ...detail('192.0.2.9'), label: 'eth0:much-too-long' } : detail(v)),
      onRefused: (_i, v) => refused.push(v),
    });
    vips.addVips('VI_1', effect(['192.0.2.1', 'bad', '192.0.2.2']));
    assert.deepEqual(refused, [], 'not while the core is still applying its effects');
    await vips.flush();
    assert.deepEqual(refused, ['bad']);
    assert.equal(kernel.addrs.length, 2);
    assert.match(
      logs[0] ?? '',
      /^Netlink: not \(VI_1\) adding 192\.0\.2\.9 .*label .* is longer than 15 bytes$/,
    );
    route.close();
  });

  test('the encoded batch is reused while the VIPs resolve the same, and follows a reload', async () => {
    const kernel = new FakeRtnetlink();
    const route = new NetlinkRoute({ open: kernel.open, firstSeq: 0 });
    let table = new Map([['192.0.2.1', detail('192.0.2.1/24')]]);
    let resolved = 0;
    const vips = new NetlinkVipManager({
      route,
      log: () => {},
      resolve: (_i, v) => {
        resolved++;
        return table.get(v);
      },
    });
    const e = effect(['192.0.2.1']);
    const prefixes = () => kernel.addrs.map((a) => a.prefixLen);
    vips.addVips('VI_1', e);
    vips.delVips('VI_1', { ...e, kind: 'del-vips' });
    vips.addVips('VI_1', e);
    await vips.flush();
    assert.deepEqual(prefixes(), [24]);
    assert.equal(resolved, 3, 'resolved at every use, so a change is never missed');
    // A reload: the same text now means a /25.
    table = new Map([['192.0.2.1', detail('192.0.2.1/25')]]);
    vips.delVips('VI_1', { ...e, kind: 'del-vips' });
    await vips.flush();
    assert.deepEqual(prefixes(), [24], 'the kernel matches on the prefix: the /25 is not there');
    vips.addVips('VI_1', e);
    await vips.flush();
    assert.deepEqual(prefixes(), [24, 25]);
    route.close();
  });

  test('after close() nothing is sent, a shared route stays open', async () => {
    const { vips, logs, kernel, route } = setup();
    vips.close();
    vips.addVips('VI_1', effect(['192.0.2.1']));
    await vips.flush();
    assert.equal(kernel.received.length, 0);
    assert.match(logs[0] ?? '', /closed/);
    assert.equal(kernel.closed, false);
    route.close();
  });
});

describe('VipDetail', () => {
  const cfg: IpAddressConfig = {
    family: 6,
    address: '2001:db8::5',
    prefixLen: 128,
    scope: 0,
    ifaFlags: 0,
    ifaFlagMask: 0,
    noTrack: false,
    useVmac: false,
    preferredLft: 0,
  };

  test('vipDetailFromConfig() sets NODAD on IPv6 unless the line says -nodad (keepalived)', () => {
    assert.equal(vipDetailFromConfig(cfg, 2).ifaFlags, IFA_F.nodad);
    assert.equal(vipDetailFromConfig({ ...cfg, ifaFlagMask: IFA_F.nodad }, 2).ifaFlags, 0);
    assert.equal(
      vipDetailFromConfig({ ...cfg, family: 4, address: '192.0.2.1', prefixLen: 32 }, 2).ifaFlags,
      0,
    );
  });

  test('a finite IPv6 preferred lifetime becomes IFA_CACHEINFO; forever sends none', () => {
    const add = addrRequestFor(vipDetailFromConfig(cfg, 2), 'add');
    assert.ok(add.ok);
    assert.deepEqual(add.value.cacheInfo, { preferredSec: 0, validSec: 0xffffffff });
    const forever = addrRequestFor(vipDetailFromConfig({ ...cfg, preferredLft: 0xffffffff }, 2), 'add');
    assert.ok(forever.ok);
    assert.equal(forever.value.cacheInfo, undefined);
  });

  test('deleting an IPv4 point-to-point address matches on its peer', () => {
    const d: VipDetail = { ...detail('203.0.113.5'), peer: '203.0.113.6' };
    const del = addrRequestFor(d, 'del');
    assert.ok(del.ok);
    assert.deepEqual([...(del.value.address ?? [])], [203, 0, 113, 6]);
    assert.equal(del.value.label, undefined);
  });

  test('bad details are reasons: wrong family, long label, IPv6 broadcast', () => {
    assert.equal(addrRequestFor({ ...detail('192.0.2.1'), address: '2001:db8::1' }, 'add').ok, false);
    assert.equal(addrRequestFor({ ...detail('192.0.2.1'), label: 'eth0:abcdefghijkl' }, 'add').ok, false);
    assert.equal(addrRequestFor({ ...detail('2001:db8::1'), broadcast: '192.0.2.255' }, 'add').ok, false);
  });

  test('describeVip() follows keepalived: no /32, brd, dev, scope name, label', () => {
    assert.equal(
      describeVip({ ...detail('192.0.2.1/24'), broadcast: '192.0.2.255', scope: 253, label: 'eth0:1' }),
      '192.0.2.1/24 brd 192.0.2.255 dev eth0 scope link label eth0:1',
    );
    assert.equal(describeVip(detail('192.0.2.1')), '192.0.2.1 dev eth0 scope global');
  });
});
