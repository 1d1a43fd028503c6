/**
 * virtual_routes and virtual_rules against keepalived 2.2.7 in network namespaces:
 *  - as master, `ip route show table all` and `ip rule` (IPv4 and IPv6) show exactly what
 *    keepalived installs for the same config; after a graceful stop nothing of it is left;
 *  - a master that meets a higher priority and goes BACKUP removes them;
 *  - what a SIGKILLed run left behind is removed at the next start, although that run's
 *    successor stays BACKUP (keepalived 2.2.7 removes the rules there but leaves the routes:
 *    see README, deliberate differences).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Implementation } from '../../src/testing/keepalived-ref.js';
import { type Lab, type LabNode, pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { lastLoggedState, startRouter } from '../../src/testing/vrrp-pair.js';

function config(priority: number): string {
  return `global_defs {
  router_id r${priority}
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  version 3
  priority ${priority}
  advert_int 0.2
  virtual_ipaddress {
    192.0.2.100/24
  }
  virtual_routes {
    198.51.100.0/24 via 192.0.2.254
    203.0.113.0/24 dev eth0 table 100
    src 192.0.2.100 198.51.100.128/25 dev eth0 metric 5
    blackhole 203.0.113.128/25
    198.51.100.64/26 via 192.0.2.253 dev eth0 table 1000 mtu lock 1400 metric 7
    2001:db8:1::/64 via 2001:db8::fe
    2001:db8:2::/64 dev eth0 table 100 metric 9
  }
  virtual_rules {
    from 192.0.2.100 table 100 priority 100
    to 198.51.100.0/24 table 100 priority 200
    from 192.0.2.0/24 to 203.0.113.0/24 table 1000 priority 300 not
    fwmark 7 table 100 priority 400
    from 2001:db8::100 table 100 priority 100
    to 2001:db8:2::/64 lookup 1000 priority 500
  }
}
`;
}

/** The routes and rules a keepalived installs (protocol keepalived), IPv4 then IPv6. */
async function installed(node: LabNode): Promise<string> {
  const out: string[] = [];
  for (const family of ['-4', '-6']) {
    out.push(await node.run('ip', [family, 'route', 'show', 'table', 'all', 'proto', 'keepalived']));
    const rules = await node.run('ip', [family, 'rule', 'show']);
    out.push(
      rules
        .split('\n')
        .filter((l) => l.includes('proto keepalived'))
        .join('\n'),
    );
  }
  return out.map((part) => part.trim()).join('\n---\n');
}

const NOTHING = '\n---\n\n---\n\n---\n';

function addNode(lab: Lab, name: string, n: number): Promise<LabNode> {
  return lab.addNode(name, { ipv4: `192.0.2.${n}/24`, ipv6: `2001:db8::${n}/64` });
}

describe('virtual_routes and virtual_rules', () => {
  test('as master: the same routes and rules as keepalived 2.2.7; none left after a stop', (t) =>
    withLab(t, {}, async (lab) => {
      const seen = new Map<Implementation, string>();
      for (const impl of ['keepalived', 'keepalived-ts'] as const) {
        const a = await addNode(lab, impl === 'keepalived' ? 'k' : 't', impl === 'keepalived' ? 1 : 2);
        assert.equal(await installed(a), NOTHING, 'a fresh node has none');
        const r = await startRouter(a, impl, config(100));
        await r.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
        await pollUntil(async () => (await installed(a)).includes('lookup 1000'), {
          what: `${impl}'s rules`,
          timeoutMs: 3000,
          intervalMs: 20,
        });
        seen.set(impl, await installed(a));
        const status = await r.stop();
        assert.equal(status.code, 0);
        assert.equal(await installed(a), NOTHING, `${impl} leaves nothing behind`);
      }
      t.diagnostic(`keepalived installs:\n${seen.get('keepalived')}`);
      assert.equal(seen.get('keepalived-ts'), seen.get('keepalived'));
    }));

  test('a master that goes BACKUP removes its routes and rules; SIGKILL leftovers go at the next start', (t) =>
    withLab(t, {}, async (lab) => {
      const a = await addNode(lab, 'a', 1);
      const b = await addNode(lab, 'b', 2);
      let ours = await startRouter(a, 'keepalived-ts', config(100));
      await ours.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
      await pollUntil(async () => (await installed(a)) !== NOTHING, { what: 'routes', timeoutMs: 3000 });
      const ref = await startRouter(b, 'keepalived', config(200));
      await ours.proc.waitForLine('Entering BACKUP STATE', { timeoutMs: 5000 });
      await pollUntil(async () => (await installed(a)) === NOTHING, {
        what: 'the backup to remove its routes and rules',
        timeoutMs: 2000,
        intervalMs: 20,
      });
      assert.notEqual(await installed(b), NOTHING, 'the new master has them');

      // Master again (keepalived gone), then killed: everything stays behind.
      await ref.stop();
      await pollUntil(() => lastLoggedState(ours) === 'MASTER', { what: 'master again', timeoutMs: 5000 });
      await pollUntil(async () => (await installed(a)).includes('lookup 1000'), {
        what: 'rules',
        timeoutMs: 3000,
      });
      const left = await installed(a);
      ours.proc.killGroup('SIGKILL');
      await ours.proc.waitExit(5000);
      assert.equal(await installed(a), left, 'a SIGKILL leaves them');

      // b is master with a higher priority: the restarted daemon stays BACKUP, and must clear them.
      const ref2 = await startRouter(b, 'keepalived', config(200), 'keepalived2');
      await ref2.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
      ours = await startRouter(a, 'keepalived-ts', config(100), 'keepalived-ts2');
      await ours.proc.waitForLine('Entering BACKUP STATE', { timeoutMs: 5000 });
      await pollUntil(async () => (await installed(a)) === NOTHING, {
        what: 'the stale routes and rules to go',
        timeoutMs: 2000,
        intervalMs: 20,
      });
      await ours.stop();
      await ref2.stop();
    }));
});

function encapConfig(routes: readonly string[]): string {
  return `vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 52
  version 3
  priority 100
  advert_int 0.2
  virtual_ipaddress {
    192.0.2.100/24
  }
  virtual_routes {
${routes.map((r) => `    ${r}`).join('\n')}
  }
}
`;
}

/** The routes with their tunnels, as `ip -d route` shows them. */
async function encapRoutes(node: LabNode): Promise<string> {
  const out: string[] = [];
  for (const family of ['-4', '-6'])
    out.push(
      (await node.run('ip', ['-d', family, 'route', 'show', 'table', 'all', 'proto', 'keepalived'])).trim(),
    );
  return out.join('\n---\n');
}

describe('virtual_routes with encap', () => {
  test('encap ip / ip6: the routes keepalived 2.2.7 installs, and the tunnels it leaves out', (t) =>
    withLab(t, {}, async (lab) => {
      const both = [
        '198.51.100.0/24 dev eth0 encap ip id 200 dst 203.0.113.5 src 192.0.2.1 tos 0x10 ttl 64 flags 1',
        '2001:db8:6::/64 dev eth0 encap ip6 dst 2001:db8::9',
        '198.51.100.128/25 via 192.0.2.254 encap ip dst 203.0.113.6',
      ];
      const seen = new Map<Implementation, string>();
      for (const impl of ['keepalived', 'keepalived-ts'] as const) {
        const a = await addNode(lab, impl === 'keepalived' ? 'k' : 't', impl === 'keepalived' ? 1 : 2);
        const r = await startRouter(a, impl, encapConfig(both));
        await r.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
        await pollUntil(async () => (await encapRoutes(a)).includes('2001:db8:6::/64'), {
          what: `${impl}'s routes`,
          timeoutMs: 3000,
          intervalMs: 20,
        });
        seen.set(impl, await encapRoutes(a));
        assert.equal((await r.stop()).code, 0);
        assert.equal(await encapRoutes(a), '\n---\n', `${impl} removes them`);
      }
      t.diagnostic(`keepalived installs:\n${seen.get('keepalived')}`);
      assert.match(
        seen.get('keepalived') ?? '',
        /encap ip id 200 src 192\.0\.2\.1 dst 203\.0\.113\.5 ttl 64 tos 16/,
      );
      assert.equal(seen.get('keepalived-ts'), seen.get('keepalived'));

      // keepalived 2.2.7 sends these two without their tunnel (README, deliberate differences).
      const b = await addNode(lab, 'u', 3);
      const r = await startRouter(
        b,
        'keepalived-ts',
        encapConfig([
          '2001:db8:5::/64 dev eth0 encap ip6 id 300 dst 2001:db8::9 src 2001:db8::1 tc 0x20 hoplimit 32 flags 1',
          '203.0.113.0/24 nexthop via 192.0.2.254 dev eth0 encap ip id 5 dst 198.51.100.9 nexthop via 192.0.2.253 dev eth0',
        ]),
      );
      await r.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
      await pollUntil(async () => (await encapRoutes(b)).includes('2001:db8:5::/64'), {
        what: 'the routes',
        timeoutMs: 3000,
        intervalMs: 20,
      });
      const got = await encapRoutes(b);
      t.diagnostic(got);
      assert.match(
        got,
        /2001:db8:5::\/64 +encap ip6 id 300 src 2001:db8::1 dst 2001:db8::9 hoplimit 32 tc 32/,
      );
      assert.match(got, /nexthop +encap ip id 5 src 0\.0\.0\.0 dst 198\.51\.100\.9 .*via 192\.0\.2\.254/);
      assert.equal((await r.stop()).code, 0);
      assert.equal(await encapRoutes(b), '\n---\n', 'removed at stop');
    }));
});
