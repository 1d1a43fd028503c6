import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MiscCheck } from '../../model/checkers.js';
import { checkers, load, messages, places } from './test-kit.js';

test('MISC_CHECK reads its command, timeout, dynamic flag and user; retry defaults to 0', () => {
  const r = load(
    [
      '    MISC_CHECK {',
      '      misc_path "/usr/local/bin/nope.sh -a \'b c\'"',
      '      misc_timeout 5',
      '      misc_dynamic',
      '      user root root',
      '    }',
    ].join('\n'),
  );
  assert.equal(r.exitStatus, 0);
  const c = checkers(r)[0] as MiscCheck;
  assert.deepEqual(c.args, ['/usr/local/bin/nope.sh', '-a', 'b c']);
  assert.equal(c.timeoutUs, 5_000_000);
  assert.equal(c.dynamic, true);
  assert.deepEqual(c.user, { user: 'root', group: 'root' });
  assert.equal(c.defaultRetry, 0);
});

test('words after an unquoted misc_path command are dropped, as keepalived drops them', () => {
  const r = load('    MISC_CHECK {\n      misc_path /usr/local/bin/nope.sh arg\n    }');
  assert.deepEqual((checkers(r)[0] as MiscCheck).args, ['/usr/local/bin/nope.sh']);
});

test('an existing script without enable_script_security is a security error (exit 6) with no line', () => {
  const r = load('    MISC_CHECK {\n      misc_path /usr/local/bin/check.sh\n    }');
  assert.equal(r.exitStatus, 6);
  assert.deepEqual(places(r), []);
  assert.match(messages(r)[0] ?? '', /^SECURITY VIOLATION - check scripts/);
});

test('a bare command name is searched in PATH for the security check', () => {
  assert.equal(load('    MISC_CHECK {\n      misc_path true\n    }').exitStatus, 6);
  assert.equal(load('    MISC_CHECK {\n      misc_path "</usr/bin/true"\n    }').exitStatus, 0);
  assert.equal(load('    MISC_CHECK {\n      misc_path nothere\n    }').exitStatus, 0);
});

test('with script security and no keepalived_script user, default-user scripts are removed', () => {
  const before = 'global_defs {\n  enable_script_security\n}';
  const r = load(
    '    MISC_CHECK {\n      misc_path /usr/local/bin/check.sh\n    }\n    MISC_CHECK {\n      misc_path /usr/local/bin/check.sh\n      user root\n    }',
    before,
  );
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r, before), ['3 general-error', '3 general-error']);
  assert.equal(checkers(r).length, 1);
});

test('bad MISC_CHECK settings are reported and a checker without a script is skipped', () => {
  const r = load(
    [
      '    MISC_CHECK {',
      '      misc_timeout 5000',
      '      user',
      '    }',
      '    MISC_CHECK {',
      '      misc_path /usr/local/bin/nope.sh',
      '      user nobody-here',
      '      misc_timeout x',
      '    }',
    ].join('\n'),
  );
  assert.deepEqual(places(r), [
    '2 invalid-number',
    '2 general-error',
    '3 general-error',
    '4 general-error',
    '7 general-error',
  ]);
  assert.equal(
    messages(r)[4],
    "Failed to set uid/gid for misc checker script '/usr/local/bin/nope.sh' - removing",
  );
  assert.equal(checkers(r).length, 0);
});
