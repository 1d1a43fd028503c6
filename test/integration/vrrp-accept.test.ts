/**
 * accept / no_accept against keepalived 2.2.7, in network namespaces: a client asks the master
 * for a TCP connection to the VIP (a refusal counts as reached) and to the master's own address.
 *  - no_accept: the VIP does not answer (the master drops traffic to it), its own address does;
 *    the nftables tables are keepalived's, and are gone after a stop;
 *  - accept: the VIP answers.
 * The nft table has a per-run name (global `nftables`), so concurrent runs never share it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { type LabNode, pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { lastLoggedState, startRouter } from '../../src/testing/vrrp-pair.js';

const VIP4 = '192.0.2.100';
const VIP6 = '2001:db8::100';

function config(table: string, mode: 'accept' | 'no_accept'): string {
  const common = (name: string, vrid: number, vip: string) => `vrrp_instance ${name} {
  state BACKUP
  interface eth0
  virtual_router_id ${vrid}
  version 3
  priority 100
  advert_int 0.2
  ${mode}
  virtual_ipaddress {
    ${vip}
  }
}
`;
  return `global_defs {
  router_id lab
  nftables ${table}
}
${common('VI_4', 51, `${VIP4}/24`)}${common('VI_6', 52, `${VIP6}/64`)}`;
}

async function ruleset(node: LabNode): Promise<string> {
  return (await node.run('nft', ['list', 'ruleset'])).trim();
}

describe('accept and no_accept', () => {
  const tables = new Map<string, string>();
  for (const impl of ['keepalived', 'keepalived-ts'] as const) {
    for (const mode of ['no_accept', 'accept'] as const) {
      test(`${impl}, ${mode}: the VIP ${mode === 'accept' ? 'answers' : 'does not answer'} a client`, (t) =>
        withLab(t, {}, async (lab) => {
          const a = await lab.addNode('a', { ipv4: '192.0.2.1/24', ipv6: '2001:db8::1/64' });
          const c = await lab.addNode('c', { ipv4: '192.0.2.9/24', ipv6: '2001:db8::9/64' });
          const table = `kt${randomBytes(3).toString('hex')}`;
          const r = await startRouter(a, impl, config(table, mode));
          await pollUntil(
            () => r.proc.lines.filter((l) => l.text.includes('Entering MASTER STATE')).length >= 2,
            {
              what: 'both instances master',
              timeoutMs: 5000,
            },
          );
          await pollUntil(async () => (await a.hasAddress(VIP4)) && (await a.hasAddress(VIP6)), {
            what: 'the VIPs',
            timeoutMs: 3000,
          });
          assert.ok(await c.canReach('192.0.2.1'), "the master's own address answers");
          const reach4 = await c.canReach(VIP4, { timeoutMs: 1000 });
          const reach6 = await c.canReach(VIP6, { timeoutMs: 1000 });
          assert.equal(reach4, mode === 'accept', `IPv4 VIP reachable: ${reach4}`);
          assert.equal(reach6, mode === 'accept', `IPv6 VIP reachable: ${reach6}`);
          const rules = (await ruleset(a)).replaceAll(table, 'TABLE');
          if (mode === 'no_accept') {
            assert.match(rules, /ip daddr @vips drop/);
            tables.set(impl, rules);
          } else assert.equal(rules, '', 'accept installs no firewall rules');
          assert.equal(lastLoggedState(r), 'MASTER');
          assert.equal((await r.stop()).code, 0);
          assert.equal(await ruleset(a), '', 'nothing left after a stop');
        }));
    }
  }
  test('keepalived-ts builds the same tables, sets and chains as keepalived 2.2.7', (t) => {
    const sections = (s: string | undefined) =>
      (s ?? '')
        .split(/\n(?=\t(?:set|chain) |table )/)
        .map((x) => x.trim())
        .sort();
    t.diagnostic(tables.get('keepalived') ?? '(keepalived did not run)');
    assert.deepEqual(sections(tables.get('keepalived-ts')), sections(tables.get('keepalived')));
  });
});

function linkLocalConfig(table: string, ifindex: boolean): string {
  const instance = (
    name: string,
    vrid: number,
    extra: string,
    vips: readonly string[],
  ) => `vrrp_instance ${name} {
  state BACKUP
  interface eth0
  ${extra}
  virtual_router_id ${vrid}
  version 3
  priority 100
  advert_int 0.2
  virtual_ipaddress {
${vips.map((v) => `    ${v}`).join('\n')}
  }
}
`;
  return `global_defs {
  router_id lab
  vrrp_strict
  nftables ${table}
  ${ifindex ? 'nftables_ifindex' : ''}
}
${instance('VI_6', 52, 'dont_track_primary', ['fe80::100/64', '2001:db8::100/64'])}${instance('VI_7', 53, '', ['fe80::101/64'])}`;
}

describe('link-local VIPs under no_accept, nftables_ifindex on and off', () => {
  for (const ifindex of [false, true]) {
    test(`${ifindex ? 'with' : 'without'} nftables_ifindex: the ip6 table keepalived 2.2.7 builds`, (t) =>
      withLab(t, {}, async (lab) => {
        const seen = new Map<string, string>();
        for (const impl of ['keepalived', 'keepalived-ts'] as const) {
          const a = await lab.addNode(impl === 'keepalived' ? 'k' : 't', {
            ipv4: `192.0.2.${impl === 'keepalived' ? 1 : 2}/24`,
            ipv6: `2001:db8::${impl === 'keepalived' ? 1 : 2}/64`,
          });
          const table = `kt${randomBytes(3).toString('hex')}`;
          const r = await startRouter(a, impl, linkLocalConfig(table, ifindex));
          await pollUntil(
            () => r.proc.lines.filter((l) => l.text.includes('Entering MASTER STATE')).length >= 2,
            { what: 'both instances master', timeoutMs: 5000 },
          );
          await pollUntil(async () => (await ruleset(a)).includes('fe80::101'), {
            what: `${impl}'s link-local drop rules`,
            timeoutMs: 3000,
            intervalMs: 20,
          });
          seen.set(
            impl,
            (await a.run('nft', ['list', 'table', 'ip6', table])).trim().replaceAll(table, 'TABLE'),
          );
          assert.equal((await r.stop()).code, 0);
        }
        t.diagnostic(seen.get('keepalived') ?? '');
        const byName =
          /set vips_link_local_name \{\n\t\ttype ipv6_addr \. ifname\n\t\telements = \{ fe80::100 \. "eth0" \}/;
        if (ifindex) assert.doesNotMatch(seen.get('keepalived') ?? '', /vips_link_local_name/);
        else assert.match(seen.get('keepalived') ?? '', byName);
        const sections = (s: string | undefined) =>
          (s ?? '')
            .split(/\n(?=\t(?:set|chain) |table )/)
            .map((x) => x.trim())
            .sort();
        assert.deepEqual(sections(seen.get('keepalived-ts')), sections(seen.get('keepalived')));
      }));
  }
});

describe('vrrp_strict with use_vmac: one nftables table', () => {
  test('the VMAC rules and the drop rules in one table, exactly as keepalived 2.2.7 lists them; gone after a stop', (t) =>
    withLab(t, {}, async (lab) => {
      const instance = (name: string, vrid: number, vips: readonly string[]) => `vrrp_instance ${name} {
  state BACKUP
  interface eth0
  use_vmac
  virtual_router_id ${vrid}
  version 3
  priority 100
  advert_int 0.2
  virtual_ipaddress {
${vips.map((v) => `    ${v}`).join('\n')}
  }
}
`;
      const config = `global_defs {\n  router_id lab\n  vrrp_strict\n}\n${instance('VI_1', 51, ['192.0.2.100/24'])}${instance('VI_6', 52, ['fe80::100/64', '2001:db8::100/64'])}`;
      const seen = new Map<string, string>();
      for (const impl of ['keepalived', 'keepalived-ts'] as const) {
        const n = impl === 'keepalived' ? 1 : 2;
        const a = await lab.addNode(impl === 'keepalived' ? 'k' : 't', {
          ipv4: `192.0.2.${n}/24`,
          ipv6: `2001:db8::${n}/64`,
        });
        const r = await startRouter(a, impl, config);
        await pollUntil(
          () => r.proc.lines.filter((l) => l.text.includes('Entering MASTER STATE')).length >= 2,
          { what: 'both instances master', timeoutMs: 8000 },
        );
        await pollUntil(async () => (await ruleset(a)).includes('fe80::100'), {
          what: `${impl}'s drop rules`,
          timeoutMs: 3000,
          intervalMs: 20,
        });
        seen.set(impl, await ruleset(a));
        assert.equal((await r.stop()).code, 0);
        assert.equal(await ruleset(a), '', `${impl} leaves no table`);
      }
      t.diagnostic(seen.get('keepalived') ?? '');
      assert.match(seen.get('keepalived') ?? '', /table ip keepalived \{\n\tmap vmac_map/);
      assert.equal(seen.get('keepalived-ts'), seen.get('keepalived'));
    }));
});
