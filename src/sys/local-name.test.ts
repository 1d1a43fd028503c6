import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalFromAhosts, localName } from './local-name.js';

test("the canonical name is the third field of getent ahosts' first line", () => {
  assert.equal(
    canonicalFromAhosts('127.0.1.1       STREAM lb01.example.org\n127.0.1.1 DGRAM\n'),
    'lb01.example.org',
  );
  assert.equal(canonicalFromAhosts(''), undefined);
});

test('localhost resolves; a name no resolver knows does not', async () => {
  assert.equal(await localName('localhost'), 'localhost');
  assert.equal(await localName('no-such-host.invalid'), undefined);
});
