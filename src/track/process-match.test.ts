import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackProcessConfig } from '../config/model/vrrp-extras.js';
import { type ProcessInfo, processMatcher } from './process-match.js';

function cfg(over: Partial<TrackProcessConfig>): TrackProcessConfig {
  return {
    name: 'p',
    process: 'sleep',
    params: [],
    paramMatch: 'none',
    fullCommand: false,
    weight: 0,
    weightReverse: false,
    quorum: 1,
    quorumMax: 4294967295,
    terminateDelayUs: 0,
    forkDelayUs: 0,
    ...over,
  };
}

const proc = (comm: string, argv: string[] | undefined, zombie = false): ProcessInfo => ({
  pid: 10,
  ppid: 1,
  comm,
  zombie,
  cmdline: argv === undefined ? undefined : Buffer.from(argv.map((a) => `${a}\0`).join('')),
});

test('a process matches by comm without full_command, never as a zombie', () => {
  const m = processMatcher(cfg({}));
  assert.equal(m(proc('sleep', ['/bin/sleep', '5'])), true);
  assert.equal(m(proc('sleepy', ['sleep'])), false);
  assert.equal(m(proc('sleep', undefined, true)), false);
});

test('full_command compares argv[0], not comm', () => {
  const m = processMatcher(cfg({ process: '/bin/sleep', fullCommand: true }));
  assert.equal(m(proc('sleep', ['/bin/sleep', '5'])), true);
  assert.equal(m(proc('sleep', ['sleep', '5'])), false);
  assert.equal(m(proc('sleep', [])), false);
});

test('param_match exact needs exactly the arguments given', () => {
  const m = processMatcher(
    cfg({ process: 'sleep', params: ['100', 'x'], paramMatch: 'exact', fullCommand: true }),
  );
  assert.equal(m(proc('sleep', ['sleep', '100', 'x'])), true);
  assert.equal(m(proc('sleep', ['sleep', '100', 'xy'])), false);
  assert.equal(m(proc('sleep', ['sleep', '100', 'x', 'y'])), false);
  assert.equal(m(proc('sleep', ['sleep', '100'])), false);
  const none = processMatcher(cfg({ process: 'sleep', paramMatch: 'exact', fullCommand: true }));
  assert.equal(none(proc('sleep', ['sleep'])), true);
  assert.equal(none(proc('sleep', ['sleep', '1'])), false);
});

test('param_match partial takes leading whole arguments, initial lets the last one be a prefix', () => {
  const partial = processMatcher(cfg({ params: ['-c', 'conf'], paramMatch: 'partial', fullCommand: true }));
  assert.equal(partial(proc('sleep', ['sleep', '-c', 'conf', '-d'])), true);
  assert.equal(partial(proc('sleep', ['sleep', '-c', 'config'])), false);
  const initial = processMatcher(cfg({ params: ['-c', 'conf'], paramMatch: 'initial', fullCommand: true }));
  assert.equal(initial(proc('sleep', ['sleep', '-c', 'config'])), true);
  assert.equal(initial(proc('sleep', ['sleep', '-c', 'con'])), false);
  assert.equal(initial(proc('sleep', ['sleep', '-d', 'conf'])), false);
  const anyArgs = processMatcher(cfg({ paramMatch: 'partial', fullCommand: true }));
  assert.equal(anyArgs(proc('x', ['sleep', 'a', 'b'])), true);
});
