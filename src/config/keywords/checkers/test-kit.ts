/** Helpers for the checker tests: a config around checker blocks, loaded in memory under -t. */
import type { Diagnostic } from '../../../base/diagnostics.js';
import { memoryConfigFs } from '../../fs.js';
import { type LoadResult, loadConfig } from '../../load.js';
import type { CheckerConfig } from '../../model/checkers.js';

export const FILE = '/etc/keepalived/keepalived.conf';

/** Files that exist, users and groups known, for the script checks. */
const existing = new Set(['/usr/local/bin/check.sh', '/usr/bin/true']);
const users = new Map([['root', { uid: 0, gid: 0 }]]);

const env = {
  interfaces: { exists: (n: string) => n === 'eth0', isLoopback: (n: string) => n === 'lo' },
  fileExists: (p: string) => existing.has(p),
  user: (n: string) => users.get(n),
  group: (n: string) => (n === 'root' ? 0 : undefined),
  path: '/usr/bin:/bin',
};

/**
 * `before` goes first (global_defs, track_file, bfd_instance); `body` inside one real_server
 * 10.0.0.2 80 of a TCP virtual server. Line 1 of `body` is line `bodyLine(before)`.
 */
export function load(body: string, before = ''): LoadResult {
  const text = [
    before,
    'virtual_server 10.0.0.1 80 {',
    '  lb_algo rr',
    '  lb_kind NAT',
    '  protocol TCP',
    '  real_server 10.0.0.2 80 {',
    body,
    '  }',
    '}',
    '',
  ].join('\n');
  return loadConfig({ path: FILE, fs: memoryConfigFs({ [FILE]: text }), env, cwd: '/', testMode: true });
}

/** The line of the first body line for a given `before`. */
export function bodyLine(before = ''): number {
  return before.split('\n').length + 6;
}

/** The checkers of the only real server. */
export function checkers(r: LoadResult): CheckerConfig[] {
  const vs = r.config?.lvs.virtualServers[0] as { realServers?: { checkers?: unknown[] }[] } | undefined;
  return (vs?.realServers?.[0]?.checkers ?? []) as CheckerConfig[];
}

/** `line kind` of each diagnostic with a place, relative to the body (1 = first body line). */
export function places(r: LoadResult, before = ''): string[] {
  const first = bodyLine(before);
  return r.diagnostics
    .filter((d): d is Diagnostic & { loc: NonNullable<Diagnostic['loc']> } => d.loc !== undefined)
    .map((d) => `${d.loc.line - first + 1} ${d.kind}`);
}

export function messages(r: LoadResult): string[] {
  return r.diagnostics.map((d) => d.message);
}
