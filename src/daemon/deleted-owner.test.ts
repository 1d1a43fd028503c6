/**
 * deletedOwner against the kernel's own deletion notifications, as the kernel 6.x of this
 * machine sends them for `ip addr del` / `ip route del` / `ip rule del` (bytes recorded with
 * the deletion monitor).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryConfigFs } from '../config/fs.js';
import { loadConfig } from '../config/load.js';
import type { Deleted } from '../net/rtnetlink-deleted.js';
import { deletedOwner } from './deleted-owner.js';
import { type InterfaceInfo, planVrrp } from './vrrp-plan.js';

const ETH0: InterfaceInfo = {
  name: 'eth0',
  ifindex: 2,
  mac: '02:00:00:00:00:01',
  up: true,
  ipv4: ['192.0.2.1'],
};

function plan(body: string) {
  const r = loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': body }),
    env: { interfaces: { exists: (n) => n === 'eth0', isLoopback: () => false }, fileExists: () => false },
    cwd: '/',
  });
  assert.ok(r.config, 'config loads');
  return planVrrp(r.config, new Map([['eth0', ETH0]])).instances;
}

const CONFIG = `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    192.0.2.100/24
    192.0.2.102/24 no_track
  }
  virtual_ipaddress_excluded {
    2001:db8::100/64
  }
  virtual_routes {
    198.51.100.0/24 via 192.0.2.254
    203.0.113.0/24 dev eth0 table 100 metric 5
  }
  virtual_rules {
    from 192.0.2.100 table 100 priority 100
  }
}
`;

const ifindexOf = (n: string): number | undefined => (n === 'eth0' ? 2 : undefined);
const all = (): boolean => true;

test('deletedOwner: a VIP or excluded VIP on its interface is the instance’s, a no_track one is nobody’s', () => {
  const instances = plan(CONFIG);
  const addr = (family: 4 | 6, address: string, ifindex = 2): Deleted => ({
    kind: 'address',
    family,
    ifindex,
    address,
  });
  assert.deepEqual(deletedOwner(addr(4, '192.0.2.100'), instances, all, ifindexOf), {
    instance: 'VI_1',
    detail: 'Netlink reflector reports IP 192.0.2.100 removed from eth0',
  });
  assert.equal(deletedOwner(addr(6, '2001:db8::100'), instances, all, ifindexOf)?.instance, 'VI_1');
  assert.equal(
    deletedOwner(addr(4, '192.0.2.100', 3), instances, all, ifindexOf),
    undefined,
    'other interface',
  );
  assert.equal(deletedOwner(addr(4, '192.0.2.102'), instances, all, ifindexOf), undefined, 'no_track');
  assert.equal(
    deletedOwner(addr(4, '192.0.2.100'), instances, () => false, ifindexOf),
    undefined,
    'not held',
  );
});

test('deletedOwner: routes and rules match the kernel’s notifications of their deletion', () => {
  const instances = plan(CONFIG);
  // A route without dev is not tracked (keepalived: "cannot track route ... not tracking").
  const via: Deleted = {
    kind: 'route',
    key: '4|254|24|0|0|c6336400|*',
    keyWithOif: '4|254|24|0|0|c6336400|2',
  };
  assert.equal(deletedOwner(via, instances, all, ifindexOf), undefined);
  const dev: Deleted = {
    kind: 'route',
    key: '4|100|24|0|5|cb007100|*',
    keyWithOif: '4|100|24|0|5|cb007100|2',
  };
  assert.equal(deletedOwner(dev, instances, all, ifindexOf)?.instance, 'VI_1');
  const otherMetric: Deleted = {
    kind: 'route',
    key: '4|100|24|0|6|cb007100|*',
    keyWithOif: '4|100|24|0|6|cb007100|2',
  };
  assert.equal(deletedOwner(otherMetric, instances, all, ifindexOf), undefined);
  // `ip rule del priority 100` (struct fib_rule_hdr + attributes as the kernel reports them).
  const rule: Deleted = {
    kind: 'rule',
    key: '4|100|1||100|false|32|c0000264|0|-|0|-|-|-|4294967295|-|-|-|-|-|0|-|-|-',
  };
  assert.equal(deletedOwner(rule, instances, all, ifindexOf)?.instance, 'VI_1');
});
