/**
 * The block walk (process_stream) on inputs whose `keepalived -t` output was recorded on the
 * reference (Debian 2.2.7): the same places, kinds and exit status. The blocks used are
 * track_file and bfd_instance, active in some passes only, so pass-dependence shows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, messagesAt, places } from './keywords/bfd-test-kit.js';

test('an unknown root keyword is reported; one inside a block by the passes reading it', () => {
  const r = load('foo_bar 1\ntrack_file t {\n file /x\n bogus 1\n}\n');
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), ['1:unknown-keyword', '4:unknown-keyword']);
  assert.deepEqual(messagesAt(r, 1), ["Unknown keyword 'foo_bar'"]);
  // keepalived: once per process reading the block (checker and VRRP), never by parent/BFD.
  assert.equal(r.diagnostics.filter((d) => d.loc?.line === 4).length, 2);
  assert.equal(r.diagnostics.filter((d) => d.loc?.line === 1).length, 4);
});

test('words after a block closed on its own line are unknown keywords', () => {
  const r = load('track_file t { file /x } bogus\n');
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), ['1:unknown-keyword']);
  assert.deepEqual(
    r.config?.trackFiles.map((t) => t.file),
    ['/x'],
  );
});

test("a block without '{' eats its first line and leaves '}' extra", () => {
  const r = load('track_file t\n file /x\n}\n');
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), [
    '2:missing-bob',
    '2:unknown-keyword',
    '3:unexpected-eob',
    '3:unknown-keyword',
  ]);
  // The parent pass, skipping the inactive block, wants '{' next and so reads `file` as a root.
  assert.deepEqual(messagesAt(r, 2).sort(), [
    "Missing '{' at beginning of configuration block",
    "Unknown keyword 'file'",
  ]);
});

test("an unexpected '{' is ignored and the block is left unclosed", () => {
  const r = load('track_file t {\n {\n file /x\n}\n');
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), ['2:unexpected-bob']);
  assert.ok(r.diagnostics.some((d) => !d.loc && d.kind === 'missing-eob'));
});

test("'}' at the top level is extra and an unknown keyword", () => {
  const r = load('}\ntrack_file t {\n file /x\n}\n}\n');
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), [
    '1:unexpected-eob',
    '1:unknown-keyword',
    '5:unexpected-eob',
    '5:unknown-keyword',
  ]);
});

test('a sub-block under a keyword without one closes the enclosing block early', () => {
  const r = load('track_file t {\n file /x\n nested {\n bogus\n }\n weight 2\n}\n');
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), [
    '3:unexpected-bob',
    '3:unknown-keyword',
    '4:unknown-keyword',
    '6:unknown-keyword',
    '7:unknown-keyword',
  ]);
  assert.deepEqual(r.config?.trackFiles[0]?.weight, 1);
});

test('the same inside a block of the BFD section, whose keywords differ per pass', () => {
  const r = load('bfd_instance b {\n neighbor_ip 1.1.1.1\n vrrp {\n bogus\n }\n}\n');
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), ['3:unexpected-bob', '4:unknown-keyword', '6:unknown-keyword']);
});

test("'{' on the next line, and a whole block on one line, are both fine", () => {
  const r = load('track_file t\n{\n file /x\n}\ntrack_file u { file /y weight 3 }\n');
  assert.equal(r.exitStatus, 0);
  assert.deepEqual(places(r), []);
  assert.deepEqual(
    r.config?.trackFiles.map((t) => [t.name, t.file, t.weight]),
    [
      ['t', '/x', 1],
      // On one line `file` takes its first word and ignores the rest, `weight 3` included.
      ['u', '/y', 1],
    ],
  );
});

test('a handler skipping its block skips nested blocks too, and the walk resumes after it', () => {
  const r = load(
    'bfd_instance b1 {\n neighbor_ip 1.1.1.1\n}\nbfd_instance b1 {\n neighbor_ip 1.1.1.2\n x {\n y\n }\n}\nbogus_after\n',
  );
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), ['4:general-error', '10:unknown-keyword']);
});

test('an unterminated block at the end of the file still runs its end checks', () => {
  const r = load('track_file t {\n file /x\n');
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), []);
  assert.deepEqual(
    r.config?.trackFiles.map((t) => t.name),
    ['t'],
  );
});

test('inactive blocks are skipped whole by the passes that do not own them', () => {
  // The parent and BFD passes skip track_file (bogus is reported twice, not four times);
  // the parent, checker and VRRP passes give bfd_instance no session checks.
  const r = load('track_file t {\n file /x\n bogus\n}\nbfd_instance b {\n}\n');
  assert.equal(r.diagnostics.filter((d) => d.loc?.line === 3).length, 2);
  assert.equal(r.diagnostics.filter((d) => d.loc?.line === 6).length, 1);
});
