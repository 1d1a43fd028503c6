/**
 * The config model mapped onto what the VRRP worker runs: keepalived's defaults reach the core,
 * the advert source follows keepalived's choice, unicast peers replace the group.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryConfigFs } from '../config/fs.js';
import { loadConfig } from '../config/load.js';
import type { KeepalivedConfig } from '../config/model.js';
import { type InterfaceInfo, planVrrp } from './vrrp-plan.js';

const ETH0: InterfaceInfo = {
  name: 'eth0',
  ifindex: 2,
  mac: '02:00:00:00:00:01',
  up: true,
  ipv4: ['192.0.2.1', '192.0.2.9'],
  ipv6LinkLocal: 'fe80::1',
};
const INTERFACES = new Map([['eth0', ETH0]]);

function model(body: string): KeepalivedConfig {
  const r = loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': body }),
    env: {
      interfaces: { exists: (n) => n === 'eth0' || n === 'eth9', isLoopback: () => false },
      fileExists: () => false,
    },
    cwd: '/',
  });
  assert.ok(r.config, 'config loads');
  return r.config;
}

const instance = (...lines: string[]): string =>
  `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n${lines.map((l) => `  ${l}\n`).join('')}}\n`;

test("the seed's instance: keepalived's defaults and the interface's primary address", () => {
  const plan = planVrrp(
    model(
      instance(
        'state MASTER',
        'priority 100',
        'authentication {',
        'auth_type PASS',
        'auth_pass itwhs',
        '}',
        'virtual_ipaddress {',
        '192.0.2.250',
        '198.51.100.1/24 dev eth0 label eth0:1',
        '}',
      ),
    ),
    INTERFACES,
  );
  assert.deepEqual(plan.messages, []);
  const [{ params, wiring }] = plan.instances as [(typeof plan.instances)[number]];
  assert.equal(params.name, 'VI_1');
  assert.equal(params.basePriority, 100);
  assert.equal(params.initialState, 'MASTER');
  assert.equal(params.version, 2);
  assert.deepEqual(params.auth, { type: 'pass', pass: 'itwhs' });
  assert.deepEqual(params.vips, ['192.0.2.250', '198.51.100.1/24']);
  assert.equal(params.srcAddr, '192.0.2.1');
  assert.equal(params.adverIntUs, 1_000_000);
  assert.equal(params.garp.masterDelayUs, 5_000_000);
  assert.deepEqual(wiring.destinations, ['224.0.0.18']);
  assert.equal(wiring.multicast, true);
  assert.equal(wiring.ifindex, 2);
  assert.equal(wiring.ttl, 255);
  const vip = wiring.vips.get('198.51.100.1/24');
  assert.equal(vip?.ifname, 'eth0');
  assert.equal(vip?.config.label, 'eth0:1');
  assert.equal(vip?.config.prefixLen, 24);
});

test('unicast: peers are the destinations and unicast_src_ip the source', () => {
  const plan = planVrrp(
    model(
      instance(
        'priority 90',
        'unicast_src_ip 192.0.2.9',
        'unicast_peer {',
        '192.0.2.2',
        '}',
        'virtual_ipaddress {',
        '192.0.2.250',
        '}',
      ),
    ),
    INTERFACES,
  );
  const { params, wiring } = plan.instances[0] ?? assert.fail('planned');
  assert.equal(params.srcAddr, '192.0.2.9');
  assert.deepEqual(params.unicastPeers, ['192.0.2.2']);
  assert.deepEqual(wiring.destinations, ['192.0.2.2']);
  assert.equal(wiring.multicast, false);
});

test('IPv6 v3 sends from the link-local address to ff02::12', () => {
  const plan = planVrrp(
    model(instance('version 3', 'advert_int 0.1', 'virtual_ipaddress {', '2001:db8::250', '}')),
    INTERFACES,
  );
  const { params, wiring } = plan.instances[0] ?? assert.fail('planned');
  assert.equal(params.family, 6);
  assert.equal(params.version, 3);
  assert.equal(params.adverIntUs, 100_000);
  assert.equal(params.srcAddr, 'fe80::1');
  assert.deepEqual(wiring.destinations, ['ff02::12']);
});

test('nopreempt with state MASTER does not survive (keepalived clears it); a missing interface is reported', () => {
  const cfg = model(
    `${instance('state MASTER', 'nopreempt', 'virtual_ipaddress {', '192.0.2.250', '}')}vrrp_instance VI_2 {\n  interface eth9\n  virtual_router_id 52\n  virtual_ipaddress {\n    192.0.2.251\n  }\n}\n`,
  );
  const plan = planVrrp(cfg, INTERFACES);
  assert.equal(plan.instances.length, 1);
  assert.equal(plan.instances[0]?.params.preempt, true);
  assert.ok(plan.messages.some((m) => m.includes("interface eth9 which doesn't currently exist")));
});

const VMAC: InterfaceInfo = { name: 'vrrp.51', ifindex: 8, mac: '00:00:5e:00:01:33', up: true, ipv4: [] };

test('use_vmac: VIPs without dev and the adverts go on the VMAC, from the base address', () => {
  const cfg = model(
    instance('use_vmac', 'virtual_ipaddress {', '192.0.2.250', '198.51.100.1/24 dev eth0', '}'),
  );
  const plan = planVrrp(
    cfg,
    new Map([...INTERFACES, ['vrrp.51', VMAC]]),
    new Map([['VI_1', { ifname: 'vrrp.51', xmitBase: false }]]),
  );
  const [{ params, wiring }] = plan.instances as [(typeof plan.instances)[number]];
  assert.equal(wiring.ifname, 'vrrp.51');
  assert.equal(wiring.ifindex, 8);
  assert.equal(wiring.srcAddr, '192.0.2.1');
  assert.equal(params.interfaceName, 'vrrp.51');
  assert.equal(wiring.vips.get('192.0.2.250')?.ifname, 'vrrp.51');
  assert.equal(wiring.vips.get('198.51.100.1/24')?.ifname, 'eth0');
});

test('vmac_xmit_base: the VIPs on the VMAC, the adverts on the base', () => {
  const cfg = model(instance('use_vmac', 'vmac_xmit_base', 'virtual_ipaddress {', '192.0.2.250', '}'));
  const plan = planVrrp(
    cfg,
    new Map([...INTERFACES, ['vrrp.51', VMAC]]),
    new Map([['VI_1', { ifname: 'vrrp.51', xmitBase: true }]]),
  );
  const [{ wiring }] = plan.instances as [(typeof plan.instances)[number]];
  assert.equal(wiring.ifname, 'eth0');
  assert.equal(wiring.ifindex, 2);
  assert.equal(wiring.vips.get('192.0.2.250')?.ifname, 'vrrp.51');
});

test('use_vmac whose VMAC could not be set up: the instance is not started, and says so', () => {
  const cfg = model(instance('use_vmac', 'virtual_ipaddress {', '192.0.2.250', '}'));
  const plan = planVrrp(cfg, INTERFACES);
  assert.deepEqual(plan.instances, []);
  assert.deepEqual(plan.messages, ['(VI_1) VMAC interface (none) not available - instance not started']);
});
