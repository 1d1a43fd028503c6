/**
 * A master's VIP, virtual route or virtual rule deleted by someone else (`ip addr del`,
 * `ip route del`, `ip rule del`), against keepalived 2.2.7 in network namespaces. keepalived
 * (keepalived_netlink.c set_vrrp_backup) logs "Netlink reflector reports IP ... removed from
 * ..." for an address, goes BACKUP with a priority-0 advert, releases the rest, and is master
 * again after the skew time, which puts everything back. An entry marked `no_track`, and a
 * route without `dev` (which keepalived does not track), is left deleted, without a transition. keepalived-ts must log the same lines in the same order and
 * end with the same addresses, routes and rules.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Implementation } from '../../src/testing/keepalived-ref.js';
import { type LabNode, pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { startRouter } from '../../src/testing/vrrp-pair.js';

const CONFIG = `global_defs {
  router_id deleted
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  version 3
  priority 100
  advert_int 0.2
  virtual_ipaddress {
    192.0.2.100/24
    192.0.2.101/24
    192.0.2.102/24 no_track
  }
  virtual_ipaddress_excluded {
    2001:db8::100/64
  }
  virtual_routes {
    198.51.100.0/24 via 192.0.2.254
    203.0.113.0/24 dev eth0 table 100 metric 5
  }
  virtual_rules {
    from 192.0.2.100 table 100 priority 100
  }
}
`;

/** What keepalived installs, in a form both implementations can be compared on. */
async function installed(node: LabNode): Promise<string> {
  const addrs = await node.run('ip', ['-br', 'addr', 'show', 'dev', 'eth0']);
  const routes = await node.run('ip', ['route', 'show', 'table', 'all', 'proto', 'keepalived']);
  const rules = (await node.run('ip', ['rule', 'show']))
    .split('\n')
    .filter((l) => l.includes('proto keepalived'))
    .join('\n');
  // The VIPs only: the node's own addresses differ.
  const global = addrs
    .trim()
    .split(/\s+/)
    .filter((a) => a.startsWith('192.0.2.10') || a.startsWith('2001:db8::10'))
    .join(' ');
  return [global, routes.trim(), rules.trim()].join('\n');
}

/** A log line without keepalived's "Fri Dec  4 18:25:46 2026: " prefix. */
const bare = (text: string): string => text.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '');

/** The lines that tell what happened (no GARP lines; no netlink errors, see the README). */
const STORY = /^(\(VI_1\) (Entering|sent 0|removing|setting|Receive advertisement)|Netlink reflector)/;

const DELETIONS: readonly { readonly what: string; readonly argv: readonly string[] }[] = [
  { what: 'a VIP', argv: ['addr', 'del', '192.0.2.101/24', 'dev', 'eth0'] },
  { what: 'an excluded IPv6 VIP', argv: ['addr', 'del', '2001:db8::100/64', 'dev', 'eth0'] },
  {
    what: 'a route with dev, table and metric',
    argv: ['route', 'del', '203.0.113.0/24', 'table', '100', 'metric', '5'],
  },
  { what: 'a rule', argv: ['rule', 'del', 'priority', '100'] },
];

describe('a VIP, virtual route or rule deleted under a master', () => {
  test('is put back through BACKUP and MASTER as keepalived 2.2.7 does; no_track ones stay deleted', (t) =>
    withLab(t, {}, async (lab) => {
      const stories = new Map<Implementation, string[]>();
      const ends = new Map<Implementation, string>();
      for (const impl of ['keepalived', 'keepalived-ts'] as const) {
        const n = impl === 'keepalived' ? 1 : 2;
        const node = await lab.addNode(impl === 'keepalived' ? 'k' : 't', {
          ipv4: `192.0.2.${n}/24`,
          ipv6: `2001:db8::${n}/64`,
        });
        const r = await startRouter(node, impl, CONFIG);
        await r.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
        await pollUntil(async () => (await installed(node)).includes('lookup 100'), {
          what: `${impl}'s rule`,
          timeoutMs: 3000,
          intervalMs: 20,
        });
        const full = await installed(node);
        const story: string[] = [];
        for (const d of DELETIONS) {
          const since = r.proc.lineCount;
          await node.run('ip', [...d.argv]);
          await r.proc.waitForLine('Entering MASTER STATE', { since, timeoutMs: 3000 }).catch((e: Error) => {
            throw new Error(`${impl} after deleting ${d.what}: ${e.message}`);
          });
          await pollUntil(async () => (await installed(node)) === full, {
            what: `${impl} to put back ${d.what}`,
            timeoutMs: 3000,
            intervalMs: 20,
          });
          // The GARP lines and the setting of the last rule may trail the MASTER line.
          await new Promise((resolve) => setTimeout(resolve, 100));
          story.push(`-- ${d.what}`);
          for (const l of r.proc.lines)
            if (l.seq >= since && STORY.test(bare(l.text))) story.push(bare(l.text));
        }
        // no_track, and a route without `dev` (keepalived: "cannot track route ... with no
        // interface specified, not tracking"): left deleted, no transition.
        const since = r.proc.lineCount;
        await node.run('ip', ['addr', 'del', '192.0.2.102/24', 'dev', 'eth0']);
        await node.run('ip', ['route', 'del', '198.51.100.0/24']);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const after = r.proc.lines.filter((l) => l.seq >= since && /Entering/.test(l.text));
        assert.deepEqual(after, [], `${impl}: an untracked VIP or route deleted changes no state`);
        ends.set(impl, await installed(node));
        stories.set(impl, story);
        assert.equal((await r.stop()).code, 0);
      }
      t.diagnostic(`keepalived:\n${stories.get('keepalived')?.join('\n')}`);
      assert.deepEqual(stories.get('keepalived-ts'), stories.get('keepalived'));
      assert.equal(ends.get('keepalived-ts'), ends.get('keepalived'));
      assert.ok(!ends.get('keepalived')?.includes('192.0.2.102/24'), 'the no_track VIP stays deleted');
      assert.ok(!ends.get('keepalived')?.includes('198.51.100.0/24'), 'the route without dev stays deleted');
    }));

  test('keepalived-ts: with 300 IPv6 VIPs and a short skew, one deleted VIP makes exactly one round trip', (t) =>
    withLab(t, {}, async (lab) => {
      // Its own IPv6 removals come back with port id 0, some after the instance (skew 3 ms)
      // is master again: they must not be taken for an operator's.
      const vips = Array.from({ length: 300 }, (_, i) => `2001:db8:1::${(i + 1).toString(16)}/64`);
      const config = `vrrp_instance VI_6 {
  state BACKUP
  interface eth0
  virtual_router_id 61
  version 3
  priority 254
  advert_int 0.5
  virtual_ipaddress {
${vips.map((v) => `    ${v}`).join('\n')}
  }
}
`;
      const node = await lab.addNode('t', { ipv4: '192.0.2.2/24', ipv6: '2001:db8::2/64' });
      const r = await startRouter(node, 'keepalived-ts', config);
      await r.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 8000 });
      const count = async (): Promise<number> =>
        (await node.run('ip', ['-6', 'addr', 'show', 'dev', 'eth0'])).split('2001:db8:1::').length - 1;
      await pollUntil(async () => (await count()) === 300, { what: 'the VIPs', timeoutMs: 8000 });
      const since = r.proc.lineCount;
      await node.run('ip', ['addr', 'del', '2001:db8:1::7/64', 'dev', 'eth0']);
      await r.proc.waitForLine('Entering MASTER STATE', { since, timeoutMs: 3000 });
      await pollUntil(async () => (await count()) === 300, { what: 'the VIPs back', timeoutMs: 8000 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const transitions = r.proc.lines.filter(
        (l) => l.seq >= since && /Entering (BACKUP|MASTER) STATE/.test(l.text),
      );
      assert.deepEqual(
        transitions.map((l) => bare(l.text)),
        ['(VI_6) Entering BACKUP STATE', '(VI_6) Entering MASTER STATE'],
      );
      assert.equal((await r.stop()).code, 0);
    }));
});
