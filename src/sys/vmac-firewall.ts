/**
 * keepalived's nftables rules for VMACs. A VMAC joins the VRRP group itself (its socket receives
 * there), so without them its IGMP / MLD reports leave with the virtual MAC as source: on a
 * BACKUP that teaches the switch the virtual MAC on the wrong port, and the VIP's traffic goes
 * to the backup until the master's next advert. keepalived 2.2.7 (measured) sends each such
 * report out of the base interface instead (`dup to ... device <base>`, then drop on the VMAC),
 * and drops IPv6 router solicitations from the VMAC.
 *
 * They go in keepalived's one table (`keepalived`, or the `nftables` name), beside the
 * no_accept drop sets the VRRP worker adds (net/nft-ruleset.ts): `vmac_map` (and `vmac_set`
 * for IPv6) with their rules first in chain `out`, as keepalived lists them. Every command
 * here adds or flushes and never recreates the table, so the worker's sets and rules stay;
 * the rules are inserted at the head of `out` once, later changes only refill the map.
 * IPv4 VMACs get none with disable_local_igmp (224.0.0.0/24 reports are off then), as keepalived.
 */
import { spawnSync } from 'node:child_process';
import { dropTable } from '../net/nft-ruleset.js';

export interface VmacPair {
  readonly family: 4 | 6;
  readonly vmac: string;
  readonly base: string;
}

export interface VmacTable {
  readonly name: string;
  /** nftables_priority: the hook priority of chain `out`, shared with the no_accept rules. */
  readonly priority: number;
}

const quote = (name: string): string => `"${name.replace(/["\\]/g, '')}"`;

/**
 * The nft script that makes the VMAC part of table `t` hold `pairs` (pure). `ruled` names the
 * families whose rules are already in chain `out`; the families this script gives rules are
 * added to it.
 */
export function vmacScript(
  t: VmacTable,
  pairs: readonly VmacPair[],
  disableLocalIgmp: boolean,
  ruled: Set<4 | 6>,
): string {
  const lines: string[] = [];
  for (const family of [4, 6] as const) {
    if (family === 4 && disableLocalIgmp) continue;
    const fam = family === 4 ? 'ip' : 'ip6';
    const ps = pairs.filter((p) => p.family === family);
    if (ps.length === 0 && !ruled.has(family)) continue;
    const map = ps.map((p) => `${quote(p.vmac)} : ${quote(p.base)}`).join(', ');
    lines.push(
      `add table ${fam} ${t.name}`,
      `add map ${fam} ${t.name} vmac_map { type iface_index : iface_index; }`,
      `flush map ${fam} ${t.name} vmac_map`,
    );
    if (ps.length > 0) lines.push(`add element ${fam} ${t.name} vmac_map { ${map} }`);
    if (family === 6) {
      lines.push(`add set ip6 ${t.name} vmac_set { type iface_index; }`, `flush set ip6 ${t.name} vmac_set`);
      if (ps.length > 0)
        lines.push(`add element ip6 ${t.name} vmac_set { ${ps.map((p) => quote(p.vmac)).join(', ')} }`);
    }
    if (ruled.has(family) || ps.length === 0) continue;
    lines.push(
      `add chain ${fam} ${t.name} out { type filter hook output priority ${t.priority}; policy accept; }`,
    );
    // `insert` puts a rule at the head of the chain: the last inserted comes first.
    if (family === 4)
      lines.push(
        `insert rule ip ${t.name} out ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @vmac_map drop`,
      );
    else
      lines.push(
        `insert rule ip6 ${t.name} out icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set drop`,
        `insert rule ip6 ${t.name} out icmpv6 type mld2-listener-report meta oifkind "macvlan" dup to ip6 daddr device oif map @vmac_map drop`,
      );
    ruled.add(family);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Both families' tables removed, whoever made them (at start: a crashed run's; at stop). */
export function dropTables(t: VmacTable): string {
  return dropTable(t, 4) + dropTable(t, 6);
}

/** Loads `script` with `nft -f -`; the error text when nft is missing or refuses it. */
export function applyNft(script: string): string | undefined {
  if (script === '') return undefined;
  const r = spawnSync('nft', ['-f', '-'], { input: script, encoding: 'utf8', timeout: 5000 });
  if (r.error) return r.error.message;
  return r.status === 0 ? undefined : r.stderr.trim() || `nft exited ${r.status}`;
}
