import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeEnv, load, places } from './bfd-test-kit.js';
import type { FileInfo, ScriptFs } from './script-security.js';

const INSTANCE = [
  'vrrp_instance VI_1 {',
  '  state BACKUP',
  '  interface eth0',
  '  virtual_router_id 51',
  '  priority 100',
  '  virtual_ipaddress {',
  '    192.0.2.16',
  '  }',
  '}',
].join('\n');

/** A file system where `files` are root-owned 0755 scripts under root-owned 0755 dirs. */
function scriptEnv(files: Record<string, number>, extra: Record<string, unknown> = {}) {
  const info = (p: string): FileInfo | undefined => {
    const mode = files[p];
    if (mode !== undefined) return { uid: 0, gid: 0, mode };
    if (Object.keys(files).some((f) => f.startsWith(p === '/' ? '/' : `${p}/`)))
      return { uid: 0, gid: 0, mode: 0o040755 };
    return undefined;
  };
  const scriptFs: ScriptFs = { lstat: info, stat: info, realpath: (p) => (info(p) ? p : undefined) };
  return fakeEnv({
    scriptFs,
    processIds: { uid: 0, gid: 0 },
    user: (n: string) => (n === 'root' ? { uid: 0, gid: 0 } : undefined),
    group: () => undefined,
    path: '/usr/bin',
    ...extra,
  });
}

test('vrrp_script keywords are read with keepalived defaults and ranges', () => {
  const r = load(
    [
      'vrrp_script chk {',
      '  script "/usr/bin/check --fast"',
      '  interval 0',
      '  timeout 3',
      '  weight -20 reverse',
      '  rise 2',
      '  fall x',
      '  init_fail',
      '}',
      INSTANCE,
    ].join('\n'),
    scriptEnv({ '/usr/bin/check': 0o100755 }, { 'global-ok': true }),
  );
  assert.deepEqual(places(r), ['3:general-error', '7:general-error', '7:invalid-number']);
  const s = r.config?.vrrp.scripts[0];
  assert.deepEqual(s, {
    name: 'chk',
    script: { args: ['/usr/bin/check', '--fast'] },
    intervalUs: 1_000_000,
    timeoutUs: 3_000_000,
    weight: -20,
    weightReverse: true,
    rise: 2,
    fall: 1,
    initFail: true,
  });
});

test('a vrrp_script without a script is removed at the end of its block', () => {
  const r = load('vrrp_script chk {\n  interval 2\n}\n');
  assert.deepEqual(places(r), ['3:general-error']);
  assert.deepEqual(r.config?.vrrp.scripts, []);
});

test('an existing script with script security off is a security violation (exit 6)', () => {
  const r = load(
    `vrrp_script chk {\n  script /usr/bin/check\n}\n${INSTANCE}\n`,
    scriptEnv({ '/usr/bin/check': 0o100755 }),
  );
  assert.equal(r.exitStatus, 6);
  assert.ok(r.diagnostics.some((d) => d.kind === 'security' && d.message.startsWith('SECURITY VIOLATION')));
});

test('with enable_script_security an insecure script is disabled, not a violation', () => {
  const r = load(
    `global_defs {\n  enable_script_security\n}\nvrrp_script chk {\n  script /usr/bin/check\n}\n${INSTANCE}\n`,
    scriptEnv(
      { '/usr/bin/check': 0o100777 },
      { user: (n: string) => (n === 'keepalived_script' || n === 'root' ? { uid: 0, gid: 0 } : undefined) },
    ),
  );
  assert.equal(r.exitStatus, 5);
  assert.ok(r.diagnostics.some((d) => d.message === 'Disabling track script chk due to insecure'));
  assert.deepEqual(r.config?.vrrp.scripts, []);
});

test('a missing script is disabled and no violation is reported', () => {
  const r = load(`vrrp_script chk {\n  script /nonexistent\n}\n${INSTANCE}\n`, scriptEnv({}));
  assert.equal(r.exitStatus, 5);
  assert.ok(r.diagnostics.some((d) => d.message === 'Disabling track script chk since not found/accessible'));
});

test('vrrp_track_process reads process, params, quorum and delays', () => {
  const r = load(
    [
      'vrrp_track_process tp {',
      '  process sshd -D',
      '  weight 10 reverse',
      '  quorum 2',
      '  quorum_max 1',
      '  fork_delay 1.5',
      '  delay 0',
      '}',
      'vrrp_track_process none {',
      '}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(places(r), ['5:general-error', '7:general-error', '7:invalid-number', '10:general-error']);
  assert.deepEqual(r.config?.vrrp.trackProcesses, [
    {
      name: 'tp',
      process: 'sshd',
      params: ['-D'],
      paramMatch: 'exact',
      fullCommand: true,
      weight: 10,
      weightReverse: true,
      quorum: 2,
      quorumMax: 4294967295,
      terminateDelayUs: 0,
      forkDelayUs: 1_500_000,
    },
  ]);
});

test('sync group tracking lines are checked like the instance ones', () => {
  const r = load(
    [
      'vrrp_sync_group G1 {',
      '  group {',
      '    VI_1',
      '  }',
      '  track_interface {',
      '    eth0 weight 254',
      '    eth0',
      '  }',
      '  track_script {',
      '    nochk',
      '  }',
      '  smtp_alert maybe',
      '  global_tracking',
      '}',
      'vrrp_sync_group G1 {',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(places(r), [
    '6:general-error',
    '7:general-error',
    '10:general-error',
    '12:general-error',
    '13:general-error',
    '15:general-error',
  ]);
});

test('sync group members must exist and belong to one group', () => {
  const r = load(
    [
      'vrrp_sync_group G1 {',
      '  group {',
      '    VI_1 VI_X',
      '  }',
      '}',
      'vrrp_sync_group G2 {',
      '  group { VI_1 }',
      '}',
      'vrrp_sync_group G3 {',
      '}',
      INSTANCE,
    ].join('\n'),
  );
  const messages = r.diagnostics.filter((d) => !d.loc).map((d) => d.message);
  assert.ok(messages.includes("Virtual router VI_X specified in sync group G1 doesn't exist - ignoring"));
  assert.ok(messages.includes('Virtual router VI_1 cannot exist in more than one sync group; ignoring G2'));
  assert.ok(messages.includes('Sync group G3 has no virtual router(s). removing'));
  assert.deepEqual(
    r.config?.vrrp.syncGroups.map((g) => [g.name, g.instances]),
    [['G1', ['VI_1']]],
  );
});

test('static routes and rules: keepalived quirks and defaults', () => {
  const r = load(
    [
      'static_routes {',
      '  10.0.0.0/8 via 192.0.2.1 dev eth0',
      '  10.1.0.0/16 gw 192.0.2.1',
      '  inet6 2001:db8::/64 dev eth0',
      '}',
      'static_rules {',
      '  from 10.0.0.0/8 table 100',
      '  from 10.0.0.0/8 table 100',
      '  to 10.0.0.1 goto 5',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(places(r), [
    '3:general-error',
    '4:general-error',
    '7:general-error',
    '8:general-error',
    '9:general-error',
  ]);
  const routes = r.config?.vrrp.staticRoutes ?? [];
  assert.equal(routes.length, 2);
  assert.equal(routes[0]?.dst.address, '10.0.0.0');
  assert.equal(routes[0]?.protocol, 18);
  assert.equal(routes[1]?.noTrack, true);
  assert.deepEqual(
    r.config?.vrrp.staticRules.map((x) => x.priority),
    [16384, 16383],
  );
});

test('garp_group without a delay is removed; linkbeat needs a known interface', () => {
  const r = load(
    [
      'garp_group {',
      '  interface eth0',
      '}',
      'garp_group {',
      '  garp_interval 0.5',
      '  interface eth0',
      '}',
      'linkbeat_interfaces {',
      '  eth0 MII',
      '  eth7',
      '}',
      'interface_up_down_delays {',
      '  eth0 1 2.5',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(places(r), ['3:general-error', '10:fatal']);
  // The general error outranks the fatal one in keepalived's exit status.
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(r.config?.vrrp.garpGroups, [
    { aggregationGroup: 0, garpIntervalUs: 500_000, gnaIntervalUs: undefined, interfaces: ['eth0'] },
  ]);
  assert.deepEqual(r.config?.vrrp.linkbeatInterfaces, [{ interface: 'eth0', type: 'MII' }]);
  assert.deepEqual(r.config?.vrrp.interfaceDelays, [
    { interface: 'eth0', downDelayUs: 1_000_000, upDelayUs: 2_500_000 },
  ]);
});
