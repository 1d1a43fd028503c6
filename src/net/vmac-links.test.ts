/**
 * The VMAC adapter against the fake kernel: the requests keepalived makes, in its order, and
 * the base's arp settings taken once for all its VMACs and put back after the last one goes.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { FakeRtnetlink } from '../testing/fake-rtnetlink.js';
import { NetlinkRoute } from './netlink-route.js';
import { RTM } from './rtnetlink.js';
import { IPV4_DEVCONF } from './rtnetlink-link.js';
import { VmacLinks, type VmacRequest } from './vmac-links.js';

function setup() {
  const kernel = new FakeRtnetlink();
  kernel.links = [
    {
      ifindex: 2,
      name: 'eth0',
      mac: Buffer.from('020000000001', 'hex'),
      mtu: 1500,
      flags: 0x11043,
      conf: new Map([
        [IPV4_DEVCONF.arpIgnore, 2],
        [IPV4_DEVCONF.arpFilter, 0],
      ]),
    },
  ];
  const route = new NetlinkRoute({ open: kernel.open, firstSeq: 1 });
  const logs: string[] = [];
  const sysctls: [string, string][] = [];
  const links = new VmacLinks({
    route,
    log: (t) => logs.push(t),
    writeSysctl: (p, v) => sysctls.push([p, v]),
  });
  return { kernel, route, links, logs, sysctls };
}

const req = (vrid: number, family: 4 | 6 = 4): VmacRequest => ({
  instance: `VI_${vrid}`,
  family,
  ifname: `vrrp.${vrid}`,
  mac: `00:00:5e:00:0${family === 4 ? 1 : 2}:${vrid.toString(16).padStart(2, '0')}`,
  baseName: 'eth0',
  baseIfindex: 2,
  xmitBase: false,
  action: { kind: 'create' },
});

test('setup() creates the macvlan down; bringUp() sets IFF_UP; remove() deletes it', async () => {
  const { kernel, route, links, sysctls } = setup();
  const ifindex = await links.setup(req(51));
  assert.equal(ifindex, 3);
  const vmac = kernel.links.find((l) => l.name === 'vrrp.51');
  assert.equal(vmac?.mac.toString('hex'), '00005e000133');
  assert.equal(vmac?.link, 2);
  assert.equal((vmac?.flags ?? 0) & 1, 0, 'still down');
  assert.deepEqual(sysctls, [['/proc/sys/net/ipv6/conf/vrrp.51/disable_ipv6', '1']]);
  assert.equal(vmac?.conf?.get(IPV4_DEVCONF.arpIgnore), 1);
  assert.equal(vmac?.conf?.get(IPV4_DEVCONF.acceptLocal), 1);
  assert.equal(vmac?.conf?.get(IPV4_DEVCONF.rpFilter), 0);
  assert.equal(vmac?.conf?.get(IPV4_DEVCONF.promoteSecondaries), 1);
  await links.bringUp('vrrp.51');
  assert.equal((vmac?.flags ?? 0) & 1, 1, 'up');
  await links.remove('vrrp.51');
  assert.equal(
    kernel.links.some((l) => l.name === 'vrrp.51'),
    false,
  );
  assert.equal(kernel.received.filter((m) => m.type === RTM.delLink).length, 1);
  route.close();
});

test('the base gets arp_ignore 1 / arp_filter 1 once, and its own values back after the last VMAC', async () => {
  const { kernel, route, links } = setup();
  const base = kernel.links[0];
  await links.setup(req(51));
  await links.setup(req(52));
  assert.equal(base?.conf?.get(IPV4_DEVCONF.arpIgnore), 1);
  assert.equal(base?.conf?.get(IPV4_DEVCONF.arpFilter), 1);
  await links.remove('vrrp.51');
  assert.equal(base?.conf?.get(IPV4_DEVCONF.arpIgnore), 1, 'another VMAC still needs it');
  await links.remove('vrrp.52');
  assert.equal(base?.conf?.get(IPV4_DEVCONF.arpIgnore), 2, 'put back');
  assert.equal(base?.conf?.get(IPV4_DEVCONF.arpFilter), 0);
  route.close();
});

test('an IPv6 VMAC touches no IPv4 setting and keeps IPv6 on', async () => {
  const { kernel, route, links, sysctls } = setup();
  await links.setup(req(52, 6));
  assert.equal(kernel.links.find((l) => l.name === 'vrrp.52')?.mac.toString('hex'), '00005e000234');
  assert.equal(kernel.links[0]?.conf?.get(IPV4_DEVCONF.arpIgnore), 2);
  assert.deepEqual(sysctls, [['/proc/sys/net/ipv6/conf/vrrp.52/disable_ipv6', '0']]);
  route.close();
});

test('a name taken by another link: the kernel says EEXIST, the instance gets no VMAC, the log says why', async () => {
  const { kernel, route, links, logs } = setup();
  kernel.links.push({ ifindex: 9, name: 'vrrp.51', mac: Buffer.alloc(6), mtu: 1500, flags: 0 });
  assert.equal(await links.setup(req(51)), undefined);
  assert.match(logs.join('\n'), /\(VI_51\): Unable to create VMAC interface vrrp\.51: File exists/);
  route.close();
});
