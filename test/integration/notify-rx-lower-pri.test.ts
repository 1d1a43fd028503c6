/**
 * notify_master_rx_lower_pri (issue 5 item 4): a master that receives an advert of lower
 * priority from another master runs it. Made with a partition: a (priority 100, the
 * implementation under test) and b (90, keepalived-ts) both become MASTER while cut; healed,
 * a hears b's priority-90 adverts and runs its script (as configured, no arguments added),
 * while b yields. Played with keepalived 2.2.7 and keepalived-ts as a: the same runs.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Implementation } from '../../src/testing/keepalived-ref.js';
import { pollUntil, withLab } from '../../src/testing/netns-lab.js';
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

describe('notify_master_rx_lower_pri', () => {
  for (const impl of ['keepalived', 'keepalived-ts'] as Implementation[]) {
    test(`${impl} master: runs on a lower-priority advert from another master`, (t) =>
      withLab(t, {}, async (lab) => {
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
        const out = a.path('rx-lower');
        const script = a.path('rx-lower.sh');
        writeFileSync(script, `#!/bin/sh\necho "run $*" >> ${out}\n`, { mode: 0o755 });
        const extra = [`notify_master_rx_lower_pri "${script} lower"`];
        const configA = pairConfig(V, {
          priority: 100,
          self: '192.0.2.1',
          peer: '192.0.2.2',
          vip: PAIR_VIP[4],
          extra,
        });
        const configB = pairConfig(V, {
          priority: 90,
          self: '192.0.2.2',
          peer: '192.0.2.1',
          vip: PAIR_VIP[4],
        });
        const master = await startRouter(a, impl, configA);
        const backup = await startRouter(b, 'keepalived-ts', configB);
        await waitSettled(master, backup, 10_000);
        const runs = () => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n') : []);
        assert.deepEqual(runs(), [], 'not run while b is a plain backup');

        await lab.partition(a, b);
        await pollUntil(() => lastLoggedState(backup) === 'MASTER', {
          what: 'b MASTER',
          timeoutMs: 5000,
          intervalMs: 20,
        });
        await lab.heal();
        await waitSettled(master, backup, 5000);
        await pollUntil(() => runs().length >= 1, {
          what: 'the script ran',
          timeoutMs: 5000,
          intervalMs: 20,
        });
        // Once b has yielded no more lower-priority master adverts come.
        await new Promise((r) => setTimeout(r, 1000));
        t.diagnostic(JSON.stringify(runs()));
        assert.deepEqual([...new Set(runs())], ['run lower']);
        assert.equal(lastLoggedState(master), 'MASTER');
        await backup.stop();
        await master.stop();
      }));
  }
});
