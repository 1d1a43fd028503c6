import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertMailPolicy, smtpAlertEnabled } from './smtp-alerts.js';
import { mailModel } from './smtp-test-kit.js';

test('smtp_alert resolves: own setting, else smtp_alert_vrrp, else smtp_alert, else off', () => {
  assert.equal(smtpAlertEnabled(undefined, mailModel([]).global), false);
  assert.equal(smtpAlertEnabled(undefined, mailModel(['smtp_alert']).global), true);
  assert.equal(smtpAlertEnabled(undefined, mailModel(['smtp_alert', 'smtp_alert_vrrp false']).global), false);
  assert.equal(smtpAlertEnabled(false, mailModel(['smtp_alert']).global), false);
  assert.equal(smtpAlertEnabled(true, mailModel(['smtp_alert false']).global), true);
  assert.equal(mailModel([], ['smtp_alert']).vrrp.instances[0]?.smtpAlert, true);
});

test('an instance mails each new state once, not a repeat of the last one mailed', () => {
  const p = new AlertMailPolicy('lb01', false, new Set([AlertMailPolicy.key('instance', 'VI_1')]));
  const seq = ['BACKUP', 'MASTER', 'MASTER', 'BACKUP', 'FAULT', 'FAULT', 'BACKUP'] as const;
  assert.deepEqual(
    seq.map((s) => p.onState('instance', 'VI_1', s)?.subject),
    [
      '[lb01] VRRP Instance VI_1 - Entering BACKUP state',
      '[lb01] VRRP Instance VI_1 - Entering MASTER state',
      undefined,
      '[lb01] VRRP Instance VI_1 - Entering BACKUP state',
      '[lb01] VRRP Instance VI_1 - Entering FAULT state',
      undefined,
      '[lb01] VRRP Instance VI_1 - Entering BACKUP state',
    ],
  );
  assert.equal(p.onState('instance', 'VI_2', 'MASTER'), undefined, 'smtp_alert off for VI_2');
});

test('no_email_faults: FAULT mails nothing and does not count as mailed', () => {
  const p = new AlertMailPolicy('r', true, new Set([AlertMailPolicy.key('group', 'G')]));
  assert.ok(p.onState('group', 'G', 'MASTER'));
  assert.equal(p.onState('group', 'G', 'FAULT'), undefined);
  assert.equal(p.onState('group', 'G', 'MASTER'), undefined, 'still MASTER as far as mail goes');
  assert.ok(p.onState('group', 'G', 'BACKUP'));
});
