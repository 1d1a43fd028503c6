import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeEnv, load, messagesAt, places, runPass } from './bfd-test-kit.js';
import { findTrackFile, readTrackFileMonitor, trackFileSection } from './track-file.js';

test('a track_file block is read with its defaults', () => {
  const r = load('track_file tf {\n file /run/tf\n}\n');
  assert.equal(r.exitStatus, 0);
  assert.deepEqual(r.config?.trackFiles, [
    { name: 'tf', file: '/run/tf', weight: 1, weightReverse: false, initFile: undefined },
  ]);
});

test('vrrp_track_file is a silent synonym (keepalived only logs the deprecation)', () => {
  const r = load('vrrp_track_file tf {\n file /run/tf\n weight -10 reverse\n init_file 7 overwrite\n}\n');
  assert.equal(r.exitStatus, 0);
  assert.deepEqual(r.config?.trackFiles, [
    {
      name: 'tf',
      file: '/run/tf',
      weight: -10,
      weightReverse: true,
      initFile: { value: 7, overwrite: true },
    },
  ]);
});

test('repeated file and weight: the first wins, but a weight of 1 counts as unset', () => {
  const r = load(
    'track_file tf1 {\n file /tmp/x\n file /tmp/y\n weight 1\n weight 5 reverse\n weight 7\n init_file 300 overwrite bad -5 abc\n}\n',
  );
  assert.deepEqual(places(r), ['3:general-error', '6:general-error', '7:general-error']);
  assert.deepEqual(messagesAt(r, 3), ['File already set for track file tf1 - ignoring /tmp/y']);
  assert.deepEqual(messagesAt(r, 6), ['Weight already set for track file tf1 - ignoring 7']);
  assert.deepEqual(messagesAt(r, 7), [
    'Track file tf1 init value 300 is outside sensible range [-254, 254]',
    'Unknown track file init option bad',
    'Unknown track file init option abc',
  ]);
  assert.deepEqual(r.config?.trackFiles[0], {
    name: 'tf1',
    file: '/tmp/x',
    weight: 5,
    weightReverse: true,
    initFile: { value: -5, overwrite: true },
  });
});

test('a block without file is reported at its end and dropped', () => {
  const r = load('vrrp_track_file tf2 {\n weight 300 foo\n}\n');
  assert.deepEqual(places(r), ['2:general-error', '2:invalid-number', '3:general-error']);
  assert.deepEqual(messagesAt(r, 2), [
    "number '300' outside range [-254, 254]",
    'Weight (300) for track_file tf2 must be between [-254..254] inclusive. Ignoring...',
    'track_file tf2 unknown weight option foo',
  ]);
  assert.deepEqual(messagesAt(r, 3), ['No file set for track_file tf2 - ignoring']);
  assert.deepEqual(r.config?.trackFiles, []);
});

test('file and weight without a value are errors, not missing parameters', () => {
  const r = load('track_file tf1 {\n file\n weight\n init_file 9999999999 1.5\n}\n');
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), [
    '2:general-error',
    '3:general-error',
    '4:general-error',
    '4:invalid-number',
    '5:general-error',
  ]);
  assert.deepEqual(messagesAt(r, 4), [
    "number '9999999999' outside integer range",
    'Track file tf1 init value 9999999999 is invalid',
    "invalid number '1.5'",
    'Track file tf1 init value 1.5 is invalid',
  ]);
});

test('a track_file without a name stops the parse (exit 2)', () => {
  assert.equal(load('track_file\n').exitStatus, 2);
  assert.equal(load('track_file {\n file /x\n}\n').exitStatus, 2);
});

test('init_file overwrite on something that is not a regular file is an error under -t', () => {
  const text =
    'track_file d {\n file /var/dir\n init_file overwrite\n}\ntrack_file e {\n file /var/dir\n init_file\n}\n';
  const env = fakeEnv({ pathKind: (p: string) => (p === '/var/dir' ? 'directory' : undefined) });
  const r = load(text, env);
  assert.deepEqual(places(r), ['4:general-error']);
  assert.deepEqual(messagesAt(r, 4), ['Cannot initialise track file d - it is not a regular file']);
  // Without pathKind an existing path is taken for a regular file.
  assert.equal(load(text, fakeEnv({ fileExists: () => true })).exitStatus, 0);
});

test('findTrackFile() finds the first file of a name in the pass that read it', () => {
  const text = 'track_file a {\n file /a1\n}\ntrack_file a {\n file /a2\n}\ntrack_file nofile {\n}\n';
  for (const pass of ['vrrp', 'checker'] as const) {
    const { ctx } = runPass(pass, text, trackFileSection.roots(pass));
    assert.equal(findTrackFile(ctx, 'a')?.file, '/a1');
    assert.equal(findTrackFile(ctx, 'nofile'), undefined);
  }
  const { ctx } = runPass('bfd', text, trackFileSection.roots('bfd'));
  assert.equal(findTrackFile(ctx, 'a'), undefined);
});

test('readTrackFileMonitor() applies vrrp_alloc_track_file rules and messages', () => {
  const text = 'track_file tf {\n file /a\n weight 3 reverse\n}\n';
  const { ctx, sink } = runPass('vrrp', text, trackFileSection.roots('vrrp'));
  const read = (words: string[], already = []) => readTrackFileMonitor(ctx, 'VI_1', words, already);
  assert.deepEqual(read(['tf']), { name: 'tf', weight: 3, weightReverse: true });
  assert.deepEqual(read(['tf', 'weight', '-7', 'noreverse']), {
    name: 'tf',
    weight: -7,
    weightReverse: false,
  });
  const n = sink.items.length;
  assert.equal(read(['nope']), undefined);
  assert.equal(
    readTrackFileMonitor(ctx, 'VI_1', ['tf'], [{ name: 'tf', weight: 1, weightReverse: false }]),
    undefined,
  );
  assert.equal(read(['tf', 'wait']), undefined);
  assert.equal(read(['tf', 'weight']), undefined);
  assert.equal(read(['tf', 'weight', '2', 'sideways']), undefined);
  // An invalid weight keeps the file's own and still tracks it.
  assert.deepEqual(read(['tf', 'weight', '255']), { name: 'tf', weight: 3, weightReverse: true });
  assert.deepEqual(
    sink.items.slice(n).map((d) => d.message),
    [
      '(VI_1) track file nope not found, ignoring...',
      '(VI_1) duplicate track_file tf - ignoring',
      '(VI_1) unknown track file option wait - ignoring',
      '(VI_1) weight without value specified for track file tf - ignoring',
      '(VI_1) unknown track file tf weight option sideways - ignoring',
      "number '255' outside range [-254, 254]",
      '(VI_1) weight for track file tf must be in [-254..254] inclusive. Ignoring...',
    ],
  );
});
