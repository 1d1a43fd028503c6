/**
 * printConfig() round trips: every corpus config that loads with a model prints to text that
 * loads back to the same model; generated configs reach a fixed point (print → parse → print);
 * and keepalived 2.2.7 itself judges each printed sample as it judges the original.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { memoryConfigFs, nodeConfigFs } from '../fs.js';
import { type LoadResult, loadConfig } from '../load.js';
import type { KeepalivedConfig } from '../model.js';
import type { Environment } from '../parser.js';
import { printConfig } from './index.js';
import { arbConfigText } from './print.test-kit.js';

const REPO = resolve(fileURLToPath(import.meta.url), '../../../../..');
const SAMPLES = '/usr/share/doc/keepalived/samples';
const DIRS: [string, (f: string) => boolean][] = [
  [SAMPLES, (f) => f.startsWith('keepalived.conf.')],
  ['/work/shared/seed-configs', (f) => f.endsWith('.conf')],
  [join(REPO, 'test/fixtures/config-corpus'), (f) => f.endsWith('.conf')],
];

const INTERFACES = new Set(['lo', 'eth0', 'eth1', 'eth2', 'eth3', 'ens33', 'ens192']);
const env: Environment = {
  interfaces: { exists: (n) => INTERFACES.has(n), isLoopback: (n) => n === 'lo' },
  fileExists: () => true,
  pathKind: () => 'file',
};

function configsIn(dir: string, filter: (f: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(filter)
    .sort()
    .map((f) => join(dir, f));
}

function loadFile(path: string): LoadResult {
  const cwd = path.slice(0, path.lastIndexOf('/'));
  return loadConfig({ path, fs: nodeConfigFs, env, cwd, testMode: true });
}

function loadText(text: string): LoadResult {
  return loadConfig({
    path: '/etc/keepalived/printed.conf',
    fs: memoryConfigFs({ '/etc/keepalived/printed.conf': text }),
    env,
    cwd: '/',
    testMode: true,
  });
}

/**
 * The model as compared after a round trip: JSON (Buffers as byte arrays, bigints as text),
 * minus `loc`, the file:line each checker was declared at. A printed file has its own line
 * numbers; the location only labels messages (see index.ts).
 */
function comparable(m: KeepalivedConfig | undefined): unknown {
  return JSON.parse(
    JSON.stringify(m, (k, v: unknown) => (k === 'loc' ? undefined : typeof v === 'bigint' ? `${v}n` : v)),
  );
}

/** What keepalived's VRRP process prints as it stops before validating every instance. */
const VRRP_STOPS: readonly RegExp[] = [
  /\) the virtual router id must be set$/,
  /\) Unknown interface!$/,
  /\) ?No VIP specified; at least one is required$/,
];

/**
 * keepalived -t stops the VRRP process at a non-existent interface (before vrrp_complete_init)
 * or at the first instance it cannot complete (no VRID, no interface, no VIP where one is
 * required). Such a model holds instances keepalived never finished validating (no unicast TTL
 * default, a track_interface on the instance's own interface, a track_script whose script was
 * removed, ...), and printing cannot reproduce the reference that stopped it (a missing
 * interface is not in the model). These models cannot round-trip: for them, everything but the
 * instances must match, and the re-read model must itself round-trip.
 */
function vrrpValidationStopped(r: LoadResult): boolean {
  return r.diagnostics.some((d) => d.kind === 'bad-interface' || VRRP_STOPS.some((re) => re.test(d.message)));
}

function withoutInstances(m: KeepalivedConfig): unknown {
  const { instances, ...vrrp } = m.vrrp;
  return comparable({ ...m, vrrp: { ...vrrp, instanceNames: instances.map((i) => i.name) } } as never);
}

describe('a printed corpus model re-parses to the same model', () => {
  for (const [dir, filter] of DIRS) {
    for (const file of configsIn(dir, filter)) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      test(name, () => {
        const orig = loadFile(file);
        if (!orig.config) return;
        const text = printConfig(orig.config);
        const again = loadText(text);
        assert.ok(again.config, `printed text did not load:\n${text}`);
        if (vrrpValidationStopped(orig)) {
          assert.deepStrictEqual(withoutInstances(again.config), withoutInstances(orig.config));
          assert.deepStrictEqual(
            comparable(loadText(printConfig(again.config)).config),
            comparable(again.config),
          );
          return;
        }
        assert.deepStrictEqual(comparable(again.config), comparable(orig.config), text);
        assert.equal(printConfig(again.config), text);
      });
    }
  }
});

test('print → parse → print is a fixed point for generated configs, and the models agree', () => {
  fc.assert(
    fc.property(arbConfigText, (src) => {
      const first = loadText(src);
      if (!first.config) return;
      const text = printConfig(first.config);
      const second = loadText(text);
      assert.ok(second.config, `printed text did not load:\n${text}`);
      if (vrrpValidationStopped(first)) {
        assert.deepStrictEqual(withoutInstances(second.config), withoutInstances(first.config));
        assert.deepStrictEqual(
          comparable(loadText(printConfig(second.config)).config),
          comparable(second.config),
        );
        return;
      }
      assert.deepStrictEqual(
        comparable(second.config),
        comparable(first.config),
        `source:\n${src}\nprinted:\n${text}`,
      );
      assert.equal(printConfig(second.config), text);
    }),
    { numRuns: 300 },
  );
});

/**
 * Samples that keepalived -t refuses (exit 5) for errors it then corrects; the model holds the
 * corrected values, so the printed text is clean and keepalived accepts it (exit 0).
 */
const CORRECTED_BY_KEEPALIVED: Record<string, string> = {
  'keepalived.conf.SSL_GET': 'MASTER with AH authentication: keepalived clears the initial state',
  'keepalived.conf.conditional_conf':
    'a vrrp_script without script is removed, and the track_script naming it',
  'keepalived.conf.fwmark': 'a protocol on a fwmark service is ignored',
  'keepalived.conf.vrrp.lvs_syncd':
    'unknown words in a sync group, an empty sync group removed, the deprecated lvs_sync_daemon_interface',
  'keepalived.conf.vrrp.rules':
    'rules without preference get one assigned; invalid `to` addresses are skipped',
  'keepalived.conf.vrrp.routes':
    'routes without a device cannot be tracked (a warning): printed as `no_track protocol 18`, which is what runs',
  'keepalived.conf.vrrp.static_ipaddress': 'a route without a device, as keepalived.conf.vrrp.routes',
};

const KEEPALIVED = '/usr/sbin/keepalived';
const isRoot = process.getuid?.() === 0;
const skipReal = !existsSync(KEEPALIVED)
  ? 'keepalived is not installed'
  : !isRoot
    ? 'needs root for a network namespace'
    : false;

describe('keepalived 2.2.7 judges each printed sample as the original', { skip: skipReal }, () => {
  const ns = `kpr${randomBytes(3).toString('hex')}`;
  let dir = '';
  const ip = (...args: string[]): void => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  };
  const check = (file: string, cwd: string): { status: number | null; output: string } => {
    const r = spawnSync('ip', ['netns', 'exec', ns, KEEPALIVED, '-t', '-f', file], {
      cwd,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'keepalived-print-'));
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
    ip('-n', ns, 'link', 'add', 'eth2', 'type', 'veth', 'peer', 'name', 'eth3');
    for (const i of ['lo', 'eth0', 'eth1', 'eth2', 'eth3']) ip('-n', ns, 'link', 'set', i, 'up');
  });
  after(() => {
    spawnSync('ip', ['netns', 'del', ns]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  for (const file of configsIn(SAMPLES, (f) => f.startsWith('keepalived.conf.'))) {
    const name = file.slice(file.lastIndexOf('/') + 1);
    test(name, () => {
      const model = loadFile(file).config;
      if (!model) return;
      const printed = join(dir, name);
      writeFileSync(printed, printConfig(model));
      const a = check(file, SAMPLES);
      const b = check(printed, SAMPLES);
      const corrected = CORRECTED_BY_KEEPALIVED[name];
      if (corrected !== undefined && a.status === 5 && b.status === 0) return;
      assert.equal(b.status, a.status, `original:\n${a.output}\nprinted:\n${b.output}`);
    });
  }
});
