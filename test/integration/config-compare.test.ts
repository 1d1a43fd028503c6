/**
 * Acceptance for issue 3: `keepalived-ts -t` against `keepalived -t` (Debian 2.2.7) on every
 * shipped sample, the seed's configs and our corpus of bad and tricky configs, run in the same
 * network namespace (which has an eth0 and lo): same exit status, same set of (file, line)
 * diagnostics. Configs with a known, explained difference run as `todo` with the reason.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compareConfigTest, describeComparison, REPO_ROOT } from '../../src/testing/config-compare.js';

const SAMPLES = '/usr/share/doc/keepalived/samples';
const SEED = resolve(REPO_ROOT, '../shared/seed-configs');
const CORPUS = resolve(REPO_ROOT, 'test/fixtures/config-corpus');
const KNOWN: Record<string, string> = JSON.parse(
  readFileSync(join(CORPUS, 'known-differences.json'), 'utf8'),
);

const haveKeepalived = existsSync('/usr/sbin/keepalived');
const ns = `ktcc${randomBytes(3).toString('hex')}`;

function configsIn(dir: string, filter: (f: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(filter)
    .sort()
    .map((f) => join(dir, f));
}

const groups: [string, string[]][] = [
  ['keepalived samples', configsIn(SAMPLES, (f) => f.startsWith('keepalived.conf.'))],
  ['seed configs', configsIn(SEED, (f) => f.endsWith('.conf'))],
  ['corpus', configsIn(CORPUS, (f) => f.endsWith('.conf'))],
];

describe('keepalived-ts -t judges configs as keepalived -t does', {
  skip: !haveKeepalived && 'keepalived not installed',
}, () => {
  before(() => {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  });
  after(() => {
    execFileSync('ip', ['netns', 'del', ns]);
  });

  test('the corpus holds at least 40 bad or tricky configs', () => {
    const corpus = groups[2]?.[1] ?? [];
    if (corpus.length < 40) throw new Error(`only ${corpus.length} corpus configs`);
  });

  for (const [name, files] of groups) {
    describe(name, () => {
      for (const file of files) {
        const base = file.slice(file.lastIndexOf('/') + 1);
        const known = KNOWN[base];
        test(base, known ? { todo: known } : {}, () => {
          const c = compareConfigTest(file, { ns, cwd: file.slice(0, file.lastIndexOf('/')) });
          if (c.same) return;
          // A known difference is already explained in its todo reason: keep the log short.
          if (known)
            throw new Error(
              `still differs: ${c.onlyReference.length} places only keepalived reports, ${c.onlyOurs.length} only we report`,
            );
          throw new Error(describeComparison(file, c));
        });
      }
    });
  }
});
