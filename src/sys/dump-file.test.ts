import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dumpDir, writeDumpFile } from './dump-file.js';

test("the directory is keepalived's: an absolute $TMPDIR, else /tmp", () => {
  assert.equal(dumpDir({ TMPDIR: '/var/tmp/x' }), '/var/tmp/x');
  assert.equal(dumpDir({ TMPDIR: 'relative' }), '/tmp');
  assert.equal(dumpDir({}), '/tmp');
});

test('writes a 0600 file, replaces an old one, and never writes through a planted symlink', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dump-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'precious');
  symlinkSync(victim, join(dir, 'keepalived.stats'));
  const path = writeDumpFile('keepalived.stats', 'one\n', dir);
  assert.equal(path, join(dir, 'keepalived.stats'));
  assert.equal(readFileSync(path, 'utf8'), 'one\n');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  writeDumpFile('keepalived.stats', 'two\n', dir);
  assert.equal(readFileSync(path, 'utf8'), 'two\n');
  assert.deepEqual(readdirSync(dir).sort(), ['keepalived.stats', 'victim'], 'no temporary file left');
});
