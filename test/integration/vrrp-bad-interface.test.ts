/**
 * Configuration the kernel cannot carry out (issue 4, "Bad input"), in network namespaces:
 *  - a VIP on an interface that does not exist: a clear log line, that instance in FAULT with
 *    none of its addresses anywhere (nothing half-applied), the other instances unaffected;
 *    once the interface appears, the instance runs and holds all its addresses;
 *  - an instance whose interface is down at start starts in FAULT with keepalived 2.2.7's line
 *    (compared with keepalived on the same config), and takes over once the link comes up;
 *    so does one a SIGHUP adds on a link that is down;
 *  - an instance whose own interface is missing waits (FAULT) while the others run, and runs
 *    once the interface appears: keepalived with dynamic_interfaces, keepalived-ts also
 *    without (keepalived 2.2.7 stops its VRRP process then; README, deliberate differences);
 *  - an address the kernel refuses (IPv6 disabled on its interface): the kernel's error in
 *    keepalived's words, the instance in FAULT with its other VIP removed again (keepalived
 *    stays master with half its addresses), and master with all once the kernel accepts.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type LabNode, pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { lastLoggedState, startRouter } from '../../src/testing/vrrp-pair.js';

function instance(name: string, vrid: number, itf: string, vips: readonly string[]): string {
  return `vrrp_instance ${name} {
  state BACKUP
  interface ${itf}
  virtual_router_id ${vrid}
  version 3
  priority 100
  advert_int 0.2
  virtual_ipaddress {
${vips.map((v) => `    ${v}`).join('\n')}
  }
}
`;
}

/** The instance's last "Entering X STATE" line, for instances that share one log. */
function stateOf(lines: readonly { text: string }[], name: string): string | undefined {
  let state: string | undefined;
  for (const l of lines) {
    const m = new RegExp(`\\(${name}\\) Entering (\\w+) STATE`).exec(l.text);
    if (m) state = m[1];
  }
  return state;
}

async function allAddresses(node: LabNode): Promise<string> {
  return node.run('ip', ['-o', 'addr', 'show']);
}

describe('configuration the kernel cannot carry out', () => {
  test('a VIP on a missing interface: that instance in FAULT with nothing applied, the others run; it recovers when the interface appears', (t) =>
    withLab(t, {}, async (lab) => {
      const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
      const config = [
        instance('VI_1', 51, 'eth0', ['192.0.2.100/24', '198.51.100.101/24 dev eth9']),
        instance('VI_2', 52, 'eth0', ['192.0.2.200/24']),
      ].join('');
      const r = await startRouter(a, 'keepalived-ts', config);
      await r.proc.waitForLine("WARNING - interface eth9 for ip address 198.51.100.101/24 doesn't exist", {
        timeoutMs: 5000,
      });
      await r.proc.waitForLine('(VI_1): entering FAULT state (interface eth9 down)', { timeoutMs: 5000 });
      await pollUntil(() => stateOf(r.proc.lines, 'VI_2') === 'MASTER', {
        what: 'VI_2 master',
        timeoutMs: 5000,
      });
      assert.equal(stateOf(r.proc.lines, 'VI_1'), 'FAULT');
      const addrs = await allAddresses(a);
      assert.match(addrs, /192\.0\.2\.200\/24/, 'the healthy instance holds its VIP');
      assert.doesNotMatch(addrs, /192\.0\.2\.100|198\.51\.100\.101/, 'nothing of the faulted instance');

      await a.run('ip', ['link', 'add', 'eth9', 'type', 'veth', 'peer', 'name', 'eth9p']);
      await a.run('ip', ['link', 'set', 'eth9p', 'up']);
      await a.run('ip', ['link', 'set', 'eth9', 'up']);
      await pollUntil(() => stateOf(r.proc.lines, 'VI_1') === 'MASTER', {
        what: 'VI_1 master once eth9 exists',
        timeoutMs: 5000,
      });
      await pollUntil(
        async () => (await a.hasAddress('198.51.100.101/24', 'eth9')) && (await a.hasAddress('192.0.2.100')),
        {
          what: 'both VIPs of VI_1',
          timeoutMs: 3000,
          intervalMs: 20,
        },
      );
      assert.equal((await r.stop()).code, 0);
      assert.doesNotMatch(await allAddresses(a), /192\.0\.2\.100|198\.51\.100\.101|192\.0\.2\.200/);
    }));

  for (const impl of ['keepalived', 'keepalived-ts'] as const) {
    test(`${impl}: an interface down at start puts its instance in FAULT at start; link up, it takes over`, (t) =>
      withLab(t, {}, async (lab) => {
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        await a.run('ip', ['link', 'add', 'eth2', 'type', 'veth', 'peer', 'name', 'eth3']);
        await a.run('ip', ['addr', 'add', '198.51.100.1/24', 'dev', 'eth2']);
        await a.run('ip', ['link', 'set', 'eth3', 'up']);
        const r = await startRouter(a, impl, instance('VI_1', 51, 'eth2', ['198.51.100.100/24']));
        await r.proc.waitForLine('(VI_1): entering FAULT state (interface eth2 down)', { timeoutMs: 5000 });
        await new Promise((res) => setTimeout(res, 1500));
        assert.ok(!(await a.hasAddress('198.51.100.100', 'eth2')), 'no VIP while in FAULT');
        assert.notEqual(lastLoggedState(r), 'MASTER');
        await a.run('ip', ['link', 'set', 'eth2', 'up']);
        await pollUntil(() => lastLoggedState(r) === 'MASTER', {
          what: 'MASTER after link up',
          timeoutMs: 5000,
        });
        await pollUntil(() => a.hasAddress('198.51.100.100', 'eth2'), { what: 'the VIP', timeoutMs: 3000 });
        await r.stop();
      }));

    test(`${impl}: an instance a SIGHUP adds on a link that is down starts in FAULT; link up, it takes over`, (t) =>
      withLab(t, {}, async (lab) => {
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        await a.run('ip', ['link', 'add', 'eth2', 'type', 'veth', 'peer', 'name', 'eth3']);
        await a.run('ip', ['addr', 'add', '198.51.100.1/24', 'dev', 'eth2']);
        await a.run('ip', ['link', 'set', 'eth3', 'up']);
        const first = instance('VI_1', 51, 'eth0', ['192.0.2.100/24']);
        const r = await startRouter(a, impl, first);
        await pollUntil(() => stateOf(r.proc.lines, 'VI_1') === 'MASTER', {
          what: 'VI_1 master',
          timeoutMs: 5000,
        });
        const since = r.proc.lineCount;
        writeFileSync(r.confPath, first + instance('VI_2', 52, 'eth2', ['198.51.100.100/24']));
        process.kill(Number(readFileSync(r.pidFile, 'utf8').trim()), 'SIGHUP');
        await r.proc.waitForLine(/\(VI_2\).*FAULT/, { since, timeoutMs: 5000 });
        assert.ok(
          !r.proc.lines.some((l) => l.seq >= since && /\(VI_2\).*not started/.test(l.text)),
          'VI_2 is planned',
        );
        await new Promise((res) => setTimeout(res, 1500));
        assert.ok(!(await a.hasAddress('198.51.100.100', 'eth2')), 'no VIP while in FAULT');
        assert.notEqual(stateOf(r.proc.lines, 'VI_2'), 'MASTER');
        await a.run('ip', ['link', 'set', 'eth2', 'up']);
        await pollUntil(() => stateOf(r.proc.lines, 'VI_2') === 'MASTER', {
          what: 'VI_2 MASTER after link up',
          timeoutMs: 5000,
        });
        await pollUntil(() => a.hasAddress('198.51.100.100', 'eth2'), { what: 'the VIP', timeoutMs: 3000 });
        assert.equal(stateOf(r.proc.lines, 'VI_1'), 'MASTER', 'VI_1 untouched');
        await r.stop();
      }));
  }

  const DYNAMIC = 'global_defs {\n  dynamic_interfaces\n}\n';
  for (const [impl, global, addressLast] of [
    ['keepalived', DYNAMIC, false],
    ['keepalived-ts', DYNAMIC, false],
    ['keepalived-ts', '', false],
    ['keepalived-ts', '', true],
  ] as const) {
    const how = `${global ? 'with' : 'without'} dynamic_interfaces${addressLast ? ', address after link up' : ''}`;
    test(`${impl}: an instance on a missing interface (${how}) waits in FAULT, the others run; it runs once the interface appears`, (t) =>
      withLab(t, {}, async (lab) => {
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        const config =
          global +
          instance('VI_1', 51, 'eth9', ['198.51.100.100/24']) +
          instance('VI_2', 52, 'eth0', ['192.0.2.200/24']);
        const r = await startRouter(a, impl, config);
        await r.proc.waitForLine('(VI_1): entering FAULT state (interface eth9 down)', { timeoutMs: 5000 });
        await pollUntil(() => stateOf(r.proc.lines, 'VI_2') === 'MASTER', {
          what: 'VI_2 master',
          timeoutMs: 5000,
        });
        assert.equal(stateOf(r.proc.lines, 'VI_1'), undefined, 'VI_1 has not run');
        await a.run('ip', ['link', 'add', 'eth9', 'type', 'veth', 'peer', 'name', 'eth9p']);
        await a.run('ip', ['link', 'set', 'eth9p', 'up']);
        if (!addressLast) await a.run('ip', ['addr', 'add', '198.51.100.1/24', 'dev', 'eth9']);
        await a.run('ip', ['link', 'set', 'eth9', 'up']);
        if (addressLast) {
          await new Promise((res) => setTimeout(res, 1000));
          assert.ok(!(await a.hasAddress('198.51.100.100')), 'no VIP without an address to send from');
          await a.run('ip', ['addr', 'add', '198.51.100.1/24', 'dev', 'eth9']);
        }
        await pollUntil(() => stateOf(r.proc.lines, 'VI_1') === 'MASTER', {
          what: 'VI_1 master once eth9 exists',
          timeoutMs: 5000,
        });
        await pollUntil(() => a.hasAddress('198.51.100.100/24', 'eth9'), {
          what: 'the VIP on eth9',
          timeoutMs: 3000,
        });
        assert.equal(stateOf(r.proc.lines, 'VI_2'), 'MASTER', 'VI_2 untouched');
        assert.ok(await a.hasAddress('192.0.2.200/24', 'eth0'));
        assert.equal((await r.stop()).code, 0);
      }));
  }

  test('an address the kernel refuses: FAULT, nothing left half-applied, retried', (t) =>
    withLab(t, {}, async (lab) => {
      const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
      await a.run('ip', ['link', 'add', 'eth5', 'type', 'veth', 'peer', 'name', 'eth6']);
      await a.run('sysctl', ['-qw', 'net.ipv6.conf.eth5.disable_ipv6=1']);
      await a.run('ip', ['link', 'set', 'eth6', 'up']);
      await a.run('ip', ['link', 'set', 'eth5', 'up']);
      const config = instance('VI_1', 51, 'eth0', ['192.0.2.100/24']).replace(
        '}\n}\n',
        '}\n  virtual_ipaddress_excluded {\n    2001:db8:9::1/64 dev eth5\n  }\n}\n',
      );
      const r = await startRouter(a, 'keepalived-ts', config);
      await r.proc.waitForLine(
        /Netlink: error: Permission denied\(13\), type=RTM_NEWADDR.*IPv6 is disabled/,
        {
          timeoutMs: 5000,
        },
      );
      await r.proc.waitForLine('(VI_1) the kernel refused address 2001:db8:9::1/64 - entering FAULT state', {
        timeoutMs: 2000,
      });
      await pollUntil(() => lastLoggedState(r) === 'FAULT', { what: 'FAULT', timeoutMs: 2000 });
      await pollUntil(async () => !(await a.hasAddress('192.0.2.100')), {
        what: 'the accepted VIP removed again',
        timeoutMs: 2000,
        intervalMs: 20,
      });
      await a.run('sysctl', ['-qw', 'net.ipv6.conf.eth5.disable_ipv6=0']);
      await pollUntil(() => lastLoggedState(r) === 'MASTER', {
        what: 'MASTER after the retry',
        timeoutMs: 15_000,
      });
      await pollUntil(
        async () => (await a.hasAddress('192.0.2.100')) && (await a.hasAddress('2001:db8:9::1', 'eth5')),
        {
          what: 'both VIPs',
          timeoutMs: 3000,
        },
      );
      assert.equal((await r.stop()).code, 0);
    }));
});
