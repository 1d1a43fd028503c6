import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BfdCheck, DnsCheck, FileCheck, SmtpCheck, UdpCheck } from '../../model/checkers.js';
import { checkers, load, messages, places } from './test-kit.js';
import { readHexStr } from './udp.js';

test('SMTP_CHECK defaults its helo name and connects to the real server', () => {
  const r = load('    SMTP_CHECK {\n      connect_timeout 3\n    }');
  assert.equal(r.exitStatus, 0);
  const c = checkers(r)[0] as SmtpCheck;
  assert.equal(c.heloName, 'smtpchecker.keepalived.org');
  assert.equal(c.connection.connectIp, undefined);
  assert.equal(c.connection.connectTimeoutUs, 3_000_000);
});

test('SMTP_CHECK host blocks each become a checker; the first replaces an unset main connection', () => {
  const r = load(
    [
      '    SMTP_CHECK {',
      '      helo_name mail.example',
      '      retry 2',
      '      host {',
      '        connect_ip 10.0.0.5',
      '      }',
      '      host {',
      '        connect_ip fe80::1',
      '      }',
      '      host {',
      '        connect_ip 10.0.0.6',
      '        connect_port 2525',
      '      }',
      '    }',
    ].join('\n'),
  );
  assert.deepEqual(places(r), ['9 general-error']);
  const cs = checkers(r) as SmtpCheck[];
  assert.deepEqual(
    cs.map((c) => [c.connection.connectIp, c.connection.connectPort, c.heloName, c.retry]),
    [
      ['10.0.0.5', undefined, 'mail.example', 2],
      ['10.0.0.6', 2525, 'mail.example', 2],
    ],
  );
});

test('an SMTP_CHECK with its own connection keeps it beside its hosts', () => {
  const r = load(
    '    SMTP_CHECK {\n      connect_port 25\n      host {\n        connect_ip 10.0.0.5\n      }\n    }',
  );
  const cs = checkers(r) as SmtpCheck[];
  assert.deepEqual(
    cs.map((c) => [c.connection.connectIp, c.connection.connectPort]),
    [
      [undefined, 25],
      ['10.0.0.5', undefined],
    ],
  );
});

test('helo_name without a name is an error', () => {
  assert.deepEqual(places(load('    SMTP_CHECK {\n      helo_name\n    }')), ['2 general-error']);
});

test('DNS_CHECK reads type (any case) and name, with keepalived defaults SOA and ""', () => {
  const r = load('    DNS_CHECK {\n      type aaaa\n      name example.com\n    }\n    DNS_CHECK {\n    }');
  assert.equal(r.exitStatus, 0);
  const [a, b] = checkers(r) as DnsCheck[];
  assert.equal(a?.queryType, 'AAAA');
  assert.equal(a?.name, 'example.com');
  assert.equal(a?.defaultRetry, 3);
  assert.equal(a?.defaultDelayBeforeRetryUs, 0);
  assert.equal(b?.queryType, 'SOA');
  assert.equal(b?.name, '');
});

test('DNS_CHECK refuses unknown types, empty labels and a second name', () => {
  const r = load(
    [
      '    DNS_CHECK {',
      '      type BOGUS',
      '      name a..b',
      '      name .example.com',
      '      name x.com',
      '      name example.com',
      '      name other.com',
      '    }',
    ].join('\n'),
  );
  // keepalived's label check also refuses a one-letter first label (x.com).
  assert.deepEqual(places(r), [
    '2 general-error',
    '3 general-error',
    '4 general-error',
    '5 general-error',
    '7 general-error',
  ]);
  assert.equal((checkers(r)[0] as DnsCheck).name, 'example.com');
});

test('UDP_CHECK reads payload and reply patterns as hex', () => {
  const r = load(
    [
      '    UDP_CHECK {',
      '      payload 01 02ff a',
      '      require_reply 0aXx',
      '      min_reply_length 2',
      '      max_reply_length 100',
      '    }',
    ].join('\n'),
  );
  assert.equal(r.exitStatus, 0);
  const c = checkers(r)[0] as UdpCheck;
  assert.deepEqual([...(c.payload ?? [])], [0x01, 0x02, 0xff, 0x0a]);
  assert.equal(c.requireReply, true);
  assert.deepEqual([...(c.replyData ?? [])], [0x0a, 0x00]);
  assert.deepEqual([...(c.replyMask ?? [])], [0x00, 0xff]);
  assert.equal(c.minReplyLength, 2);
  assert.equal(c.maxReplyLength, 100);
});

test('UDP_CHECK reports bad hex, bad lengths and min > max', () => {
  const r = load(
    [
      '    UDP_CHECK {',
      '      payload',
      '      payload 0g',
      '      require_reply zz',
      '      min_reply_length 70000',
      '      min_reply_length 10',
      '      max_reply_length 5',
      '    }',
    ].join('\n'),
  );
  assert.deepEqual(places(r), [
    '2 general-error',
    '3 general-error',
    '4 general-error',
    '5 invalid-number',
    '5 general-error',
    '8 general-error',
  ]);
  assert.equal(checkers(r).length, 1);
});

test('readHexStr() takes a lone digit before a space as one octet and refuses anything else', () => {
  assert.deepEqual([...(readHexStr('1 23', false)?.data ?? [])], [0x01, 0x23]);
  assert.equal(readHexStr('', false), undefined);
  assert.equal(readHexStr('xx', false), undefined);
  assert.equal(readHexStr('1\t2', false), undefined);
});

const TRACK = 'track_file tf1 {\n  file /tmp/tf1\n  weight 5 reverse\n}';

test('FILE_CHECK takes the track_file and its weight unless it sets one', () => {
  const r = load(
    '    FILE_CHECK {\n      track_file tf1\n    }\n    FILE_CHECK {\n      track_file tf1\n      weight -3 noreverse\n    }',
    TRACK,
  );
  assert.equal(r.exitStatus, 0);
  const [a, b] = checkers(r) as FileCheck[];
  assert.deepEqual([a?.trackFile, a?.weight, a?.weightReverse], ['tf1', 5, true]);
  assert.deepEqual([b?.weight, b?.weightReverse], [-3, false]);
});

test('FILE_CHECK reports unknown files, bad weights and a missing track_file', () => {
  const r = load(
    '    FILE_CHECK {\n      track_file nosuch\n      weight\n      weight 3 sideways\n      weight x\n    }',
    TRACK,
  );
  assert.deepEqual(places(r, TRACK), [
    '2 general-error',
    '3 general-error',
    '4 general-error',
    '5 invalid-number',
    '5 general-error',
    '6 general-error',
  ]);
  assert.equal(messages(r).at(-1), 'FILE_CHECK has no track_file specified - ignoring');
  assert.equal(checkers(r).length, 0);
});

const BFD = 'bfd_instance b1 {\n  neighbor_ip 10.0.0.2\n}';

test('BFD_CHECK names a bfd_instance once per real server', () => {
  const r = load(
    '    BFD_CHECK {\n      name b1\n      alpha\n    }\n    BFD_CHECK {\n      name b1\n    }',
    BFD,
  );
  assert.deepEqual(places(r, BFD), ['6 general-error']);
  assert.match(messages(r)[0] ?? '', /^\(\[10\.0\.0\.2\]:tcp:80\) BFD_CHECK - RS already monitoring b1$/);
  assert.deepEqual(checkers(r) as BfdCheck[], [
    {
      type: 'BFD_CHECK',
      loc: { file: '/etc/keepalived/keepalived.conf', line: 9 },
      name: 'b1',
      alpha: true,
    },
  ]);
});

test('BFD_CHECK reports bad names, and a block without a name at its closing brace', () => {
  const r = load(
    '    BFD_CHECK {\n      name\n      name b1\n    }\n    BFD_CHECK {\n      name nosuch\n    }\n    BFD_CHECK {\n      alpha maybe\n    }',
    BFD,
  );
  assert.deepEqual(places(r, BFD), [
    '2 general-error',
    '6 general-error',
    '9 general-error',
    '10 general-error',
  ]);
  assert.equal(checkers(r).length, 0);
});
