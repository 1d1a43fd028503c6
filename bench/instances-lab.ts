/**
 * The 1,000-instance setup the instances and reload benchmarks share: the configuration and the
 * second link between the two routers.
 */
import type { LabNode } from '../src/testing/netns-lab.js';
import { pollUntil } from '../src/testing/netns-lab.js';

const VRIDS = 250;

/** The first `n` of 250 VRIDs × 2 families × 2 interfaces, one VIP each. */
export function instancesConfig(n: number): string {
  const out = ['global_defs {', '  router_id bench', '  vrrp_version 3', '  vrrp_garp_master_delay 0', '}'];
  let count = 0;
  for (const [i, iface] of ['eth0', 'eth1'].entries()) {
    for (const family of [4, 6] as const) {
      for (let vrid = 1; vrid <= VRIDS && count++ < n; vrid++) {
        const vip =
          family === 4
            ? `${i === 0 ? '198.51.100' : '203.0.113'}.${vrid + 2}/32`
            : `2001:db8:${100 + i}::${vrid.toString(16)}/128`;
        out.push(
          `vrrp_instance VI_${iface}_${family}_${vrid} {`,
          '  state MASTER',
          `  interface ${iface}`,
          `  virtual_router_id ${vrid}`,
          '  priority 200',
          '  advert_int 1',
          '  virtual_ipaddress {',
          `    ${vip}`,
          '  }',
          '}',
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
}

export async function addSecondLink(a: LabNode, b: LabNode): Promise<void> {
  await a.run('ip', ['link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', b.ns]);
  for (const [node, host] of [
    [a, 1],
    [b, 2],
  ] as const) {
    await node.run('ip', ['addr', 'add', `203.0.113.${host === 1 ? 1 : 254}/24`, 'dev', 'eth1']);
    await node.run('ip', ['addr', 'add', `2001:db8:1::${host}/64`, 'dev', 'eth1', 'nodad']);
    await node.run('ip', ['link', 'set', 'eth1', 'up']);
  }
  await pollUntil(async () => (await a.addresses('eth1')).some((x) => x.startsWith('fe80:')), {
    what: 'a link-local address on eth1',
    timeoutMs: 5000,
    intervalMs: 20,
  });
}
