import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryConfigFs } from '../config/fs.js';
import { loadConfig } from '../config/load.js';
import { type InterfaceInfo, planVrrp } from './vrrp-plan.js';
import { waitingInterfaces } from './waiting-instances.js';

const ETH0: InterfaceInfo = {
  name: 'eth0',
  ifindex: 2,
  mac: '02:00:00:00:00:01',
  up: true,
  ipv4: ['192.0.2.1'],
};

const conf = (global: string): string =>
  `${global}vrrp_instance VI_1 {\n  interface eth9\n  virtual_router_id 51\n  virtual_ipaddress {\n    192.0.2.100\n  }\n}\n` +
  'vrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 52\n  virtual_ipaddress {\n    192.0.2.200\n  }\n}\n';

function load(body: string) {
  return loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': body }),
    env: { interfaces: { exists: (n) => n === 'eth0', isLoopback: () => false }, fileExists: () => false },
    cwd: '/',
  });
}

for (const global of ['', 'global_defs {\n  dynamic_interfaces\n}\n']) {
  test(`a missing instance interface (${global ? 'with' : 'without'} dynamic_interfaces): kept, not planned, waited for`, () => {
    const r = load(conf(global));
    const config = r.config ?? assert.fail('config loads');
    assert.equal(config.vrrp.instances[0]?.interface, 'eth9');
    const plan = planVrrp(config, new Map([['eth0', ETH0]]));
    assert.deepEqual(
      plan.instances.map((i) => i.params.name),
      ['VI_2'],
    );
    assert.deepEqual([...waitingInterfaces(config, plan.instances)], ['eth9']);
    const eth9: InterfaceInfo = { name: 'eth9', ifindex: 7, mac: '02:00:00:00:00:09', up: false, ipv4: [] };
    const noAddress = planVrrp(
      config,
      new Map([
        ['eth0', ETH0],
        ['eth9', eth9],
      ]),
    );
    assert.deepEqual([...waitingInterfaces(config, noAddress.instances)], ['eth9'], 'no address yet: waits');
    const ready = planVrrp(
      config,
      new Map([
        ['eth0', ETH0],
        ['eth9', { ...eth9, ipv4: ['198.51.100.1'] }],
      ]),
    );
    assert.deepEqual(
      ready.instances.map((i) => i.params.name),
      ['VI_1', 'VI_2'],
    );
    assert.equal(waitingInterfaces(config, ready.instances).size, 0);
  });
}

test('-t still reports what keepalived does for a missing interface without dynamic_interfaces', () => {
  const r = load(conf(''));
  assert.ok(
    r.diagnostics.some((d) => d.message.includes('Non-existent interface specified in configuration')),
  );
  assert.ok(
    r.diagnostics.some((d) => d.message.includes("interface eth9 for vrrp_instance VI_1 doesn't exist")),
  );
});
