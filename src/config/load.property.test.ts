/**
 * Properties of the whole loader: whatever bytes the file holds, loading returns a result
 * (model or collected diagnostics) and never throws, and it terminates.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { memoryConfigFs } from './fs.js';
import { loadConfig } from './load.js';

const env = {
  interfaces: { exists: (n: string) => n === 'eth0', isLoopback: (n: string) => n === 'lo' },
  fileExists: () => false,
};

function load(content: string | Buffer) {
  return loadConfig({
    path: '/etc/k.conf',
    fs: memoryConfigFs({ '/etc/k.conf': content, '/etc/inc.conf': 'vrrp_instance X {\n}\n' }),
    env,
    cwd: '/',
    testMode: true,
  });
}

test('loadConfig() never throws on arbitrary bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      const r = load(Buffer.from(bytes));
      assert.ok([0, 2, 4, 5, 6].includes(r.exitStatus));
    }),
    { numRuns: 300 },
  );
});

const token = fc.constantFrom(
  'vrrp_instance',
  'VI_1',
  '{',
  '}',
  'global_defs',
  'router_id',
  'priority',
  '100',
  'virtual_ipaddress',
  '192.0.2.1/24',
  'include /etc/inc.conf',
  'include /etc/k.conf',
  '$A=1',
  '$A',
  '${A}',
  '~SEQ(i,1,3)',
  '@lb01',
  '"quoted',
  '"q"',
  '!',
  '#',
  '\\',
  'virtual_server',
  'real_server',
  'TCP_CHECK',
  '\n',
  ' ',
);

test('loadConfig() never throws on keyword soup', () => {
  fc.assert(
    fc.property(fc.array(token, { maxLength: 200 }), (tokens) => {
      const r = load(tokens.join(' '));
      assert.equal(typeof r.exitStatus, 'number');
      for (const d of r.diagnostics) assert.equal(typeof d.message, 'string');
    }),
    { numRuns: 500 },
  );
});
