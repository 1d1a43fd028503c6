/**
 * The script runner against real processes: exit statuses, the timeout's kill of the whole
 * process group, no zombie and no stray process after many runs, exec failures, running as
 * nobody, and the scheduler driving the real runner on the real clock.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { realClock } from '../../src/sys/real-clock.js';
import { ScriptRunner, scriptArgv } from '../../src/sys/script-runner.js';
import { pollUntil } from '../../src/testing/poll.js';
import { type ScriptRunRequest, ScriptScheduler } from '../../src/track/script-scheduler.js';
import type { ScriptRunResult } from '../../src/track/script-tracker.js';

const MS = 1000;
const IS_ROOT = process.getuid?.() === 0;

interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
}

/** Every process on the machine, from /proc/PID/stat. */
function processes(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(e), state: f[0] ?? '?', ppid: Number(f[1]), pgrp: Number(f[2]) });
    } catch {
      // Exited while we looked.
    }
  }
  return out;
}

/**
 * Children of this process in any state (an unreaped one is our zombie), and live processes in
 * any of `groups`. The dead orphans of a killed group belong to init, which reaps them (here
 * PID 1 does so every couple of seconds); they run nothing and are not ours to wait for.
 */
function leftovers(groups: ReadonlySet<number>): ProcStat[] {
  return processes().filter((p) => p.ppid === process.pid || (groups.has(p.pgrp) && p.state !== 'Z'));
}

/** Waits until nothing is left: a SIGKILLed process takes a moment to finish exiting. */
async function assertNoLeftovers(groups: ReadonlySet<number>): Promise<void> {
  await pollUntil(() => leftovers(groups), {
    what: 'no process left in the script groups and no child of ours',
    until: (l) => l.length === 0,
    timeoutMs: 3000,
    intervalMs: 20,
  });
}

let dir = '';
const logs: string[] = [];
const runner = new ScriptRunner({ log: (l) => logs.push(l), termGraceUs: 300 * MS });
/** Every process group the runner created, to check none is left behind. */
const groups = new Set<number>();

/** With a grace far longer than any test, so a run that ends soon after its timeout ended on SIGTERM. */
const patientRunner = new ScriptRunner({ log: (l) => logs.push(l), termGraceUs: 60_000 * MS });

function run(
  args: readonly string[],
  over: Partial<ScriptRunRequest> = {},
  using: ScriptRunner = runner,
): Promise<ScriptRunResult> {
  return using.run({
    name: 'test',
    args,
    timeoutUs: 5_000 * MS,
    onSpawn: (pid) => groups.add(pid),
    ...over,
  });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'script-runner-'));
});

after(async () => {
  // Belt and braces: nothing we started may outlive the test, whatever failed.
  for (const p of processes()) {
    if (groups.has(p.pgrp)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('ScriptRunner', () => {
  test('exit statuses come back as they are', async () => {
    assert.deepEqual(await run(['/bin/true']), { exitCode: 0 });
    assert.deepEqual(await run(['/bin/false']), { exitCode: 1 });
    assert.deepEqual(await run(['/bin/sh', '-c', 'exit 7']), { exitCode: 7 });
  });

  test('argv is passed as is, without a shell', async () => {
    const out = join(dir, 'argv');
    const r = await run(['/bin/sh', '-c', 'printf "%s|" "$@" > "$0"', out, 'a b', '$HOME', "'q'"]);
    assert.deepEqual(r, { exitCode: 0 });
    assert.equal(readFileSync(out, 'utf8'), "a b|$HOME|'q'|");
  });

  test('a script killed by a signal we did not send reports the signal number', async () => {
    assert.deepEqual(await run(['/bin/sh', '-c', 'kill -SEGV $$']), { signal: 11 });
  });

  test('stdout and stderr are discarded, and a chatty script does not block', async () => {
    const r = await run(['/bin/sh', '-c', 'head -c 2000000 /dev/zero; head -c 2000000 /dev/zero >&2; cat']);
    assert.deepEqual(r, { exitCode: 0 }, 'stdin is /dev/null too, so cat ends at once');
  });

  test('a script that never exits is killed at its timeout, with every process of its group', async () => {
    const pidFile = join(dir, 'hang.pid');
    let leader = 0;
    const t0 = performance.now();
    const r = await run(
      ['/bin/sh', '-c', `sleep 1000 & sleep 1000 & echo $$ > ${pidFile}; wait`],
      {
        timeoutUs: 300 * MS,
        onSpawn: (pid) => {
          leader = pid;
          groups.add(pid);
        },
      },
      patientRunner,
    );
    const elapsedMs = performance.now() - t0;
    assert.deepEqual(r, { timedOut: true });
    assert.ok(elapsedMs >= 290 && elapsedMs < 5_000, `ended after ${elapsedMs} ms, on SIGTERM`);
    assert.equal(Number(readFileSync(pidFile, 'utf8')), leader);
    await assertNoLeftovers(new Set([leader]));
  });

  test('a script that ignores SIGTERM gets SIGKILL after the grace, children included', async () => {
    let leader = 0;
    let terminating = false;
    const t0 = performance.now();
    const r = await run(['/bin/sh', '-c', "trap '' TERM; sleep 1000 & sleep 1000; wait"], {
      timeoutUs: 200 * MS,
      onSpawn: (pid) => {
        leader = pid;
        groups.add(pid);
      },
      onTerminating: () => {
        terminating = true;
      },
    });
    const elapsedMs = performance.now() - t0;
    assert.deepEqual(r, { timedOut: true });
    assert.equal(terminating, true);
    assert.ok(elapsedMs >= 450, `SIGKILL came after the 300 ms grace (${elapsedMs} ms)`);
    await assertNoLeftovers(new Set([leader]));
  });

  test('a script that traps SIGTERM and exits 0 is judged by its status, as keepalived does', async () => {
    const r = await run(['/bin/sh', '-c', "trap 'exit 0' TERM; sleep 1000 & wait"], { timeoutUs: 200 * MS });
    assert.deepEqual(r, { exitCode: 0 });
  });

  test('1,000 runs leave no zombie and no stray process', async () => {
    const scripts: (readonly string[])[] = [['/bin/true'], ['/bin/false'], ['/bin/sh', '-c', 'exit 3']];
    const counts = new Map<string, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 1000) {
        const i = next++;
        const r = await run(scripts[i % scripts.length]!);
        const key = JSON.stringify(r);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    assert.deepEqual(Object.fromEntries(counts), {
      '{"exitCode":0}': 334,
      '{"exitCode":1}': 333,
      '{"exitCode":3}': 333,
    });
    assert.equal(runner.active, 0);
    assert.ok(groups.size >= 1000);
    await assertNoLeftovers(groups);
  });

  test('a missing script is a failure result and a clear log line, never a throw', async () => {
    logs.length = 0;
    assert.deepEqual(await run(['/nonexistent/check.sh', 'x']), { spawnError: 'ENOENT' });
    assert.deepEqual(logs, [
      "Error exec-ing command '/nonexistent/check.sh', error 2: No such file or directory",
    ]);
  });

  test('a file that is not executable is EACCES', async () => {
    const f = join(dir, 'not-exec.sh');
    writeFileSync(f, '#!/bin/sh\nexit 0\n');
    chmodSync(f, 0o644);
    logs.length = 0;
    assert.deepEqual(await run([f]), { spawnError: 'EACCES' });
    assert.match(logs[0] ?? '', /^Error exec-ing command '.*not-exec\.sh', error 13: Permission denied$/);
  });

  test('runs as user nobody (uid/gid 65534, no supplementary groups)', {
    skip: !IS_ROOT && 'needs root',
  }, async () => {
    const r = await run(['/bin/sh', '-c', 'test "$(id -u):$(id -g):$(id -G)" = "65534:65534:65534"'], {
      uid: 65534,
      gid: 65534,
    });
    assert.deepEqual(r, { exitCode: 0 });
  });

  test("keepalived's `</path` file test runs through /bin/sh", async () => {
    assert.deepEqual(scriptArgv(['</etc/passwd']), { file: '/bin/sh', args: ['-c', '</etc/passwd'] });
    assert.deepEqual(scriptArgv(['/bin/x', 'a b']), { file: '/bin/x', args: ['a b'] });
    assert.deepEqual(await run(['</etc/passwd']), { exitCode: 0 });
    const r = await run([`< ${join(dir, 'missing')}`]);
    assert.ok('exitCode' in r && r.exitCode !== 0, JSON.stringify(r));
  });

  test('an abort (shutdown) terminates the group at once', async () => {
    const ac = new AbortController();
    let leader = 0;
    const p = run(['/bin/sh', '-c', 'sleep 1000 & wait'], {
      signal: ac.signal,
      onSpawn: (pid) => {
        leader = pid;
        groups.add(pid);
      },
    });
    await pollUntil(() => leader !== 0, { what: 'the script started', timeoutMs: 2000 });
    const t0 = performance.now();
    ac.abort();
    assert.deepEqual(await p, { timedOut: true });
    assert.ok(performance.now() - t0 < 500);
    await assertNoLeftovers(new Set([leader]));
  });
});

describe('ScriptScheduler on the real runner and clock', () => {
  test('runs on its interval, tracks the verdict and stops cleanly mid-run', async () => {
    const flag = join(dir, 'healthy');
    writeFileSync(flag, '');
    const changes: string[] = [];
    const schedLogs: string[] = [];
    const scheduler = new ScriptScheduler(
      [
        {
          config: {
            name: 'chk',
            script: { args: ['/bin/sh', '-c', `test -e ${flag}`] },
            intervalUs: 50 * MS,
            timeoutUs: 1_000 * MS,
            weight: 0,
            weightReverse: false,
            rise: 1,
            fall: 2,
            initFail: false,
          },
        },
        {
          config: {
            name: 'hang',
            script: { args: ['/bin/sleep', '1000'] },
            intervalUs: 60_000 * MS,
            timeoutUs: 60_000 * MS,
            weight: 10,
            weightReverse: false,
            rise: 1,
            fall: 1,
            initFail: false,
          },
        },
      ],
      {
        timer: realClock,
        executor: { run: (req) => runner.run({ ...req, onSpawn: (pid) => groups.add(pid) }) },
        log: (l) => schedLogs.push(l),
        onChange: (c) => changes.push(`${c.name}:${c.from}->${c.to}`),
      },
    );
    scheduler.start();
    await pollUntil(() => scheduler.status('chk'), {
      what: 'chk up',
      until: (s) => s === 'up',
      timeoutMs: 2000,
    });
    rmSync(flag);
    await pollUntil(() => scheduler.status('chk'), {
      what: 'chk down',
      until: (s) => s === 'down',
      timeoutMs: 2000,
    });
    assert.equal(scheduler.view('hang')?.running, true);
    const t0 = performance.now();
    await scheduler.stop();
    assert.ok(performance.now() - t0 < 1_000, 'sleep dies of the shutdown SIGTERM');
    assert.equal(runner.active, 0);
    await assertNoLeftovers(groups);
    assert.deepEqual(changes, ['chk:init->up', 'chk:up->down']);
    assert.equal(scheduler.status('hang'), 'init', 'a run cut short by stop() changes nothing');
    assert.ok(schedLogs.includes('VRRP_Script(chk) failed (exited with status 1)'), schedLogs.join('\n'));
  });
});
