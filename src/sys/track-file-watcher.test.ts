import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TrackFileConfig } from '../config/model/track-file.js';
import { pollUntil } from '../testing/poll.js';
import { initTrackFile, TrackFileWatcher } from './track-file-watcher.js';

const dir = mkdtempSync(join(tmpdir(), 'kt-trackfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tf = (name: string, file: string, over: Partial<TrackFileConfig> = {}): TrackFileConfig => ({
  name,
  file,
  weight: 1,
  weightReverse: false,
  initFile: undefined,
  ...over,
});

test('TrackFileWatcher follows a file written, renamed over and deleted; bad numbers keep the value', async () => {
  const path = join(dir, 'a');
  writeFileSync(path, '7\n');
  const logs: string[] = [];
  const changes: number[] = [];
  const w = new TrackFileWatcher([tf('A', path)], {
    log: (l) => logs.push(l),
    onChange: (_n, v) => changes.push(v),
  });
  assert.equal(w.value('A'), 7);
  w.start();
  try {
    const expect = async (v: number) =>
      pollUntil(() => w.value('A') === v, { what: `value ${v}`, timeoutMs: 2000 });
    writeFileSync(path, '12\n');
    await expect(12);
    writeFileSync(join(dir, 'a.tmp'), '0x20');
    renameSync(join(dir, 'a.tmp'), path);
    await expect(32);
    writeFileSync(path, '99999999999');
    await pollUntil(() => logs.some((l) => l.startsWith('Invalid number 99999999999 read from')), {
      what: 'invalid number log',
      timeoutMs: 2000,
    });
    assert.equal(w.value('A'), 32);
    rmSync(path);
    await expect(0);
    writeFileSync(path, '-3');
    await expect(-3);
    // The truncation before a write is never seen as a 0.
    assert.deepEqual(changes, [12, 32, 0, -3]);
  } finally {
    w.stop();
  }
});

test('a missing file in an existing directory is 0; a missing directory drops the file', () => {
  const logs: string[] = [];
  const w = new TrackFileWatcher([tf('B', join(dir, 'nope')), tf('C', join(dir, 'nodir', 'x'))], {
    log: (l) => logs.push(l),
    onChange: () => {},
  });
  assert.equal(w.value('B'), 0);
  assert.equal(w.value('C'), undefined);
  assert.deepEqual(logs, ['Track file directory for C does not exist - removing']);
});

test('init_file writes a missing file, and an existing one only with overwrite (not on reload)', () => {
  const path = join(dir, 'init');
  initTrackFile(tf('I', path, { initFile: { value: 5, overwrite: false } }), () => {}, false);
  assert.equal(readFileSync(path, 'utf8'), '5\n');
  initTrackFile(tf('I', path, { initFile: { value: 6, overwrite: false } }), () => {}, false);
  assert.equal(readFileSync(path, 'utf8'), '5\n');
  initTrackFile(tf('I', path, { initFile: { value: 7, overwrite: true } }), () => {}, true);
  assert.equal(readFileSync(path, 'utf8'), '5\n');
  initTrackFile(tf('I', path, { initFile: { value: 8, overwrite: true } }), () => {}, false);
  assert.equal(readFileSync(path, 'utf8'), '8\n');
});
