/**
 * track_file and track_process on a lab segment. A master (priority 100, or 80 plus a process
 * weight) and a keepalived-ts backup (90):
 *  - track_file: the file's value times the weight moves the VIP (1 × -20 = 80 < 90); a value
 *    whose product is -254 or below faults the instance (13 × -20); a weight-0 file faults it
 *    while non-zero and a deleted file counts as 0. Played with keepalived-ts and with the real
 *    keepalived as the master, on the same config: both log the same priorities and states.
 *  - track_process: `sleep` processes with a unique argument, quorum 2, weight 20: the VIP
 *    moves to the master only while two run. keepalived-ts only: keepalived's process
 *    connector is refused inside a network namespace (it logs "Failed to set/clear process
 *    event listen - errno 111" and never counts a process), see src/sys/proc-scan.ts.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { PROC_SCAN_INTERVAL_MS } from '../../src/sys/proc-scan.js';
import type { Implementation, RefKeepalived } from '../../src/testing/keepalived-ref.js';
import { type LabProcess, pollUntil, withLab } from '../../src/testing/netns-lab.js';
import {
  lastLoggedState,
  PAIR_VIP,
  type PairVariant,
  pairConfig,
  startRouter,
  v3Ipv4,
  waitSettled,
} from '../../src/testing/vrrp-pair.js';

const V: PairVariant = v3Ipv4(0.2);

const SETTLE_MS = 10_000;
const LINE_MS = 5000;

/** Waits for `text` in the router's log after mark `since`; returns the new mark. */
async function line(r: RefKeepalived, text: string, since: number): Promise<number> {
  return (await r.proc.waitForLogLine(text, { timeoutMs: LINE_MS, since })).seq + 1;
}

/** The backup took over (the master is in FAULT, so waitSettled's BACKUP check does not apply). */
function backupIsMaster(backup: RefKeepalived): Promise<unknown> {
  return pollUntil(() => lastLoggedState(backup) === 'MASTER', {
    what: `${backup.node.name} MASTER`,
    timeoutMs: SETTLE_MS,
    intervalMs: 20,
  });
}

for (const impl of ['keepalived-ts', 'keepalived'] as Implementation[]) {
  describe(`track_file on a ${impl} master, keepalived-ts backup`, () => {
    test('value × weight moves the VIP; -254 or below and a weight-0 non-zero value fault', (t) =>
      withLab(t, {}, async (lab) => {
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
        const weighted = a.path('weighted');
        const faulting = a.path('faulting');
        const files = [
          'track_file tf_weight {',
          `  file ${weighted}`,
          '  weight -20',
          '  init_file 0 overwrite',
          '}',
          'track_file tf_fault {',
          `  file ${faulting}`,
          '}',
          '',
        ];
        const extra = ['track_file {', '  tf_weight', '  tf_fault weight 0', '}'];
        const configA =
          files.join('\n') +
          pairConfig(V, { priority: 100, self: '192.0.2.1', peer: '192.0.2.2', vip: PAIR_VIP[4], extra });
        const configB = pairConfig(V, {
          priority: 90,
          self: '192.0.2.2',
          peer: '192.0.2.1',
          vip: PAIR_VIP[4],
        });
        writeFileSync(weighted, '7\n'); // init_file 0 overwrite resets it at start

        const backup = await startRouter(b, 'keepalived-ts', configB);
        const master = await startRouter(a, impl, configA);
        await waitSettled(master, backup, SETTLE_MS);
        let mark = master.proc.lineCount;

        // 1 × -20: priority 80, below the backup's 90.
        writeFileSync(weighted, '1\n');
        mark = await line(master, 'Changing effective priority from 100 to 80', mark);
        await waitSettled(backup, master, SETTLE_MS);

        // Back to 0: 100 again, and preemption returns the VIP.
        writeFileSync(weighted, '0\n');
        mark = await line(master, 'Changing effective priority from 80 to 100', mark);
        await waitSettled(master, backup, SETTLE_MS);

        // 13 × -20 = -260: at or below -254 the file faults the instance.
        writeFileSync(weighted, '13\n');
        mark = await line(master, 'Entering FAULT STATE', mark);
        await backupIsMaster(backup);
        writeFileSync(weighted, '0\n');
        mark = await line(master, 'Entering MASTER STATE', mark);

        // Weight 0: any non-zero value is a fault; deleting the file reads as 0.
        writeFileSync(faulting, '5\n');
        mark = await line(master, 'Entering FAULT STATE', mark);
        await backupIsMaster(backup);
        rmSync(faulting);
        mark = await line(master, 'Entering MASTER STATE', mark);
        await waitSettled(master, backup, SETTLE_MS);

        await master.stop();
        await backup.stop();
      }));
  });
}

describe('track_process on a keepalived-ts master, keepalived-ts backup', () => {
  test('quorum 2 of `sleep UNIQUE` adds weight 20 and moves the VIP; losing one moves it back', (t) =>
    withLab(t, {}, async (lab) => {
      const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
      const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
      // A unique argument, so other tests' and helpers' sleeps never count.
      const arg = `3600.${randomInt(1e9)}`;
      const tracked = [
        'vrrp_track_process tp_sleep {',
        `  process sleep ${arg}`,
        '  quorum 2',
        '  weight 20',
        '}',
        '',
      ];
      const extra = ['track_process {', '  tp_sleep', '}'];
      const configA =
        tracked.join('\n') +
        pairConfig(V, { priority: 80, self: '192.0.2.1', peer: '192.0.2.2', vip: PAIR_VIP[4], extra });
      const configB = pairConfig(V, { priority: 90, self: '192.0.2.2', peer: '192.0.2.1', vip: PAIR_VIP[4] });
      const backup = await startRouter(b, 'keepalived-ts', configB);
      const master = await startRouter(a, 'keepalived-ts', configA);
      await waitSettled(backup, master, SETTLE_MS);
      let mark = master.proc.lineCount;

      // One is not a quorum: after several scans, nothing has changed.
      const sleeps: LabProcess[] = [a.spawn('sleep', [arg], { label: 'sleep1' })];
      await new Promise((r) => setTimeout(r, 4 * PROC_SCAN_INTERVAL_MS));
      assert.equal(
        master.proc.lines.some((l) => l.seq >= mark && l.text.includes('Quorum')),
        false,
        'quorum changed with one process',
      );
      assert.equal(lastLoggedState(master), 'BACKUP');
      sleeps.push(a.spawn('sleep', [arg], { label: 'sleep2' }));
      mark = await line(master, 'Quorum gained for tracked process tp_sleep', mark);
      mark = await line(master, 'Changing effective priority from 80 to 100', mark);
      await waitSettled(master, backup, SETTLE_MS);

      await sleeps[1]?.stop({ signal: 'SIGKILL' });
      mark = await line(master, 'Quorum lost for tracked process tp_sleep', mark);
      mark = await line(master, 'Changing effective priority from 100 to 80', mark);
      await waitSettled(backup, master, SETTLE_MS);
      await sleeps[0]?.stop({ signal: 'SIGKILL' });

      await master.stop();
      await backup.stop();
    }));
});
