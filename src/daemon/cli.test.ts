import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseArgs } from './args.js';
import { type DaemonModule, type ReloadPlanModule, runCli } from './cli.js';

function run(argv: string[]) {
  let out = '';
  let err = '';
  const status = runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'kt-cli-'));
const conf = join(dir, 'k.conf');
writeFileSync(conf, 'global_defs {\n  router_id lb01\n  vrrp_version 4\n}\n');

test('parseArgs() takes keepalived spellings: bundled, attached and long forms', () => {
  const a = parseArgs(['-lDn', '-fX.conf', '--vrrp_pid', 'v.pid', '-t', '--config-id=lb02']);
  assert.ok(a.ok);
  if (!a.ok) return;
  assert.equal(a.options.configFile, 'X.conf');
  assert.equal(a.options.vrrpPidFile, 'v.pid');
  assert.equal(a.options.configTest, '');
  assert.equal(a.options.configId, 'lb02');
  assert.ok(a.options.logConsole && a.options.logDetail && a.options.dontFork);
  assert.equal(parseArgs(['--bogus']).ok, false);
});

test('--split-brain-notify takes a path (keepalived-ts), both spellings', () => {
  const a = parseArgs(['--split-brain-notify=/x/sb.sh', '-n']);
  assert.ok(a.ok && a.options.splitBrainNotify === '/x/sb.sh');
  const b = parseArgs(['--split-brain-notify', '/y']);
  assert.ok(b.ok && b.options.splitBrainNotify === '/y');
  assert.equal(parseArgs(['--split-brain-notify']).ok, false);
});

test('--signum prints keepalived numbers, and fails on an unknown function', () => {
  assert.deepEqual(run(['--signum=RELOAD']), { status: 0, out: '1\n', err: '' });
  assert.equal(run(['--signum=STATS_CLEAR']).out, '63\n');
  assert.equal(run(['--signum', 'FOO']).status, 1);
});

test('-t prints keepalived-style diagnostics and exits 5; -t=FILE writes them there', () => {
  const r = run(['-t', '-f', conf]);
  assert.equal(r.status, 5);
  assert.match(r.err, new RegExp(`\\(${conf}: Line 3\\) `));
  const log = join(dir, 'check.log');
  assert.equal(run([`--config-test=${log}`, '-f', conf]).status, 5);
});

test('--dump-config prints the model as JSON and --print-config as keepalived.conf', async () => {
  const j = run(['--dump-config', '-f', conf]);
  assert.equal(JSON.parse(j.out).global.routerId, 'lb01');
  let out = '';
  const status = runCli(['--print-config', '-f', conf], { stdout: (t) => (out += t), stderr: () => {} });
  // The printer is imported on demand: the status comes as a promise.
  assert.equal(await status, 0);
  assert.match(out, /router_id lb01/);
});

test('the modules cli.ts imports by name have the types it states', async () => {
  // Type-checked: tsc fails here if runDaemon() or runReloadPlan() change.
  const daemon: DaemonModule = await import('./daemon.js');
  const plan: ReloadPlanModule = await import('./reload-plan-cli.js');
  assert.equal(typeof daemon.runDaemon, 'function');
  assert.equal(typeof plan.runReloadPlan, 'function');
});
