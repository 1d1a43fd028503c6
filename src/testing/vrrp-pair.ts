/**
 * Two VRRP routers on a lab segment, each running keepalived or keepalived-ts with a generated
 * config: what the interop matrix and the failover benches share. The config text is plain
 * keepalived.conf, so the same string drives either implementation.
 */

import type { Implementation, RefKeepalived } from './keepalived-ref.js';
import { startKeepalived } from './keepalived-ref.js';
import type { LabNode } from './lab-node.js';
import { pollUntil } from './poll.js';

export interface PairVariant {
  /** A short label for test names, e.g. "v3/IPv6 multicast". */
  readonly label: string;
  readonly version: 2 | 3;
  readonly family: 4 | 6;
  readonly auth: 'none' | 'PASS' | 'AH';
  readonly unicast: boolean;
  /** advert_int in seconds (v3 allows centiseconds). */
  readonly advertIntS: number;
}

/** The pair most tests use: VRRPv3 over IPv4, multicast, no authentication. */
export function v3Ipv4(advertIntS: number): PairVariant {
  return { label: 'v3/IPv4', version: 3, family: 4, auth: 'none', unicast: false, advertIntS };
}

export interface RouterOptions {
  readonly priority: number;
  /** This node's address (unicast_src_ip) and the other's (unicast_peer), without prefix. */
  readonly self: string;
  readonly peer: string;
  readonly nopreempt?: boolean;
  readonly preemptDelayS?: number;
  readonly vip: string;
  readonly vrid?: number;
  /** Extra lines inside vrrp_instance. */
  readonly extra?: readonly string[];
}

export const PAIR_VIP = { 4: '192.0.2.250', 6: '2001:db8::250' } as const;

/** The keepalived.conf of one router of the pair. */
export function pairConfig(v: PairVariant, r: RouterOptions): string {
  const lines = [
    'global_defs {',
    `  vrrp_version ${v.version}`,
    '  vrrp_garp_master_delay 0',
    '}',
    'vrrp_instance VI_1 {',
    '  state BACKUP',
    '  interface eth0',
    `  virtual_router_id ${r.vrid ?? 51}`,
    `  priority ${r.priority}`,
    `  advert_int ${v.advertIntS}`,
  ];
  if (r.nopreempt) lines.push('  nopreempt');
  if (r.preemptDelayS !== undefined) lines.push(`  preempt_delay ${r.preemptDelayS}`);
  if (v.auth !== 'none')
    lines.push('  authentication {', `    auth_type ${v.auth}`, '    auth_pass s3cret', '  }');
  if (v.unicast) lines.push(`  unicast_src_ip ${r.self}`, '  unicast_peer {', `    ${r.peer}`, '  }');
  lines.push(
    '  virtual_ipaddress {',
    `    ${r.vip}`,
    '  }',
    ...(r.extra ?? []).map((l) => `  ${l}`),
    '}',
    '',
  );
  return lines.join('\n');
}

/** Starts `impl` on `node` with `config` (VRRP only, logging to the console with detail). */
export function startRouter(
  node: LabNode,
  impl: Implementation,
  config: string,
  label?: string,
): Promise<RefKeepalived> {
  return startKeepalived(node, config, { impl, label: label ?? impl, extraArgs: ['-P'] });
}

/** The VRRP state the router last logged ("Entering MASTER STATE", ...), or undefined. */
export function lastLoggedState(router: RefKeepalived): string | undefined {
  let state: string | undefined;
  for (const l of router.proc.lines) {
    const m = /\) Entering (\w+) STATE/.exec(l.text);
    if (m) state = m[1];
  }
  return state;
}

/**
 * Waits until `master` last logged MASTER and `backup` BACKUP: one master, one backup (either
 * may have passed through MASTER on the way).
 */
export async function waitSettled(
  master: RefKeepalived,
  backup: RefKeepalived,
  timeoutMs: number,
): Promise<void> {
  await pollUntil(() => lastLoggedState(master) === 'MASTER' && lastLoggedState(backup) === 'BACKUP', {
    what: `${master.node.name} MASTER and ${backup.node.name} BACKUP`,
    timeoutMs,
    intervalMs: 20,
  });
}
