/**
 * The seed's section 4.6 mechanism on a lab segment: a vrrp_script with weight -20 on the
 * master (priority 100); when its check fails the priority drops to 80 and the backup (90),
 * real keepalived or ours, takes over; notify_master / notify_backup run with their arguments
 * on our side, in order. When the check passes again, the master preempts back.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Implementation } from '../../src/testing/keepalived-ref.js';
import { pollUntil, withLab } from '../../src/testing/netns-lab.js';
import {
  PAIR_VIP,
  type PairVariant,
  pairConfig,
  startRouter,
  v3Ipv4,
  waitSettled,
} from '../../src/testing/vrrp-pair.js';

const V: PairVariant = v3Ipv4(0.2);

for (const backupImpl of ['keepalived', 'keepalived-ts'] as Implementation[]) {
  describe(`track_script weight -20 on keepalived-ts, ${backupImpl} backup`, () => {
    test('failing check moves the VIP; notify scripts run in order; recovery preempts back', (t) =>
      withLab(t, {}, async (lab) => {
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
        const healthy = a.path('nginx-up');
        const notified = a.path('notified');
        const notify = a.path('notify.sh');
        writeFileSync(healthy, '');
        writeFileSync(notify, `#!/bin/sh\necho "$1 $2" >> ${notified}\n`);
        chmodSync(notify, 0o755);
        const script = [
          'vrrp_script chk_nginx {',
          `  script "/usr/bin/test -f ${healthy}"`,
          '  interval 1',
          '  weight -20',
          '}',
          '',
        ];
        const extra = [
          'track_script {',
          '  chk_nginx',
          '}',
          `notify_master "${notify} master ${PAIR_VIP[4]}"`,
          `notify_backup "${notify} backup ${PAIR_VIP[4]}"`,
        ];
        const configA =
          script.join('\n') +
          pairConfig(V, { priority: 100, self: '192.0.2.1', peer: '192.0.2.2', vip: PAIR_VIP[4], extra });
        const configB = pairConfig(V, {
          priority: 90,
          self: '192.0.2.2',
          peer: '192.0.2.1',
          vip: PAIR_VIP[4],
        });

        const backup = await startRouter(b, backupImpl, configB);
        const master = await startRouter(a, 'keepalived-ts', configA);
        const settled = (m: typeof master, s: typeof master) => waitSettled(m, s, 10_000);
        await settled(master, backup);

        // nginx dies: the check fails within one interval, the priority drops below the backup's.
        rmSync(healthy);
        await master.proc.waitForLine('Changing effective priority from 100 to 80', { timeoutMs: 5000 });
        await settled(backup, master);

        // nginx is back: 100 again, and preemption returns the VIP.
        writeFileSync(healthy, '');
        await master.proc.waitForLine('Changing effective priority from 80 to 100', { timeoutMs: 5000 });
        await settled(master, backup);

        await pollUntil(
          () => existsSync(notified) && readFileSync(notified, 'utf8').split('\n').length >= 5,
          {
            what: 'four notify runs',
            timeoutMs: 5000,
            intervalMs: 20,
          },
        );
        assert.deepEqual(readFileSync(notified, 'utf8').trim().split('\n'), [
          `backup ${PAIR_VIP[4]}`,
          `master ${PAIR_VIP[4]}`,
          `backup ${PAIR_VIP[4]}`,
          `master ${PAIR_VIP[4]}`,
        ]);
        await master.stop();
        await backup.stop();
      }));
  });
}
