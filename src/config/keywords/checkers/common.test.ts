import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TcpCheck } from '../../model/checkers.js';
import { parseSockAddr } from './common.js';
import { buildTiming, newTiming } from './state.js';
import { checkers, load, places } from './test-kit.js';

test('a bare TCP_CHECK inherits everything and keeps its own defaults', () => {
  const r = load('    TCP_CHECK {\n    }');
  assert.equal(r.exitStatus, 0);
  assert.deepEqual(checkers(r), [
    {
      type: 'TCP_CHECK',
      loc: { file: '/etc/keepalived/keepalived.conf', line: 7 },
      connection: {
        connectIp: undefined,
        connectPort: undefined,
        bindto: undefined,
        bindPort: undefined,
        bindIf: undefined,
        fwmark: 0,
        connectTimeoutUs: undefined,
      },
      retry: undefined,
      defaultRetry: 1,
      delayBeforeRetryUs: undefined,
      defaultDelayBeforeRetryUs: 1_000_000,
      warmupUs: undefined,
      delayLoopUs: undefined,
      alpha: undefined,
      logAllFailures: false,
    },
  ]);
});

test('every common keyword is read into the model', () => {
  const r = load(
    [
      '    TCP_CHECK {',
      '      connect_ip 10.1.1.1',
      '      connect_port 8080',
      '      bindto 10.1.1.2/24',
      '      bind_port 4000',
      '      bind_if eth0',
      '      connect_timeout 2.5',
      '      fwmark 7',
      '      retry 4',
      '      delay_before_retry 0.5',
      '      warmup 10',
      '      delay_loop 3',
      '      alpha',
      '      log_all_failures on',
      '    }',
    ].join('\n'),
  );
  assert.equal(r.exitStatus, 0);
  const c = checkers(r)[0] as TcpCheck;
  assert.deepEqual(c.connection, {
    connectIp: '10.1.1.1',
    connectPort: 8080,
    bindto: '10.1.1.2',
    bindPort: 4000,
    bindIf: 'eth0',
    fwmark: 7,
    connectTimeoutUs: 2_500_000,
  });
  assert.equal(c.retry, 4);
  assert.equal(c.delayBeforeRetryUs, 500_000);
  assert.equal(c.warmupUs, 10_000_000);
  assert.equal(c.delayLoopUs, 3_000_000);
  assert.equal(c.alpha, true);
  assert.equal(c.logAllFailures, true);
});

test('bad common values are general errors on their line, and the value is not kept', () => {
  const r = load(
    [
      '    TCP_CHECK {',
      '      connect_ip 1.2.3',
      '      connect_port 0',
      '      bind_if abcdefghijklmnop',
      '      connect_timeout 0',
      '      fwmark -1',
      '      retry x',
      '      delay_loop 0',
      '      alpha maybe',
      '      log_all_failures maybe',
      '    }',
    ].join('\n'),
  );
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(
    [...new Set(places(r))],
    [
      '2 general-error',
      '3 invalid-number',
      '3 general-error',
      '4 general-error',
      '5 invalid-number',
      '5 general-error',
      '6 invalid-number',
      '6 general-error',
      '7 invalid-number',
      '7 general-error',
      '8 invalid-number',
      '8 general-error',
      '9 general-error',
      '10 general-error',
    ],
  );
  const c = checkers(r)[0] as TcpCheck;
  assert.equal(c.connection.connectPort, undefined);
  assert.equal(c.retry, undefined);
  assert.equal(c.alpha, undefined);
});

test('delay_loop accepts more than UINT_MAX microseconds, as keepalived does', () => {
  const r = load('    TCP_CHECK {\n      delay_loop 5000\n    }');
  assert.equal(r.exitStatus, 0);
  assert.equal((checkers(r)[0] as TcpCheck).delayLoopUs, 5_000_000_000);
});

test('connect_ip and bindto must be of one family; the later one is skipped', () => {
  const r = load(
    [
      '    TCP_CHECK {',
      '      bindto ::1',
      '    }',
      '    TCP_CHECK {',
      '      connect_ip ::1',
      '      bindto 10.0.0.9',
      '    }',
    ].join('\n'),
  );
  // The first: bindto ::1 against the real server's IPv4 address.
  assert.deepEqual(places(r), ['2 general-error', '6 general-error']);
  const [a, b] = checkers(r) as TcpCheck[];
  assert.equal(a?.connection.bindto, undefined);
  assert.equal(b?.connection.connectIp, '::1');
  assert.equal(b?.connection.bindto, undefined);
});

test('an IPv6 link-local destination without bind_if drops the checker at its closing brace', () => {
  const r = load(
    [
      '    PING_CHECK {',
      '      connect_ip fe80::1',
      '    }',
      '    PING_CHECK {',
      '      connect_ip fe80::1',
      '      bind_if eth0',
      '    }',
    ].join('\n'),
  );
  assert.deepEqual(places(r), ['3 general-error']);
  assert.equal(checkers(r).length, 1);
});

test('nb_get_retry is unknown in TCP_CHECK', () => {
  const r = load('    TCP_CHECK {\n      nb_get_retry 3\n    }');
  assert.deepEqual(places(r), ['2 unknown-keyword']);
});

test('a missing value aborts with exit status 2', () => {
  const r = load('    TCP_CHECK {\n      connect_ip\n    }');
  assert.equal(r.exitStatus, 2);
  assert.deepEqual(places(r), ['2 missing-parameter']);
});

test('parseSockAddr() reads the address as inet_stosockaddr does', () => {
  assert.deepEqual(parseSockAddr('10.0.0.1-20'), { addr: '10.0.0.1', family: 4 });
  assert.deepEqual(parseSockAddr('2001:db8::1/64'), { addr: '2001:db8::1', family: 6 });
  assert.equal(parseSockAddr('010.0.0.1'), undefined);
  assert.equal(parseSockAddr('host.example'), undefined);
});

test("TCP_CHECK's fields come in buildTiming()'s order, as the other checkers' (--dump-config)", () => {
  const r = load('    TCP_CHECK {\n    }');
  const [tcp] = checkers(r);
  const timing = Object.keys(buildTiming(newTiming(), { retry: 1, delayBeforeRetryUs: 1 }));
  assert.deepEqual(Object.keys(tcp ?? {}), ['type', 'loc', 'connection', ...timing]);
});
