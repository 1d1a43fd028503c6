/**
 * The reload diff: instances matched by keepalived's identity (VRID, family, interface,
 * unicast source or multicast group), VIPs by every attribute, scripts by name; and the
 * snapshot --reload-plan reads round-trips to a no-op diff.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryConfigFs } from '../config/fs.js';
import { loadConfig } from '../config/load.js';
import { diffPlans, formatPlanDiff, isNoop, type RunningPlan } from './plan-diff.js';
import { decodeSnapshot, encodeSnapshot, snapshotPath } from './plan-snapshot.js';
import { freshInstances } from './reload.js';
import { type InterfaceInfo, planVrrp } from './vrrp-plan.js';

const ETH: readonly InterfaceInfo[] = [
  {
    name: 'eth0',
    ifindex: 2,
    mac: '02:00:00:00:00:01',
    up: true,
    ipv4: ['192.0.2.1'],
    ipv6LinkLocal: 'fe80::1',
  },
  { name: 'eth1', ifindex: 3, mac: '02:00:00:00:00:02', up: true, ipv4: ['198.51.100.1'] },
];
const INTERFACES = new Map(ETH.map((i) => [i.name, i]));

function plan(body: string): RunningPlan {
  const r = loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': body }),
    env: {
      interfaces: { exists: (n) => INTERFACES.has(n), isLoopback: () => false },
      fileExists: () => false,
    },
    cwd: '/',
  });
  assert.ok(r.config, 'config loads');
  return { instances: planVrrp(r.config, INTERFACES).instances, scripts: r.config.vrrp.scripts };
}

interface Vi {
  name?: string;
  vrid?: number;
  itf?: string;
  priority?: number;
  vips?: string[];
  extra?: string[];
}
const vi = (o: Vi = {}): string =>
  [
    `vrrp_instance ${o.name ?? 'VI_1'} {`,
    `  interface ${o.itf ?? 'eth0'}`,
    `  virtual_router_id ${o.vrid ?? 51}`,
    `  priority ${o.priority ?? 100}`,
    '  virtual_ipaddress {',
    ...(o.vips ?? ['192.0.2.250']).map((v) => `    ${v}`),
    '  }',
    ...(o.extra ?? []).map((l) => `  ${l}`),
    '}',
    '',
  ].join('\n');

test('the same config is unchanged everywhere', () => {
  const d = diffPlans(plan(vi()), plan(vi()));
  assert.ok(isNoop(d));
  assert.deepEqual(formatPlanDiff(d), ['vrrp_instance VI_1: unchanged']);
});

test('a priority change is an in-place change naming the keyword', () => {
  const d = diffPlans(plan(vi()), plan(vi({ priority: 90 })));
  assert.deepEqual(d.instances, [
    { kind: 'changed', name: 'VI_1', fields: ['priority'], vipsAdded: [], vipsRemoved: [] },
  ]);
  assert.deepEqual(freshInstances(d), new Set());
});

test('VIPs added and removed are listed; an attribute change removes and re-adds the address', () => {
  const d = diffPlans(
    plan(vi({ vips: ['192.0.2.250', '192.0.2.251'] })),
    plan(vi({ vips: ['192.0.2.250', '192.0.2.252/24'] })),
  );
  assert.deepEqual(d.instances, [
    {
      kind: 'changed',
      name: 'VI_1',
      fields: ['virtual_ipaddress'],
      vipsAdded: ['192.0.2.252/24'],
      vipsRemoved: ['192.0.2.251'],
    },
  ]);
  assert.deepEqual(formatPlanDiff(d), [
    'vrrp_instance VI_1: changed: virtual_ipaddress; VIPs +192.0.2.252/24 -192.0.2.251',
  ]);
  const label = diffPlans(plan(vi()), plan(vi({ vips: ['192.0.2.250 label eth0:1'] })));
  assert.deepEqual(label.instances[0], {
    kind: 'changed',
    name: 'VI_1',
    fields: ['virtual_ipaddress'],
    vipsAdded: ['192.0.2.250'],
    vipsRemoved: ['192.0.2.250'],
  });
});

test("identity is keepalived's: a new VRID or interface is a removal and an addition", () => {
  for (const next of [vi({ vrid: 52 }), vi({ itf: 'eth1', vips: ['198.51.100.250'] })]) {
    const d = diffPlans(plan(vi()), plan(next));
    assert.deepEqual(
      d.instances.map((c) => c.kind),
      ['removed', 'added'],
    );
    assert.deepEqual(freshInstances(d), new Set(['VI_1']));
  }
});

test('a rename, a version change or becoming the owner restarts the instance under its identity', () => {
  const cases: [string, string, string[]][] = [
    [vi({ name: 'VI_X' }), 'VI_X', ['name']],
    [vi({ extra: ['version 3'] }), 'VI_1', ['version']],
    [vi({ priority: 255 }), 'VI_1', ['priority']],
  ];
  for (const [next, name, fields] of cases) {
    const d = diffPlans(plan(vi()), plan(next));
    assert.equal(d.instances.length, 1);
    const c = d.instances[0];
    assert.equal(c?.kind, 'replaced');
    assert.equal(c?.name, name);
    assert.deepEqual(c?.kind === 'replaced' ? c.fields.slice(0, fields.length) : [], fields);
  }
});

test('instances added and removed by name; unicast peers change in place', () => {
  const uni = (peer: string) =>
    vi({ extra: ['unicast_src_ip 192.0.2.1', 'unicast_peer {', `  ${peer}`, '}'] });
  const d = diffPlans(
    plan(vi() + vi({ name: 'VI_2', vrid: 52 })),
    plan(vi() + vi({ name: 'VI_3', vrid: 53 })),
  );
  assert.deepEqual(formatPlanDiff(d), [
    'vrrp_instance VI_1: unchanged',
    'vrrp_instance VI_2: removed',
    'vrrp_instance VI_3: added',
  ]);
  const u = diffPlans(plan(uni('192.0.2.2')), plan(uni('192.0.2.3')));
  assert.deepEqual(formatPlanDiff(u), ['vrrp_instance VI_1: changed: unicast_peer']);
  const toUnicast = diffPlans(plan(vi()), plan(uni('192.0.2.3')));
  assert.deepEqual(
    toUnicast.instances.map((c) => c.kind),
    ['removed', 'added'],
  );
});

test('vrrp_scripts are matched by name', () => {
  const script = (name: string, interval: number) =>
    `vrrp_script ${name} {\n  script "/bin/true"\n  interval ${interval}\n}\n`;
  const d = diffPlans(
    plan(script('a', 1) + script('b', 1) + vi()),
    plan(script('a', 2) + script('c', 1) + vi()),
  );
  assert.deepEqual(formatPlanDiff(d).slice(1), [
    'vrrp_script b: removed',
    'vrrp_script a: changed: interval',
    'vrrp_script c: added',
  ]);
});

test('the snapshot round-trips to a no-op diff and lives beside the pid file', () => {
  const p = plan(vi({ vips: ['192.0.2.250', '192.0.2.251/24 dev eth1'] }));
  const back = decodeSnapshot(encodeSnapshot({ pid: 42, configFile: '/k.conf', plan: p }));
  assert.equal(back.pid, 42);
  assert.ok(isNoop(diffPlans(back.plan, p)));
  assert.ok(isNoop(diffPlans(p, back.plan)));
  assert.equal(snapshotPath('/run/keepalived.pid'), '/run/keepalived.plan.json');
  assert.equal(snapshotPath('/tmp/k'), '/tmp/k.plan.json');
  assert.throws(() => decodeSnapshot('{"format":"other"}'), /not a keepalived-ts plan 1 snapshot/);
});
