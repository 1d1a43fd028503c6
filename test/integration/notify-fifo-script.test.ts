/**
 * vrrp_notify_fifo_script (issue 5 item 4): the daemon makes the FIFO, starts the script with
 * the FIFO's path as its argument, and writes keepalived's lines to it. keepalived 2.2.7 and
 * keepalived-ts each run alone in a node (own VRID) with the same config; the script copies
 * what it reads to a file. Both files hold the same lines (VRID-dependent parts aside).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Implementation } from '../../src/testing/keepalived-ref.js';
import { pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { startRouter } from '../../src/testing/vrrp-pair.js';

test("vrrp_notify_fifo_script reads the FIFO's lines, as with keepalived", (t) =>
  withLab(t, {}, async (lab) => {
    const impls: Implementation[] = ['keepalived', 'keepalived-ts'];
    const got: Record<string, string[]> = {};
    for (const [i, impl] of impls.entries()) {
      const node = await lab.addNode(`n${i}`, { ipv4: `192.0.2.${i + 1}/24` });
      const out = node.path(`${impl}-fifo-lines`);
      const script = node.path(`${impl}-fifo.sh`);
      writeFileSync(script, `#!/bin/sh\nexec cat "$1" >> ${out}\n`, { mode: 0o755 });
      const config = [
        'global_defs {',
        `  vrrp_notify_fifo ${node.path(`${impl}.fifo`)}`,
        `  vrrp_notify_fifo_script ${script}`,
        '  vrrp_version 3',
        '  vrrp_garp_master_delay 0',
        '}',
        'vrrp_instance VI_1 {',
        '  state BACKUP',
        '  interface eth0',
        '  virtual_router_id 51',
        '  priority 100',
        '  advert_int 0.2',
        '  virtual_ipaddress {',
        `    192.0.2.${i + 201}`,
        '  }',
        '}',
        '',
      ].join('\n');
      const r = await startRouter(node, impl, config);
      await r.proc.waitForLine('(VI_1) Entering MASTER STATE', { timeoutMs: 15_000 });
      const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n') : []);
      await pollUntil(() => lines().length >= 2, {
        what: `${impl}: two FIFO lines`,
        timeoutMs: 5000,
        intervalMs: 20,
      });
      got[impl] = lines();
      await r.stop();
      // One router at a time on the segment: the two never elect against each other.
    }
    t.diagnostic(JSON.stringify(got));
    assert.deepEqual(got['keepalived'], ['INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100']);
    assert.deepEqual(got['keepalived-ts'], got['keepalived']);
  }));
