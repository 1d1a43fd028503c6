import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pollUntil } from '../testing/poll.js';
import { NotifyScripts } from './notify-scripts.js';

const dir = mkdtempSync(join(tmpdir(), 'kt-notify-'));
chmodSync(dir, 0o777);
after(() => rmSync(dir, { recursive: true, force: true }));

test('a notify script runs asynchronously as the script user, in /, in its own group, with our environment', async () => {
  const out = join(dir, 'out');
  const script = join(dir, 'notify.sh');
  // `ps` is not needed: the 5th field of /proc/self/stat is the process group.
  writeFileSync(
    script,
    `#!/bin/sh\nsleep 0.2\necho "$(id -u) $(pwd) $(cut -d' ' -f5 /proc/$$/stat) $$ $KT_NOTIFY_MARK $*" > ${out}\n`,
  );
  chmodSync(script, 0o755);
  process.env.KT_NOTIFY_MARK = 'marked';
  const logs: string[] = [];
  const notify = new NotifyScripts({ log: (l) => logs.push(l), scriptUser: { user: 'nobody' } });
  const startMs = performance.now();
  notify.run({
    script: { args: [script, 'master'] },
    args: [script, 'master', 'INSTANCE', 'VI_1', 'MASTER', '100'],
  });
  assert.ok(performance.now() - startMs < 100, 'run() waited for the script');
  assert.equal(existsSync(out), false);
  await pollUntil(() => existsSync(out) && readFileSync(out, 'utf8').includes('\n'), {
    what: 'script output',
  });
  const [uid, cwd, pgid, pid, mark, ...args] = readFileSync(out, 'utf8').trim().split(' ');
  assert.deepEqual(
    { uid, cwd, ownGroup: pgid === pid, mark, args },
    {
      uid: '65534',
      cwd: '/',
      ownGroup: true,
      mark: 'marked',
      args: ['master', 'INSTANCE', 'VI_1', 'MASTER', '100'],
    },
  );
  assert.deepEqual(logs, []);
});

test("a notify script that cannot be exec'd is logged as keepalived logs it", async () => {
  const logs: string[] = [];
  const notify = new NotifyScripts({ log: (l) => logs.push(l), scriptUser: undefined });
  notify.run({ script: { args: ['/nonexistent/notify'] }, args: ['/nonexistent/notify', 'x'] });
  await pollUntil(() => logs.length > 0, { what: 'exec failure log line' });
  assert.deepEqual(logs, [
    "Error exec-ing command '/nonexistent/notify', error 2: No such file or directory",
  ]);
});
