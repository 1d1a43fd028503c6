import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './load.js';
import type { Environment } from './parser.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dirs = [
  join(root, 'test/fixtures/config-corpus'),
  '/usr/share/doc/keepalived/samples',
  '/work/shared/seed-configs',
];
const env: Environment = {
  interfaces: { exists: (n) => /^(lo|eth[0-3])$/.test(n), isLoopback: (n) => n === 'lo' },
  fileExists: () => false,
};

test('`model: false` (-t) reports what building the model reports: building adds nothing', () => {
  let files = 0;
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (!name.includes('.conf')) continue;
      const path = join(dir, name);
      const opts = { path, cwd: dir, env, testMode: true, configId: 'lb01' };
      const full = loadConfig(opts);
      const checkOnly = loadConfig({ ...opts, model: false });
      assert.deepEqual(checkOnly.diagnostics, full.diagnostics, path);
      assert.equal(checkOnly.exitStatus, full.exitStatus, path);
      assert.equal(checkOnly.config, undefined);
      files++;
    }
  }
  assert.ok(files >= 50, `only ${files} configs found`);
});
