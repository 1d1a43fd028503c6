/**
 * Issue 3 "bad input": whatever the operator points -t at, keepalived-ts answers with a clear
 * message and a non-zero status, without a stack trace and within a few seconds.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KEEPALIVED_TS } from '../../src/testing/config-compare.js';

const dir = mkdtempSync(join(tmpdir(), 'kt-bad-'));
chmodSync(dir, 0o755);

function check(file: string, asUser?: number): { status: number | null; stderr: string; ms: number } {
  const t0 = Date.now();
  const cmd = asUser === undefined ? process.execPath : 'setpriv';
  const args =
    asUser === undefined
      ? [KEEPALIVED_TS, '-t', '-f', file]
      : [
          '--reuid',
          String(asUser),
          '--regid',
          String(asUser),
          '--clear-groups',
          process.execPath,
          KEEPALIVED_TS,
          '-t',
          '-f',
          file,
        ];
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000, maxBuffer: 1 << 28 });
  return { status: r.status, stderr: r.stderr, ms: Date.now() - t0 };
}

function assertClean(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.notEqual(r.status, null, 'keepalived-ts -t did not finish');
  assert.notEqual(r.status, 0, `exit status 0; stderr:\n${r.stderr.slice(0, 500)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'stack trace printed');
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.match(r.stderr, pattern);
}

describe('keepalived-ts -t on bad input', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('binary garbage: diagnostics with lines, exit 5', () => {
    let x = 12345;
    const bytes = Buffer.alloc(64 * 1024, 0).map(() => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      return x >> 16;
    });
    const f = join(dir, 'garbage.conf');
    writeFileSync(f, bytes);
    const r = check(f);
    assertClean(r, /Line \d+\)/);
    assert.equal(r.status, 5);
  });

  test('a 100 MB file is refused with its size, quickly', () => {
    const f = join(dir, 'huge.conf');
    writeFileSync(f, Buffer.alloc(100 * 1024 * 1024, 0x61));
    const r = check(f);
    assertClean(r, /over the 67108864 byte limit/);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
  });

  test('a directory', () => {
    const d = join(dir, 'a-directory');
    mkdirSync(d);
    assertClean(check(d), /is a directory/);
  });

  test('an unreadable file (checked as an unprivileged user)', () => {
    const f = join(dir, 'secret.conf');
    writeFileSync(f, 'global_defs {\n}\n');
    chmodSync(f, 0o000);
    assertClean(check(f, 65534), /Unable to read configuration file/);
  });

  test('a file that includes itself', () => {
    const f = join(dir, 'self.conf');
    writeFileSync(f, `include ${f}\nglobal_defs {\n router_id x\n}\n`);
    const r = check(f);
    assertClean(r, /include loop/);
    assert.equal(r.stderr.split('\n').filter((l) => l.includes('include loop')).length, 1);
  });

  test('10,000 levels of nesting', () => {
    const f = join(dir, 'deep.conf');
    writeFileSync(f, `${'global_defs {\n'.repeat(10_000)}${'}\n'.repeat(10_000)}`);
    const r = check(f);
    assertClean(r, /Line \d+\)/);
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
  });

  test('a missing file', () => {
    assertClean(check(join(dir, 'nope.conf')), /Unable to find configuration file/);
  });
});
