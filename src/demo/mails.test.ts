import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertMail, parseMail } from './mails.js';

test('parseMail() reads the stand-in headers and places the mail on the timeline', () => {
  const text = [
    'From: root@lb02',
    'To: 邮箱地址',
    'Date: Wed, 25 Nov 2026 09:55:17 +0000',
    "Subject: 192.0.2.250's server keepalived state is translate",
    '',
    "2026-11-25 09:55:17: lb02's state change to master",
    '',
  ].join('\n');
  const m = parseMail('1795600718200563000-lb02-42.eml', text, 1795600718000);
  assert.equal(m.from, 'root@lb02');
  assert.equal(m.to, '邮箱地址');
  assert.equal(m.subject, "192.0.2.250's server keepalived state is translate");
  assert.equal(m.body, "2026-11-25 09:55:17: lb02's state change to master");
  assert.equal(m.atMs, 200);
});

test('alertMail() names the sender by its address and places the mail on the timeline', () => {
  const m = alertMail(
    {
      peer: '192.0.2.12',
      helo: 'lb02.example.org',
      commands: [],
      mailFrom: 'keepalived@lb02.example.org',
      rcptTos: ['ops@example.org'],
      atMs: 1795600718300,
      data: '',
      headers: new Map([
        ['from', 'keepalived@lb02.example.org'],
        ['subject', '[lb02] VRRP Instance VI_1 - Entering MASTER state'],
      ]),
      body: '=> VRRP Instance is now owning VRRP VIPs <=\r\n',
    },
    1795600718000,
  );
  assert.deepEqual(
    [m.via, m.node, m.atMs, m.body],
    ['smtp', 'lb02', 300, '=> VRRP Instance is now owning VRRP VIPs <='],
  );
  assert.equal(parseMail('1-lb01-1.eml', 'From: root@lb01\n\nx', 0).node, 'lb01');
});
