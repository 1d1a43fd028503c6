/**
 * Rewrites test/fixtures/config-corpus/known-differences.json from a fresh comparison of every
 * sample, seed config and corpus config (run as root): each config that still differs from
 * keepalived -t is listed with what differs, so the acceptance test shows it as a todo with
 * that reason; hand-written reasons of entries that still differ are kept.
 * Usage: node dist/src/testing/known-differences-cli.js
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareConfigTest, REPO_ROOT } from './config-compare.js';

const corpus = resolve(REPO_ROOT, 'test/fixtures/config-corpus');
const knownFile = join(corpus, 'known-differences.json');
const previous: Record<string, string> = existsSync(knownFile)
  ? JSON.parse(readFileSync(knownFile, 'utf8'))
  : {};
const dirs = ['/usr/share/doc/keepalived/samples', resolve(REPO_ROOT, '../shared/seed-configs'), corpus];
const ns = `ktkd${randomBytes(3).toString('hex')}`;
const next: Record<string, string> = {};
try {
  execFileSync('ip', ['netns', 'add', ns]);
  execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
  execFileSync('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!(f.startsWith('keepalived.conf.') || f.endsWith('.conf'))) continue;
      const c = compareConfigTest(join(dir, f), { ns, cwd: dir });
      if (c.same) continue;
      const short = (p: string) => p.slice(p.lastIndexOf('/') + 1);
      const auto = [
        c.reference.status !== c.ours.status ? `exit ${c.ours.status}, keepalived ${c.reference.status}` : '',
        c.onlyReference.length ? `not yet reported: ${c.onlyReference.map(short).join(' ')}` : '',
        c.onlyOurs.length ? `reported only by us: ${c.onlyOurs.map(short).join(' ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      const kept = previous[f];
      next[f] =
        kept && !kept.startsWith('exit ') && !kept.startsWith('not yet') && !kept.startsWith('reported only')
          ? kept
          : auto;
      process.stdout.write(`${f}: ${next[f]}\n`);
    }
  }
} finally {
  execFileSync('ip', ['netns', 'del', ns]);
}
writeFileSync(knownFile, `${JSON.stringify(next, null, 2)}\n`);
process.stdout.write(`${Object.keys(next).length} configs differ\n`);
