/**
 * global_defs and the global root keywords: diagnostics at keepalived's lines with its kinds,
 * exit statuses, and the model's values and defaults. Expectations were checked against
 * keepalived 2.2.7 -t.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryConfigFs } from '../fs.js';
import { loadConfig } from '../load.js';
import type { GlobalDefs } from '../model/global.js';
import type { Environment } from '../parser.js';
import type { GlobalEnvironment } from './global-env.js';

const USERS: Record<string, { uid: number; gid: number }> = { root: { uid: 0, gid: 0 } };
const GROUPS: Record<string, number> = { root: 0 };
const FILES = new Set(['/bin/true', '/usr/bin/true', '/proc/sys/net/ipv4/igmp_link_local_mcast_reports']);

const env: Environment & GlobalEnvironment = {
  interfaces: { exists: (n) => n === 'eth0', isLoopback: (n) => n === 'lo' },
  fileExists: (p) => FILES.has(p),
  user: (n) => USERS[n],
  group: (n) => GROUPS[n],
  onlineCpus: () => 4,
  resolvesHost: (n) => n === 'localhost' || /^[0-9.]+$/.test(n),
  path: '/usr/bin:/bin',
};

function load(body: string) {
  const r = loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': body }),
    env,
    cwd: '/',
    testMode: true,
  });
  const lines = r.diagnostics.map((d) => `${d.loc?.line ?? '-'} ${d.kind}`);
  return { r, lines, global: r.config?.global as GlobalDefs };
}

const defs = (...lines: string[]): string => `global_defs {\n${lines.map((l) => `  ${l}\n`).join('')}}\n`;

test('defaults are keepalived 2.2.7 global_data defaults', () => {
  const { global: g, r } = load('');
  assert.equal(r.exitStatus, 0);
  assert.equal(g.vrrpGarpMasterDelayUs, 5_000_000);
  assert.equal(g.vrrpGarpMasterRepeat, 5);
  assert.equal(g.vrrpGarpMasterRefreshRepeat, 1);
  assert.equal(g.vrrpDownTimerAdverts, 3);
  assert.equal(g.vrrpVersion, 2);
  assert.equal(g.vrrpMcastGroup4, '224.0.0.18');
  assert.equal(g.vrrpMcastGroup6, 'ff02::12');
  assert.equal(g.childWaitTimeS, 5);
  assert.equal(g.minAutoPriorityDelayUs, 1_000_000);
  assert.equal(g.vrrpScheduling.rlimitRttimeUs, 10_000);
  assert.equal(g.smtpAlert, undefined);
  assert.equal(g.vrrpRxBufsMultiplier, 3);
  assert.equal(g.nftablesPriority, -1);
});

test('the 2.1 seed: vrrp_garp_interval 0 and vrrp_gna_interval 0 are invalid on their lines', () => {
  const {
    lines,
    r,
    global: g,
  } = load(
    defs(
      'router_id LVS_DEVEL',
      'vrrp_skip_check_adv_addr',
      'vrrp_strict',
      'vrrp_garp_interval 0',
      'vrrp_gna_interval 0',
    ),
  );
  assert.deepEqual(lines, ['5 invalid-number', '5 general-error', '6 invalid-number', '6 general-error']);
  assert.equal(r.exitStatus, 5);
  assert.equal(g.routerId, 'LVS_DEVEL');
  assert.equal(g.vrrpStrict, true);
  assert.equal(g.vrrpSkipCheckAdvAddr, true);
  assert.equal(g.vrrpGarpIntervalUs, 0);
});

test('mail settings land in the model with their units', () => {
  const { global: g, r } = load(
    defs(
      'notification_email {',
      '  a@b.c',
      '  d@e.f g@h.i',
      '}',
      'notification_email_from ka@b.c',
      'smtp_server 192.168.200.1 2525',
      'smtp_connect_timeout 30',
      'smtp_alert off',
    ),
  );
  assert.equal(r.exitStatus, 0);
  assert.deepEqual(g.notificationEmail, ['a@b.c', 'd@e.f', 'g@h.i']);
  assert.deepEqual(g.smtpServer, { host: '192.168.200.1', port: 2525 });
  assert.equal(g.smtpConnectTimeoutUs, 30_000_000);
  assert.equal(g.smtpAlert, false);
});

test('smtp_server: an unresolvable name and a bad port are errors; a bad port is read twice', () => {
  const { lines } = load(defs('smtp_server nowhere.invalid', 'smtp_server ::1 0', 'smtp_server localhost'));
  assert.deepEqual(lines, ['2 general-error', '3 invalid-number', '3 invalid-number', '3 general-error']);
});

test('an empty notification_email block and smtp_connect_timeout 0 are reported', () => {
  const { lines, global: g } = load(defs('notification_email {', '}', 'smtp_connect_timeout 0'));
  // Reported where keepalived is after reading the block: its closing line.
  assert.deepEqual(lines, ['3 general-error', '4 general-error']);
  assert.equal(g.smtpConnectTimeoutUs, 1_000_000);
});

test('a keyword missing its value aborts with exit 2', () => {
  const { r } = load(defs('vrrp_garp_master_delay'));
  assert.equal(r.exitStatus, 2);
  assert.equal(r.diagnostics[0]?.kind, 'missing-parameter');
  assert.equal(r.diagnostics[0]?.loc?.line, 2);
});

test('startup_script that exists without enable_script_security is a security error (exit 6)', () => {
  const { r, global: g } = load(defs('startup_script "/bin/true arg"'));
  assert.equal(r.exitStatus, 6);
  assert.equal(r.diagnostics[0]?.kind, 'security');
  assert.equal(r.diagnostics[0]?.loc, undefined);
  assert.deepEqual(g.startupScript, { args: ['/bin/true', 'arg'] });
  assert.equal(g.startupScriptTimeoutS, 10);
});

test('a bare script name is searched in PATH; a missing one is no violation', () => {
  assert.equal(load(defs('shutdown_script true')).r.exitStatus, 6);
  assert.equal(load(defs('shutdown_script nothere')).r.exitStatus, 0);
  assert.equal(load(defs('shutdown_script "</etc/passwd"')).r.exitStatus, 0);
});

test('with script security and no keepalived_script user, the default user fails once', () => {
  const { lines, global: g } = load(
    defs(
      'enable_script_security',
      'notify_fifo /tmp/f',
      'startup_script /bin/true',
      'shutdown_script /bin/true root',
    ),
  );
  assert.deepEqual(lines, ['3 general-error', '4 general-error']);
  assert.equal(g.notifyFifo, undefined);
  assert.equal(g.startupScript, undefined);
  assert.deepEqual(g.shutdownScript, { args: ['/bin/true'], runAs: { user: 'root' } });
});

test('script_user with an unknown user is an error and poisons later default users', () => {
  const { lines } = load(defs('script_user nobody-here', 'startup_script /bin/true'));
  assert.deepEqual(lines, ['2 general-error', '3 general-error']);
});

test('root keywords: net_namespace/instance once, use_pid_dir implied', () => {
  const { lines, global: g } = load(
    'instance a\ninstance b\nnet_namespace_ipvs\nchild_wait_time 9\nlinkbeat_use_polling\n',
  );
  assert.deepEqual(lines, ['2 general-error']);
  assert.equal(g.instance, 'a');
  assert.equal(g.usePidDir, true);
  assert.equal(g.netNamespaceIpvs, '');
  assert.equal(g.childWaitTimeS, 9);
  assert.equal(g.linkbeatUsePolling, true);
});

test('vrrp_min_garp lowers only the GARP values still at their defaults', () => {
  const { global: g } = load(defs('vrrp_garp_master_repeat 3', 'vrrp_min_garp'));
  assert.equal(g.vrrpGarpMasterRepeat, 3);
  assert.equal(g.vrrpGarpMasterDelayUs, 0);
  assert.equal(g.vrrpGarpMasterRefreshRepeat, 0);
});

test('vrrp_mcast_group6 outside link-local scope is a warning; not multicast is an error', () => {
  const { lines, global: g } = load(defs('vrrp_mcast_group6 ff05::1', 'vrrp_mcast_group4 10.0.0.1'));
  assert.deepEqual(lines, ['2 warning', '3 general-error']);
  assert.equal(g.vrrpMcastGroup6, 'ff05::1');
  assert.equal(g.vrrpMcastGroup4, '224.0.0.18');
});

test('deprecated vrrp_vmac_garp_intvl is reported as deprecated and still applies', () => {
  const { lines, global: g } = load(defs('vrrp_vmac_garp_intvl 10 all'));
  assert.deepEqual(lines, ['2 deprecated']);
  assert.equal(g.vrrpGarpExtraIfS, 10);
  assert.equal(g.vrrpGarpExtraIfAll, true);
});

test('vrrp_iptables falls back to nftables with an error (no iptables in this build)', () => {
  const { lines, global: g } = load(defs('vrrp_iptables', 'vrrp_ipsets x'));
  assert.deepEqual(lines, ['2 general-error', '3 unknown-keyword']);
  assert.equal(g.nftables, 'keepalived');
});

test('scheduling keywords clamp and reject as keepalived does', () => {
  const { lines, global: g } = load(
    defs(
      'vrrp_rt_priority 100',
      'checker_cpu_affinity 1 3',
      'bfd_cpu_affinity 0 4',
      'vrrp_priority -21',
      'checker_rlimit_rtime 1',
    ),
  );
  assert.deepEqual(lines, [
    '2 general-error',
    '4 invalid-number',
    '4 general-error',
    '5 invalid-number',
    '5 general-error',
  ]);
  assert.equal(g.vrrpScheduling.realtimePriority, 99);
  assert.deepEqual(g.checkerScheduling.cpuAffinity, [1, 3]);
  assert.deepEqual(g.bfdScheduling.cpuAffinity, []);
  assert.equal(g.checkerScheduling.rlimitRttimeUs, 2);
});

test('umask: numeric and symbolic forms', () => {
  assert.equal(load(defs('umask 027')).global.umask, 0o27);
  assert.equal(load(defs('umask IRUSR|IWUSR | IRGRP')).global.umask, 0o640);
  assert.deepEqual(load(defs('umask IRUSR IWUSR')).lines, ['2 general-error']);
  assert.deepEqual(load(defs('umask 0999')).lines, ['2 general-error']);
});

test('lvs_sync_daemon: options and the legacy positional form', () => {
  const { lines, global: g } = load(defs('lvs_sync_daemon eth0 VI_1 7 port 9000 group 224.0.0.81'));
  assert.deepEqual(lines, ['2 general-error']);
  assert.deepEqual(g.lvsSyncDaemon, {
    interface: 'eth0',
    vrrpInstance: 'VI_1',
    syncId: 7,
    port: 9000,
    group: '224.0.0.81',
  });
});

test('include_check flags combine as include_check_set does', () => {
  assert.equal(load(defs('include_check')).global.includeCheck, 15);
  assert.equal(load(defs('include_check match +wildcard_match')).global.includeCheck, 7);
  assert.deepEqual(load(defs('include_check read match')).lines, ['2 general-error']);
});

test('optional booleans: bare is true, bad values report with keepalived text', () => {
  const { lines, global: g } = load(
    defs('rs_init_notifies', 'no_checker_emails maybe', 'data_use_instance no'),
  );
  assert.deepEqual(lines, ['3 general-error']);
  assert.equal(g.rsInitNotifies, true);
  assert.equal(g.noCheckerEmails, false);
  assert.equal(g.dataUseInstance, false);
  assert.match(load(defs('data_use_instance x')).r.diagnostics[0]?.message ?? '', /date_use_instance/);
});
