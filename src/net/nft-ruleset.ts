/**
 * no_accept as nftables scripts, pure: the tables keepalived 2.2.7 builds (vrrp_nftables.c,
 * measured with `nft list ruleset`): per family a table (default name "keepalived") with a
 * set `vips` and chains `in` / `out` hooked at filter priority - 1 that drop traffic to and
 * from the VIPs a no_accept master holds. IPv6 lets neighbour discovery through (the VIPs
 * must still answer NS) and matches link-local VIPs with their interface: by index
 * (vips_link_local), or by name (vips_link_local_name) where keepalived does so.
 * Each function returns text for `nft -f -`; one script is one atomic transaction.
 */
import type { IpFamily } from '../base/ip.js';

export interface NftTableSpec {
  readonly name: string;
  /** Hook priority of the chains (nftables_priority; keepalived's default -1). */
  readonly priority: number;
  /** nftables_counters: a counter on each rule. */
  readonly counters: boolean;
}

/** A VIP in the drop sets: a link-local IPv6 one is matched with its interface. */
export interface NftVip {
  readonly family: IpFamily;
  readonly address: string;
  /** The interface, for link-local IPv6 addresses. */
  readonly ifname?: string;
  /**
   * A link-local one matched by interface name (set vips_link_local_name) rather than index:
   * keepalived's choice for a dont_track_primary instance's own link-local VIPs unless
   * nftables_ifindex is set (vrrp_nftables.c nft_update_ipv6_address).
   */
  readonly byName?: boolean;
}

/** The set a link-local VIP goes in. */
export const linkLocalSet = (v: NftVip): string => (v.byName ? 'vips_link_local_name' : 'vips_link_local');

const familyWord = (f: IpFamily): string => (f === 4 ? 'ip' : 'ip6');

export function isLinkLocal(v: NftVip): boolean {
  return v.family === 6 && /^fe[89ab]/i.test(v.address);
}

/** nft's quoting for an interface name inside a set element. */
const quoted = (name: string): string => `"${name.replace(/["\\]/g, '')}"`;

const element = (v: NftVip): string =>
  isLinkLocal(v) ? `${v.address} . ${quoted(v.ifname ?? '')}` : v.address;

/**
 * Adds the family's no_accept sets, chains and rules to the table, which the VMAC rules
 * (sys/vmac-firewall.ts) may share: nothing is recreated, the drop rules go after what chain
 * `out` holds. A crashed run's table is removed before the first VMAC or block (the daemon's
 * start), not here.
 */
export function createTable(t: NftTableSpec, family: IpFamily): string {
  const fam = familyWord(family);
  const c = t.counters ? 'counter ' : '';
  const hook = (h: 'input' | 'output') => `type filter hook ${h} priority ${t.priority}; policy accept;`;
  const lines = [`table ${fam} ${t.name} {`];
  if (family === 4) {
    lines.push(
      '  set vips { type ipv4_addr; }',
      `  chain out { ${hook('output')} ip saddr @vips ${c}drop; }`,
      `  chain in { ${hook('input')} ip daddr @vips ${c}drop; }`,
    );
  } else {
    // Declared empty first and filled after, so that `nft list` shows keepalived's order.
    lines.push(
      '  set vips { type ipv6_addr; }',
      '  set neighbor-discovery { type icmpv6_type; flags constant; elements = { nd-neighbor-solicit, nd-neighbor-advert }; }',
      `  chain out { ${hook('output')} }`,
      `  chain in { ${hook('input')} }`,
      '  chain in_link_local { }',
      '  chain out_link_local { }',
      '}',
      `add rule ip6 ${t.name} out icmpv6 type @neighbor-discovery accept`,
      `add rule ip6 ${t.name} out ip6 saddr fe80::/10 goto out_link_local`,
      `add rule ip6 ${t.name} out ip6 saddr @vips ${c}drop`,
      `add rule ip6 ${t.name} in icmpv6 type @neighbor-discovery accept`,
      `add rule ip6 ${t.name} in ip6 daddr fe80::/10 goto in_link_local`,
      `add rule ip6 ${t.name} in ip6 daddr @vips ${c}drop`,
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * The set and rules for link-local IPv6 VIPs, made when the first one is blocked (as
 * keepalived): matched by interface index, or `byName` by interface name.
 */
export function createLinkLocal(t: NftTableSpec, byName = false): string {
  const c = t.counters ? 'counter ' : '';
  const set = linkLocalSet({ family: 6, address: 'fe80::', byName });
  const [type, iif, oif] = byName ? ['ifname', 'iifname', 'oifname'] : ['iface_index', 'iif', 'oif'];
  return [
    `add set ip6 ${t.name} ${set} { type ipv6_addr . ${type}; }`,
    `add rule ip6 ${t.name} in_link_local ip6 daddr . ${iif} @${set} ${c}drop`,
    `add rule ip6 ${t.name} out_link_local ip6 saddr . ${oif} @${set} ${c}drop`,
    '',
  ].join('\n');
}

/** Adds (`add`) or removes (`delete`) VIPs of one family; empty when there are none. */
export function changeElements(t: NftTableSpec, op: 'add' | 'delete', vips: readonly NftVip[]): string {
  const out: string[] = [];
  for (const family of [4, 6] as const) {
    const mine = vips.filter((v) => v.family === family);
    const global = mine.filter((v) => !isLinkLocal(v)).map(element);
    const fam = familyWord(family);
    if (global.length > 0) out.push(`${op} element ${fam} ${t.name} vips { ${global.join(', ')} }`);
    for (const byName of [false, true]) {
      const local = mine.filter((v) => isLinkLocal(v) && (v.byName ?? false) === byName).map(element);
      if (local.length > 0)
        out.push(
          `${op} element ${fam} ${t.name} ${linkLocalSet({ family: 6, address: '', byName })} { ${local.join(', ')} }`,
        );
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Removes the family's table whether or not it is there. */
export function dropTable(t: Pick<NftTableSpec, 'name'>, family: IpFamily): string {
  const fam = familyWord(family);
  return `add table ${fam} ${t.name}\ndelete table ${fam} ${t.name}\n`;
}
