/** A config model from keepalived.conf text, for the mail tests. */
import assert from 'node:assert/strict';
import { memoryConfigFs } from '../config/fs.js';
import { loadConfig } from '../config/load.js';
import type { KeepalivedConfig } from '../config/model.js';

export function mailModel(
  globalLines: readonly string[],
  instanceLines: readonly string[] = [],
): KeepalivedConfig {
  const body =
    `global_defs {\n${globalLines.map((l) => `  ${l}\n`).join('')}}\n` +
    `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 100\n` +
    `  virtual_ipaddress {\n    192.0.2.250\n  }\n${instanceLines.map((l) => `  ${l}\n`).join('')}}\n`;
  const r = loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': body }),
    env: { interfaces: { exists: (n) => n === 'eth0', isLoopback: () => false }, fileExists: () => false },
    cwd: '/',
  });
  assert.ok(r.config, 'config loads');
  return r.config;
}
