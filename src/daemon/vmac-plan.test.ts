/**
 * keepalived's VMAC choices: generated names, the RFC 5798 MAC, taking over a matching VMAC
 * (a crashed run's), and what happens to a configured name that is already taken.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryConfigFs } from '../config/fs.js';
import { loadConfig } from '../config/load.js';
import type { KeepalivedConfig } from '../config/model.js';
import { type LinkInfo, MACVLAN_MODE } from '../net/rtnetlink-link.js';
import { expectedVmacs, planVmacs, vmacAddress } from './vmac-plan.js';
import { type InterfaceInfo, planVrrp } from './vrrp-plan.js';

const link = (name: string, ifindex: number, extra: Partial<LinkInfo> = {}): LinkInfo => ({
  name,
  ifindex,
  type: 1,
  flags: 0,
  up: true,
  running: true,
  mtu: 1500,
  ...extra,
});
const ETH0 = link('eth0', 2, { mac: '02:00:00:00:00:01' });
const ETH1 = link('eth1', 3, { mac: '02:00:00:00:00:02' });
const macvlan = (
  name: string,
  ifindex: number,
  lower: number,
  mac: string,
  mode: number = MACVLAN_MODE.private,
) => link(name, ifindex, { kind: 'macvlan', macvlanMode: mode, link: lower, mac });

function model(body: string, existing: readonly string[] = []): KeepalivedConfig {
  const r = loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': body }),
    env: {
      interfaces: {
        exists: (n) => ['eth0', 'eth1', ...existing].includes(n),
        isLoopback: () => false,
        mayBeMacvlan: (n) => existing.includes(n),
      },
      fileExists: () => false,
    },
    cwd: '/',
  });
  assert.ok(r.config, 'config loads');
  return r.config;
}

const instance = (name: string, vrid: number, vmac: string, vip = '192.0.2.250', itf = 'eth0') =>
  `vrrp_instance ${name} {\n interface ${itf}\n virtual_router_id ${vrid}\n ${vmac}\n virtual_ipaddress {\n ${vip}\n }\n}\n`;

test('a VMAC without a name is vrrp.VRID with 00:00:5e:00:01:VRID, created', () => {
  const cfg = model(instance('VI_1', 51, 'use_vmac'));
  const plan = planVmacs(cfg.vrrp.instances, [ETH0]);
  assert.deepEqual(plan.messages, []);
  assert.deepEqual(plan.vmacs, [
    {
      instance: 'VI_1',
      family: 4,
      vrid: 51,
      mac: '00:00:5e:00:01:33',
      baseName: 'eth0',
      baseIfindex: 2,
      xmitBase: false,
      ifname: 'vrrp.51',
      action: { kind: 'create' },
    },
  ]);
});

test('IPv6 uses 00:00:5e:00:02:VRID; a taken name moves on to vrrp6.VRID, then vrrp1.VRID', () => {
  const cfg = model(
    instance('A', 5, 'use_vmac', '2001:db8::1/64') +
      instance('B', 5, 'use_vmac', '2001:db8::2/64', 'eth1') +
      instance('C', 5, 'use_vmac', '2001:db8::3/64', 'eth1'),
  );
  const plan = planVmacs(cfg.vrrp.instances, [ETH0, ETH1]);
  assert.deepEqual(
    plan.vmacs.map((v) => [v.ifname, v.mac]),
    [
      ['vrrp.5', '00:00:5e:00:02:05'],
      ['vrrp6.5', '00:00:5e:00:02:05'],
      ['vrrp1.5', '00:00:5e:00:02:05'],
    ],
  );
});

test('an IPv4 VMAC whose name is held by an existing interface takes vrrp1.VRID', () => {
  const cfg = model(instance('VI_1', 7, 'use_vmac'));
  const plan = planVmacs(cfg.vrrp.instances, [ETH0, link('vrrp.7', 9)]);
  assert.equal(plan.vmacs[0]?.ifname, 'vrrp1.7');
});

test('vmac_prefix and a long prefix are cut to fit IFNAMSIZ', () => {
  const cfg = model(instance('VI_1', 200, 'use_vmac'));
  assert.equal(
    planVmacs(cfg.vrrp.instances, [ETH0], 'averyveryverylongprefix').vmacs[0]?.ifname,
    'averyveryve.200',
  );
});

test("a crashed run's VMAC (private macvlan, same base, same MAC) is taken over under its name", () => {
  const cfg = model(instance('VI_1', 51, 'use_vmac vmac51'));
  const plan = planVmacs(cfg.vrrp.instances, [ETH0, macvlan('vrrp.51', 8, 2, '00:00:5e:00:01:33')]);
  assert.deepEqual(plan.messages, [
    '(VI_1) Found matching interface vrrp.51',
    '(VI_1) vmac name mismatch vmac51 <=> vrrp.51. changing to vrrp.51.',
  ]);
  assert.equal(plan.vmacs[0]?.ifname, 'vrrp.51');
  assert.deepEqual(plan.vmacs[0]?.action, { kind: 'reuse', ifindex: 8 });
});

test('a macvlan on another base or in another mode does not match', () => {
  const cfg = model(instance('VI_1', 51, 'use_vmac'));
  for (const other of [
    macvlan('x1', 8, 3, '00:00:5e:00:01:33'),
    macvlan('x2', 9, 2, '00:00:5e:00:01:33', MACVLAN_MODE.bridge),
    macvlan('x3', 10, 2, '00:00:5e:00:01:34'),
  ]) {
    assert.deepEqual(planVmacs(cfg.vrrp.instances, [ETH0, ETH1, other]).vmacs[0]?.action, { kind: 'create' });
  }
});

test('a configured name held by a macvlan is updated (same base) or replaced (other base)', () => {
  const cfg = model(instance('VI_1', 51, 'use_vmac mine'), ['mine']);
  const same = planVmacs(cfg.vrrp.instances, [ETH0, macvlan('mine', 8, 2, '02:11:11:11:11:11')]);
  assert.deepEqual(same.vmacs[0]?.action, { kind: 'update', ifindex: 8 });
  assert.deepEqual(same.messages, [
    '(VI_1) VMAC mine already exists but is incompatible. It will be deleted/updated',
  ]);
  const other = planVmacs(cfg.vrrp.instances, [ETH0, ETH1, macvlan('mine', 8, 3, '00:00:5e:00:01:33')]);
  assert.deepEqual(other.vmacs[0]?.action, { kind: 'replace', ifindex: 8 });
});

test('a configured name held by a non-macvlan is dropped for a generated one', () => {
  const cfg = model(instance('VI_1', 51, 'use_vmac mine'), ['mine']);
  const plan = planVmacs(cfg.vrrp.instances, [ETH0, link('mine', 8, { kind: 'vlan', link: 2 })]);
  assert.equal(plan.vmacs[0]?.ifname, 'vrrp.51');
  assert.deepEqual(plan.vmacs[0]?.action, { kind: 'create' });
});

test('vmac_xmit_base is carried; a configured MAC of 5 octets takes the VRID as the sixth', () => {
  const cfg = model(instance('VI_1', 51, 'use_vmac 02:aa:bb:cc:dd\n vmac_xmit_base'));
  const v = cfg.vrrp.instances[0];
  assert.ok(v);
  assert.equal(vmacAddress(v), '02:aa:bb:cc:dd:33');
  assert.equal(planVmacs(cfg.vrrp.instances, [ETH0]).vmacs[0]?.xmitBase, true);
});

test('instances without use_vmac, or on a missing interface, get no VMAC', () => {
  const cfg = model(instance('VI_1', 51, '') + instance('VI_2', 52, 'use_vmac', '192.0.2.251', 'eth1'));
  assert.deepEqual(planVmacs(cfg.vrrp.instances, [ETH0]).vmacs, []);
});

test('--reload-plan: a running instance keeps its VMAC; a new one gets the name a reload would make', () => {
  const itf = (name: string, ifindex: number): InterfaceInfo => ({
    name,
    ifindex,
    mac: '02:00:00:00:00:01',
    up: true,
    ipv4: name === 'eth0' ? ['192.0.2.1'] : [],
  });
  const cfg = model(instance('VI_1', 51, 'use_vmac') + instance('VI_2', 52, 'use_vmac', '192.0.2.251'));
  const now = new Map([
    ['eth0', itf('eth0', 2)],
    ['vrrp1.51', itf('vrrp1.51', 8)],
  ]);
  const running = planVrrp(
    model(instance('VI_1', 51, 'use_vmac')),
    now,
    new Map([['VI_1', { ifname: 'vrrp1.51', xmitBase: false }]]),
  );
  const e = expectedVmacs(cfg.vrrp.instances, running.instances, now);
  assert.deepEqual(
    [...e.bindings],
    [
      ['VI_1', { ifname: 'vrrp1.51', xmitBase: false }],
      ['VI_2', { ifname: 'vrrp.52', xmitBase: false }],
    ],
  );
  assert.equal(e.interfaces.get('vrrp.52')?.mac, '00:00:5e:00:01:34');
  assert.equal(planVrrp(cfg, e.interfaces, e.bindings).instances.length, 2);
});
