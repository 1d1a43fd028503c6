import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertText, dataBlock, mailSettings, needsLocalName, rfc822Date, toHeader } from './smtp-message.js';
import { mailModel } from './smtp-test-kit.js';

const SERVER = [
  'smtp_server 192.0.2.25',
  'notification_email {',
  '  ops@example.org',
  '  noc@example.org',
  '}',
];

test('no mail without smtp_server or without recipients (smtp_alert returns at once)', () => {
  const id = { localName: 'lb01', userName: 'root' };
  assert.equal(
    mailSettings(mailModel(['notification_email {', '  a@example.org', '}']).global, id),
    undefined,
  );
  assert.equal(mailSettings(mailModel(['smtp_server 192.0.2.25']).global, id), undefined);
  assert.ok(mailSettings(mailModel(SERVER).global, id));
});

test("defaults as init_global_data: HELO and From from the local name, router_id's [prefix], 30 s", () => {
  const s = mailSettings(mailModel(SERVER).global, { localName: 'lb01.example.org', userName: 'root' });
  assert.deepEqual(s, {
    server: { host: '192.0.2.25', port: 25 },
    heloName: 'lb01.example.org',
    from: 'root@lb01.example.org',
    to: ['ops@example.org', 'noc@example.org'],
    routerId: 'lb01.example.org',
    timeoutMs: 30_000,
    noEmailFaults: false,
  });
});

test('a local name that did not resolve: HELO localhost, From (null), router_id [unknown]', () => {
  const s = mailSettings(mailModel(SERVER).global, { localName: undefined, userName: 'root' });
  assert.equal(s?.heloName, 'localhost');
  assert.equal(s?.from, '(null)');
  assert.equal(s?.routerId, '[unknown]');
  const noUser = mailSettings(mailModel(SERVER).global, { localName: 'lb01', userName: undefined });
  assert.equal(noUser?.from, '(null)', 'getpwuid failed: no default sender either');
});

test('configured values win: smtp_helo_name, notification_email_from, router_id, port, timeout', () => {
  const g = mailModel([
    ...SERVER.slice(1),
    'smtp_server 2001:db8::25 2525',
    'smtp_helo_name mx-client',
    'notification_email_from ka@example.org',
    'router_id LB_A',
    'smtp_connect_timeout 7',
  ]).global;
  assert.equal(needsLocalName(g), false);
  const s = mailSettings(g, { localName: 'ignored', userName: 'root' });
  assert.deepEqual(
    [s?.server, s?.heloName, s?.from, s?.routerId, s?.timeoutMs],
    [{ host: '2001:db8::25', port: 2525 }, 'mx-client', 'ka@example.org', 'LB_A', 7000],
  );
});

test("subjects and bodies are keepalived's, per state, for instances and sync groups", () => {
  assert.deepEqual(alertText('instance', 'lb01', 'VI_1', 'MASTER'), {
    subject: '[lb01] VRRP Instance VI_1 - Entering MASTER state',
    body: '=> VRRP Instance is now owning VRRP VIPs <=',
  });
  assert.equal(
    alertText('instance', 'r', 'V', 'BACKUP')?.body,
    '=> VRRP Instance is no longer owning VRRP VIPs <=',
  );
  assert.equal(
    alertText('instance', 'r', 'V', 'FAULT')?.subject,
    '[r] VRRP Instance V - Entering FAULT state',
  );
  assert.equal(alertText('instance', 'r', 'V', 'STOP')?.body, '=> VRRP Instance stopping <=');
  assert.equal(alertText('group', 'r', 'G1', 'BACKUP')?.subject, '[r] VRRP Group G1 - Entering BACKUP state');
  assert.equal(
    alertText('group', 'r', 'G1', 'MASTER')?.body,
    '=> All VRRP group instances are now in MASTER state <=',
  );
  assert.equal(alertText('group', 'r', 'G1', 'DELETED'), undefined);
  assert.equal(alertText('instance', 'r', 'x'.repeat(300), 'MASTER')?.subject.length, 255);
});

test('Date as strftime "%a, %d %b %Y %H:%M:%S %z", local time with its offset', () => {
  const t = Date.UTC(2021, 2, 1, 9, 44, 8);
  assert.equal(rfc822Date(t, 0), 'Mon, 01 Mar 2021 09:44:08 +0000');
  assert.equal(rfc822Date(t, 60), 'Mon, 01 Mar 2021 10:44:08 +0100');
  assert.equal(rfc822Date(t, -570), 'Mon, 01 Mar 2021 00:14:08 -0930');
});

test('the DATA block: Date, From, Subject, X-Mailer, To, blank line, body, end of data', () => {
  const s = mailSettings(mailModel([...SERVER, 'notification_email_from ka@example.org']).global, {
    localName: 'lb01',
    userName: 'root',
  });
  assert.ok(s);
  const text = alertText('instance', s.routerId, 'VI_1', 'MASTER');
  assert.ok(text);
  assert.equal(
    dataBlock(s, text, 'Mon, 01 Mar 2021 09:44:08 +0000'),
    'Date: Mon, 01 Mar 2021 09:44:08 +0000\r\nFrom: ka@example.org\r\n' +
      'Subject: [lb01] VRRP Instance VI_1 - Entering MASTER state\r\nX-Mailer: Keepalived\r\n' +
      'To: ops@example.org, noc@example.org\r\n\r\n=> VRRP Instance is now owning VRRP VIPs <=\r\n\r\n.\r\n',
  );
});

test('the To header stops at the first address that no longer fits in 1023 bytes', () => {
  const addrs = Array.from({ length: 60 }, (_, i) => `user${String(i).padStart(2, '0')}@example.org`);
  const to = toHeader(addrs);
  assert.ok(Buffer.byteLength(to) <= 1023);
  assert.ok(to.endsWith('@example.org'));
  assert.ok(to.split(', ').length < 60);
});
