import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { mailModel } from '../notify/smtp-test-kit.js';
import {
  bothBackupNopreempt,
  EXAMPLES_DIR,
  labConfig,
  nginxConf,
  nodeEnv,
  nodeLayout,
  withMailAlerts,
  withoutNotifyBackup,
} from './lab-files.js';

const seed = readFileSync(join(EXAMPLES_DIR, 'seed-4.6-master.conf'), 'utf8');
const layout = nodeLayout('/tmp/lab', 'lb01');

test('labConfig() moves only the script paths into the node directory', () => {
  const conf = labConfig(seed, layout);
  assert.ok(conf.includes('script "/tmp/lab/lb01/scripts/check_n.sh"'));
  assert.ok(conf.includes('notify_master "/tmp/lab/lb01/scripts/notify.sh master 192.0.2.250"'));
  assert.ok(!conf.includes('/etc/keepalived'));
  assert.equal(conf.split('\n').length, seed.split('\n').length);
});

test('withoutNotifyBackup() drops the notify_backup line and nothing else', () => {
  const conf = withoutNotifyBackup(seed);
  assert.ok(!conf.includes('notify_backup'));
  assert.ok(conf.includes('notify_master'));
  assert.equal(conf.split('\n').length, seed.split('\n').length - 1);
});

test('bothBackupNopreempt() turns state MASTER into state BACKUP plus nopreempt', () => {
  const conf = bothBackupNopreempt(seed);
  assert.match(conf, /^ {4}state BACKUP\n {4}nopreempt$/m);
  assert.ok(!conf.includes('state MASTER'));
  const slave = readFileSync(join(EXAMPLES_DIR, 'seed-4.6-slave.conf'), 'utf8');
  assert.equal(bothBackupNopreempt(slave), slave);
});

test('nginxConf() keeps every path in the prefix and listens on 0.0.0.0:80', () => {
  const conf = nginxConf(layout);
  assert.ok(conf.includes('listen 0.0.0.0:80;'));
  for (const m of conf.matchAll(/ (\/\S+?);/g)) assert.ok(m[1]?.startsWith('/tmp/lab/lb01/nginx/'), m[1]);
});

test("nodeEnv() quotes values for the stand-ins' shell", () => {
  const env = nodeEnv(layout, ['/usr/sbin/keepalived', '-f', "/tmp/it's.conf"]);
  assert.ok(env.includes(`KEEPALIVED_CMD=('/usr/sbin/keepalived' '-f' '/tmp/it'\\''s.conf')`));
  assert.ok(env.includes("MAIL_DIR='/tmp/lab/outbox'"));
});

test('withMailAlerts() points global_defs at the lab mail server; keepalived-ts reads it so', () => {
  const conf = withMailAlerts(seed, 'lb01', '192.0.2.25', 'ops@example.org');
  assert.equal(conf.split('\n').length, seed.split('\n').length + 8);
  const g = /global_defs \{\n([^}]*\}[^}]*)\}/.exec(conf)?.[1] ?? '';
  const m = mailModel(
    g
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  ).global;
  assert.deepEqual(
    [m.smtpServer, m.notificationEmail, m.notificationEmailFrom, m.smtpHeloName, m.smtpAlert, m.routerId],
    [
      { host: '192.0.2.25', port: 25 },
      ['ops@example.org'],
      'keepalived@lb01.example.org',
      'lb01.example.org',
      true,
      'lb01',
    ],
  );
});
