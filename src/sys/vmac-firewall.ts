/**
 * keepalived's nftables rules for VMACs. A VMAC joins the VRRP group itself (its socket receives
 * there), so without them its IGMP / MLD reports leave with the virtual MAC as source: on a
 * BACKUP that teaches the switch the virtual MAC on the wrong port, and the VIP's traffic goes
 * to the backup until the master's next advert. keepalived 2.2.7 (measured) sends each such
 * report out of the base interface instead (`dup to ... device <base>`, then drop on the VMAC),
 * and drops IPv6 router solicitations from the VMAC. The same rules here, in a table of our own
 * (`keepalived_ts`), rebuilt whole in one nft transaction whenever the VMACs change.
 * IPv4 VMACs get none with disable_local_igmp (224.0.0.0/24 reports are off then), as keepalived.
 */
import { spawnSync } from 'node:child_process';

export const VMAC_TABLE = 'keepalived_ts';

export interface VmacPair {
  readonly family: 4 | 6;
  readonly vmac: string;
  readonly base: string;
}

const quote = (name: string): string => `"${name.replace(/["\\]/g, '')}"`;

/** The nft script: both tables removed, then re-made for the VMACs there are (pure). */
export function vmacRuleset(pairs: readonly VmacPair[], disableLocalIgmp: boolean): string {
  const lines: string[] = [];
  for (const family of ['ip', 'ip6'] as const) {
    // "add" then "delete": removes the table whether or not it existed, in the same transaction.
    lines.push(`add table ${family} ${VMAC_TABLE}`, `delete table ${family} ${VMAC_TABLE}`);
  }
  const v4 = disableLocalIgmp ? [] : pairs.filter((p) => p.family === 4);
  const v6 = pairs.filter((p) => p.family === 6);
  const map = (ps: readonly VmacPair[]) => ps.map((p) => `${quote(p.vmac)} : ${quote(p.base)}`).join(', ');
  const hook = 'type filter hook output priority filter - 1; policy accept;';
  if (v4.length > 0) {
    lines.push(
      `table ip ${VMAC_TABLE} {`,
      `  map vmac_map { type iface_index : iface_index; elements = { ${map(v4)} } }`,
      `  chain out { ${hook}`,
      '    ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @vmac_map drop',
      '  }',
      '}',
    );
  }
  if (v6.length > 0) {
    lines.push(
      `table ip6 ${VMAC_TABLE} {`,
      `  map vmac_map { type iface_index : iface_index; elements = { ${map(v6)} } }`,
      `  set vmac_set { type iface_index; elements = { ${v6.map((p) => quote(p.vmac)).join(', ')} } }`,
      `  chain out { ${hook}`,
      '    icmpv6 type mld2-listener-report meta oifkind "macvlan" dup to ip6 daddr device oif map @vmac_map drop',
      '    icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set drop',
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Loads `script` with `nft -f -`; the error text when nft is missing or refuses it. */
export function applyNft(script: string): string | undefined {
  const r = spawnSync('nft', ['-f', '-'], { input: script, encoding: 'utf8', timeout: 5000 });
  if (r.error) return r.error.message;
  return r.status === 0 ? undefined : r.stderr.trim() || `nft exited ${r.status}`;
}
