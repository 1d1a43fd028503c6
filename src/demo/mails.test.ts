import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMail } from './mails.js';

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
