import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDemoArgs } from './cli-args.js';

test('parseDemoArgs() runs keepalived-ts alone by default', () => {
  const r = parseDemoArgs([]);
  assert.ok(r.ok);
  assert.deepEqual(r.args.runs, ['keepalived-ts']);
  assert.equal(r.args.color, undefined);
});

test('parseDemoArgs() reads --with, --mixed, --compare and file options', () => {
  const w = parseDemoArgs(['--with', 'keepalived', '--json=t.json', '--html', 'r.html', '--no-color']);
  assert.ok(w.ok);
  assert.deepEqual(w.args.runs, ['keepalived']);
  assert.equal(w.args.json, 't.json');
  assert.equal(w.args.html, 'r.html');
  assert.equal(w.args.color, false);
  const m = parseDemoArgs(['--mixed']);
  assert.ok(m.ok);
  assert.deepEqual(m.args.runs, ['mixed']);
  const c = parseDemoArgs(['--compare', '--mixed', '--step', '--keep']);
  assert.ok(c.ok);
  assert.deepEqual(c.args.runs, ['keepalived-ts', 'keepalived', 'mixed']);
  assert.equal(c.args.step && c.args.keep, true);
});

test('parseDemoArgs() names what is wrong', () => {
  const bad = (argv: string[]): string => {
    const r = parseDemoArgs(argv);
    assert.ok(!r.ok);
    return r.error;
  };
  assert.match(bad(['--with', 'vrrpd']), /--with takes keepalived or keepalived-ts/);
  assert.match(bad(['--json']), /--json needs a file name/);
  assert.match(bad(['--fast']), /unknown option "--fast"/);
  assert.match(bad(['--mixed', '--with', 'keepalived']), /exclude each other/);
});
