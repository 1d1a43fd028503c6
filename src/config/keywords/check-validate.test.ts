import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadResult } from '../load.js';
import { fakeEnv, load, places } from './bfd-test-kit.js';

/** The messages keepalived's checker validation prints without a line. */
function unplaced(r: LoadResult): string[] {
  return r.diagnostics.filter((d) => !d.loc && d.kind !== 'ok').map((d) => d.message);
}

test('real server ports are reset to the virtual server port unless NAT', () => {
  const r = load(
    'virtual_server 172.16.137.250 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n' +
      ' real_server 172.16.137.12 8080 {\n }\n real_server 172.16.137.13 {\n }\n' +
      ' real_server 172.16.137.14 {\n  lvs_method NAT\n }\n}\n',
  );
  assert.deepEqual(unplaced(r), [
    "WARNING - virtual server [172.16.137.250]:tcp:80 and real server [172.16.137.12]:tcp:8080 ports don't match - resetting",
  ]);
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(
    r.config?.lvs.virtualServers[0]?.realServers.map((rs) => rs.port),
    [80, 80, 80],
  );
});

test('fwmark services ignore the protocol and clear non-NAT real server ports', () => {
  const r = load(
    'virtual_server fwmark 1 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n real_server 10.0.0.2 80 {\n }\n}\n',
  );
  assert.deepEqual(unplaced(r), [
    'Warning: Virtual server FWM 1: protocol specified for fwmark - protocol will be ignored',
    'WARNING - fwmark virtual server FWM 1, real server [10.0.0.2]:none:80 has port specified - clearing',
  ]);
  const vs = r.config?.lvs.virtualServers[0];
  assert.deepEqual(vs?.key, { kind: 'fwmark', fwmark: 1 });
  assert.equal(vs?.protocol, undefined);
  assert.equal(vs?.realServers[0]?.port, 0);
});

test('defaults are announced: protocol UDP, scheduler wlc, forwarding NAT', () => {
  const r = load('virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n }\n}\n');
  assert.deepEqual(unplaced(r), [
    'Virtual server [10.0.0.1]:none:80: no protocol set - defaulting to UDP',
    "Virtual server [10.0.0.1]:udp:80: no scheduler set, setting default 'wlc'",
    'Virtual server [10.0.0.1]:udp:80: no forwarding method set, setting default NAT',
  ]);
  const vs = r.config?.lvs.virtualServers[0];
  assert.equal(vs?.protocol, 'udp');
  assert.equal(vs?.scheduler, 'wlc');
  assert.equal(vs?.realServers[0]?.forwarding.method, 'NAT');
});

test('quorum above the total weight is reduced, then hysteresis below it', () => {
  const r = load(
    'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n quorum 7\n hysteresis 2\n' +
      ' real_server 10.0.0.2 80 {\n }\n}\n',
  );
  assert.deepEqual(unplaced(r), [
    'Warning - quorum 7 for [10.0.0.1]:tcp:80 exceeds total weight of real servers 1, reducing quorum to 1',
    'Virtual server [10.0.0.1]:tcp:80: hysteresis 2 >= quorum 1; setting hysteresis to 0',
  ]);
  assert.equal(r.config?.lvs.virtualServers[0]?.quorum, 1);
  assert.equal(r.config?.lvs.virtualServers[0]?.hysteresis, 0);
});

test('a duplicated real server is removed and a virtual server without any is dropped', () => {
  const r = load(
    'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n' +
      ' real_server 10.0.0.2 80 {\n }\n real_server 10.0.0.2 80 {\n }\n}\n' +
      'virtual_server 10.0.0.9 80 {\n protocol TCP\n}\n',
  );
  assert.deepEqual(unplaced(r), [
    'VS [10.0.0.1]:tcp:80: real server [10.0.0.2]:tcp:80 is duplicated - removing second rs',
    'Virtual server [10.0.0.9]:tcp:80 has no real servers - ignoring',
  ]);
  assert.equal(r.config?.lvs.virtualServers.length, 1);
  assert.equal(r.config?.lvs.virtualServers[0]?.realServers.length, 1);
});

test('a sorry server equal to a real server takes its inhibit setting', () => {
  const r = load(
    'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n sorry_server 10.0.0.2 80\n' +
      ' sorry_server_inhibit\n real_server 10.0.0.2 80 {\n }\n}\n',
  );
  assert.deepEqual(unplaced(r), [
    'Virtual server [10.0.0.1]:tcp:80: real server [10.0.0.2]:tcp:80 matches sorry server, but inhibit setting differs, clearing on sorry server',
  ]);
  assert.equal(r.config?.lvs.virtualServers[0]?.sorryServer?.inhibit, false);
});

test('a group service is numbered in its group and takes the group family', () => {
  const r = load(
    'virtual_server_group G {\n 2001:db8::1 80\n}\n' +
      'virtual_server group G {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 2001:db8::5 80 {\n }\n}\n' +
      'virtual_server group MISSING {\n real_server 10.0.0.1 80 {\n }\n}\n',
  );
  assert.deepEqual(unplaced(r), []);
  const vss = r.config?.lvs.virtualServers ?? [];
  assert.equal(vss.length, 1, 'a service of an unknown group is dropped (keepalived only logs it)');
  assert.equal(vss[0]?.family, 6);
  assert.deepEqual(vss[0]?.key, { kind: 'group', group: 'G' });
});

test('ha_suspend is cleared for fwmark services', () => {
  const r = load(
    'virtual_server fwmark 2 {\n lb_algo rr\n lb_kind DR\n ha_suspend\n real_server 10.0.0.2 {\n }\n}\n',
  );
  assert.deepEqual(unplaced(r), [
    'Virtual server FWM 2: cannot use ha_suspend with fwmarks - clearing ha_suspend',
  ]);
  assert.equal(r.config?.lvs.virtualServers[0]?.haSuspend, false);
});

test('existing notify scripts without script security are a security error (exit 6)', () => {
  const text =
    'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n' +
    ' real_server 10.0.0.2 80 {\n  notify_up /bin/up.sh\n }\n}\n';
  assert.equal(load(text).exitStatus, 0, 'a script that does not exist is no script');
  const r = load(text, fakeEnv({ fileExists: (p: string) => p === '/bin/up.sh' }));
  assert.equal(r.exitStatus, 6);
  assert.deepEqual(places(r), []);
});

test('model: timers inherit from virtual to real server, smtp_alert from global_defs', () => {
  const r = load(
    'global_defs {\n smtp_alert_checker false\n}\n' +
      'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n retry 4\n warmup 2\n' +
      ' delay_before_retry 1.5\n connect_timeout 3\n inhibit_on_failure\n alpha\n weight 7\n' +
      ' real_server 10.0.0.2 80 {\n  delay_loop 9\n }\n}\n',
  );
  const rs = r.config?.lvs.virtualServers[0]?.realServers[0];
  assert.equal(rs?.retry, 4);
  assert.equal(rs?.warmupUs, 2_000_000);
  assert.equal(rs?.delayBeforeRetryUs, 1_500_000);
  assert.equal(rs?.connectTimeoutUs, 3_000_000);
  assert.equal(rs?.delayLoopUs, 9_000_000);
  assert.equal(rs?.inhibitOnFailure, true);
  assert.equal(rs?.alpha, true);
  assert.equal(rs?.weight, 7);
  assert.equal(rs?.smtpAlert, false);
});
