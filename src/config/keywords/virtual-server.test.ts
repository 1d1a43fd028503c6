import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VirtualServerConfig } from '../model/lvs.js';
import { load, messagesAt, places } from './bfd-test-kit.js';
import { inetAton } from './virtual-server.js';

function vs0(text: string): VirtualServerConfig {
  const r = load(text);
  const vs = r.config?.lvs.virtualServers[0];
  assert.ok(vs, 'a virtual server');
  return vs;
}

test('a plain NAT service keeps its values and keepalived defaults', () => {
  const vs = vs0(
    'virtual_server 10.0.0.1 80 {\n delay_loop 6\n lb_algo rr\n lb_kind NAT\n protocol TCP\n' +
      ' real_server 192.168.1.2 8080 {\n  weight 3\n }\n}\n',
  );
  assert.deepEqual(vs.key, { kind: 'address', address: '10.0.0.1', port: 80 });
  assert.equal(vs.family, 4);
  assert.equal(vs.protocol, 'tcp');
  assert.equal(vs.scheduler, 'rr');
  assert.equal(vs.forwarding.method, 'NAT');
  assert.equal(vs.delayLoopUs, 6_000_000);
  assert.equal(vs.connectTimeoutUs, 5_000_000);
  assert.equal(vs.quorum, 1);
  assert.equal(vs.smtpAlert, false);
  const rs = vs.realServers[0];
  assert.ok(rs);
  assert.equal(rs.address, '192.168.1.2');
  assert.equal(rs.port, 8080);
  assert.equal(rs.weight, 3);
  assert.equal(rs.delayLoopUs, 6_000_000, 'inherited from the virtual server');
  assert.equal(rs.retry, undefined, 'left to each checker');
  assert.equal(rs.smtpAlert, true, 'real servers alert by default');
});

test('bad values are reported on their line with keepalived kinds', () => {
  const r = load(
    [
      'virtual_server 10.0.0.1 81 {', // 1
      ' lb_algo foo', // 2
      ' lb_kind XX', // 3
      ' protocol ICMP', // 4
      ' weight 0', // 5
      ' hashed', // 6
      ' persistence_timeout 99999999', // 7
      ' ip_family inet6', // 8
      ' smtp_alert maybe', // 9
      ' connect_timeout x', // 10
      ' persistence_engine abcdefghijklmnopqrstu', // 11
      ' quorum 0', // 12
      ' real_server 1.1.1.2 81 {', // 13
      '  weight -1', // 14
      '  lvs_method TUN type gue', // 15
      '  lvs_method TUN type ipip csum', // 16
      '  inhibit_on_failure maybe', // 17
      ' }', // 18
      '}',
    ].join('\n'),
  );
  assert.deepEqual(places(r), [
    '2:general-error',
    '3:general-error',
    '4:general-error',
    '5:general-error',
    '5:invalid-number',
    '6:general-error',
    '7:general-error',
    '7:invalid-number',
    '8:general-error',
    '9:general-error',
    '10:general-error',
    '10:invalid-number',
    '11:general-error',
    '12:general-error',
    '12:invalid-number',
    '14:general-error',
    '14:invalid-number',
    '15:general-error',
    '16:general-error',
    '17:general-error',
  ]);
  assert.deepEqual(messagesAt(r, 2), ["Invalid lvs_scheduler 'foo' - ignoring"]);
  assert.deepEqual(messagesAt(r, 6), ['hashed only applies to sh scheduler - ignoring']);
  assert.deepEqual(messagesAt(r, 8), ['Virtual server specified family inet6 conflicts with server family']);
  assert.deepEqual(messagesAt(r, 15), ['gue tunnels require port, otherwise cannot have port.']);
  assert.equal(r.exitStatus, 5);
  const vs = r.config?.lvs.virtualServers[0];
  assert.equal(vs?.quorum, 1, 'a bad quorum is set to 1');
  assert.equal(vs?.persistenceEngine, 'abcdefghijklmnop', 'truncated to 16');
  // The method is kept although its options were refused, as keepalived does.
  assert.equal(vs?.realServers[0]?.forwarding.method, 'TUN');
  assert.equal(vs?.realServers[0]?.forwarding.tunnelType, 'ipip');
});

test('a GUE tunnel with its port and checksum option is taken', () => {
  const vs = vs0(
    'virtual_server 10.0.0.1 80 {\n protocol TCP\n lvs_method TUN type gue port 6080 csum\n' +
      ' real_server 10.0.0.2 80 {\n }\n}\n',
  );
  assert.deepEqual(vs.realServers[0]?.forwarding, {
    method: 'TUN',
    tunnelType: 'gue',
    tunnelPort: 6080,
    tunnelChecksum: 'csum',
  });
});

test('an invalid address skips the whole virtual_server block', () => {
  const r = load(
    'virtual_server 10.0.0.x 80 {\n real_server 10.0.0.3 80 {\n  weight 5\n }\n}\n' +
      'virtual_server 1.2.3.4 99999 {\n}\n',
  );
  assert.deepEqual(places(r), ['1:general-error', '6:general-error', '6:invalid-number']);
  assert.deepEqual(messagesAt(r, 1), ['Invalid virtual server IP address/port 10.0.0.x/80 - skipping']);
  assert.equal(r.config?.lvs.virtualServers.length, 0);
});

test('a real server of the other family is dropped when its block ends, unless tunnelled', () => {
  const r = load(
    'virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server ::1 80 {\n }\n' +
      ' real_server ::2 80 {\n  lvs_method TUN\n }\n}\n',
  );
  assert.deepEqual(places(r), ['4:general-error']);
  assert.deepEqual(
    r.config?.lvs.virtualServers[0]?.realServers.map((rs) => rs.address),
    ['::2'],
  );
});

test('persistence_granularity reads an IPv4 mask as inet_aton does and sets persistence', () => {
  const vs = vs0(
    'virtual_server 10.0.0.1 80 {\n protocol TCP\n persistence_granularity 255.255.255\n' +
      ' real_server 10.0.0.2 80 {\n }\n}\n',
  );
  assert.equal(vs.persistenceGranularity, '255.255.0.255');
  assert.equal(vs.persistenceTimeoutS, 360);
  assert.equal(inetAton('0xffffff00'), '255.255.255.0');
  assert.equal(inetAton('010.0.0.1'), '8.0.0.1');
  assert.equal(inetAton('1.2.3.256'), undefined);
});

test('sh-port and sh-fallback set scheduler flags only for sh', () => {
  const vs = vs0(
    'virtual_server 10.0.0.1 80 {\n protocol UDP\n lb_algo sh\n sh-port\n sh-fallback\n mh-port\n ops\n' +
      ' real_server 10.0.0.2 80 {\n }\n}\n',
  );
  assert.equal(vs.flags, 0x10 | 0x08 | 0x04);
});

test('a missing value stops the parse (exit 2)', () => {
  for (const text of [
    'virtual_server 10.0.0.1 80 {\n lb_algo\n}\n',
    'virtual_server 10.0.0.1 80 {\n real_server 1.1.1.1 80 {\n  notify_up\n }\n}\n',
    'virtual_server\n',
    'virtual_server 10.0.0.1 80 {\n lvs_method\n}\n',
  ]) {
    const r = load(text);
    assert.equal(r.exitStatus, 2, text);
    assert.equal(r.config, undefined);
  }
});

test('a repeated notify_up keeps the first and names the group (null here)', () => {
  const r = load(
    'virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n' +
      '  notify_up "/bin/echo up"\n  notify_up /bin/true\n }\n}\n',
  );
  assert.deepEqual(messagesAt(r, 5), ['((null)) notify_up script already specified - ignoring /bin/true']);
  assert.deepEqual(r.config?.lvs.virtualServers[0]?.realServers[0]?.notifyUp?.args, ['/bin/echo', 'up']);
});

test('SSL: repeated keys replace with an error; a second block replaces the first', () => {
  const r = load(
    'SSL {\n password\n password secret\n password again\n ca /etc/ca.pem\n key /k\n}\nSSL {\n certificate /c\n}\n',
  );
  assert.deepEqual(places(r), ['2:general-error', '4:general-error', '8:general-error']);
  assert.deepEqual(r.config?.lvs.ssl, {
    password: undefined,
    caFile: undefined,
    certFile: '/c',
    keyFile: undefined,
  });
});
