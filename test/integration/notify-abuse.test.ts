/**
 * Issue 5, bad input: "a notify script that hangs or floods output must not block the engine
 * or grow memory". A keepalived-ts master (priority 100, a track_file with weight -20) and a
 * real keepalived backup (90); the master's notify_master never exits (it execs `sleep`), its
 * notify_backup and `notify` write 20 MB to stdout and 20 MB to stderr each run. The track file
 * flips the priority to 80 and back ROUNDS times:
 *  - every takeover, both ways, happens within the protocol bound plus slack (the engine is not
 *    held up by the scripts, running or hung);
 *  - with every hung notify_master still running, the backup stays BACKUP (adverts flow);
 *  - the daemon's RSS does not grow with the output (nothing buffers it) nor with the hung
 *    scripts beyond a small bound; no notify child is left a zombie;
 *  - SIGTERM stops the daemon promptly; the hung scripts are left to finish (README's
 *    deliberate difference: keepalived's PR_SET_PDEATHSIG would SIGTERM them), the floods are
 *    long done, and nothing else of ours remains in the node.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import type { RefKeepalived } from '../../src/testing/keepalived-ref.js';
import { pollUntil, withLab } from '../../src/testing/netns-lab.js';
import {
  lastLoggedState,
  PAIR_VIP,
  type PairVariant,
  pairConfig,
  startRouter,
  v3Ipv4,
  waitSettled,
} from '../../src/testing/vrrp-pair.js';

const V: PairVariant = v3Ipv4(0.2);

const ROUNDS = 8;
const FLOOD_BYTES = 20_000_000;
/**
 * A takeover needs master_down = 3 × 200 ms + skew (256 - prio) / 256 × 200 ms ≈ 730 ms (the
 * side that gained priority ignores the lower adverts until then), plus the track file's 15 ms
 * quiet time. Twice that leaves room for this shared machine's load, and is still far below
 * what a blocked engine (no adverts or timers while a script runs) would take.
 */
const TAKEOVER_BOUND_MS = 1500;
/** The RSS growth allowed over the rounds: well under one flood (20 MB) per run kept. */
const RSS_GROWTH_BOUND_KIB = 40 * 1024;

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, `VmRSS of ${pid}`);
  return Number(m[1]);
}

/** [pid, ppid, state] of every process (state from /proc/PID/stat, after the command). */
function processTable(): { pid: number; ppid: number; state: string }[] {
  const rows: { pid: number; ppid: number; state: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      rows.push({ pid: Number(d), ppid: Number(f[1]), state: f[0] ?? '?' });
    } catch {
      // Exited meanwhile.
    }
  }
  return rows;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** performance.now() of the first "Entering MASTER STATE" of `r` after mark `since`. */
async function masterAt(r: RefKeepalived, since: number): Promise<number> {
  return (await r.proc.waitForLogLine('Entering MASTER STATE', { timeoutMs: 5000, since })).atMs;
}

test('hung and flooding notify scripts block no failover, grow no memory, leave no zombie', (t) =>
  withLab(t, {}, async (lab) => {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
    const trackFile = a.path('weight');
    const hungPids = a.path('hung-pids');
    const floodRuns = a.path('flood-runs');
    const hang = a.path('hang.sh');
    const flood = a.path('flood.sh');
    // $$ is kept through exec: the file names the hung processes.
    writeFileSync(hang, `#!/bin/sh\necho $$ >> ${hungPids}\nexec sleep 3600\n`);
    writeFileSync(
      flood,
      `#!/bin/sh\nhead -c ${FLOOD_BYTES} /dev/zero\nhead -c ${FLOOD_BYTES} /dev/zero >&2\necho "run $*" >> ${floodRuns}\n`,
    );
    chmodSync(hang, 0o755);
    chmodSync(flood, 0o755);
    const files = [
      'track_file tf {',
      `  file ${trackFile}`,
      '  weight -20',
      '  init_file 0 overwrite',
      '}',
      '',
    ];
    const extra = [
      'track_file {',
      '  tf',
      '}',
      `notify_master ${hang}`,
      `notify_backup ${flood}`,
      `notify ${flood}`,
    ];
    const configA =
      files.join('\n') +
      pairConfig(V, { priority: 100, self: '192.0.2.1', peer: '192.0.2.2', vip: PAIR_VIP[4], extra });
    const configB = pairConfig(V, { priority: 90, self: '192.0.2.2', peer: '192.0.2.1', vip: PAIR_VIP[4] });

    const backup = await startRouter(b, 'keepalived', configB);
    const master = await startRouter(a, 'keepalived-ts', configA);
    await waitSettled(master, backup, 10_000);
    const daemon = master.proc.pid;

    const hung = (): number[] =>
      existsSync(hungPids)
        ? readFileSync(hungPids, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map(Number)
        : [];
    const takeovers: number[] = [];
    let rssBefore = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Priority 80: the backup takes over.
      let mark = backup.proc.lineCount;
      let at = performance.now();
      writeFileSync(trackFile, '1\n');
      takeovers.push((await masterAt(backup, mark)) - at);
      await waitSettled(backup, master, 5000);
      // Priority 100 again: we preempt back.
      mark = master.proc.lineCount;
      at = performance.now();
      writeFileSync(trackFile, '0\n');
      takeovers.push((await masterAt(master, mark)) - at);
      await waitSettled(master, backup, 5000);
      // The first round warms the heap; growth is measured from there.
      if (round === 0) rssBefore = rssKiB(daemon);
    }
    const rssAfter = rssKiB(daemon);
    t.diagnostic(
      `takeovers (ms): ${takeovers.map((x) => x.toFixed(0)).join(' ')}; RSS ${rssBefore} -> ${rssAfter} KiB`,
    );
    for (const [i, ms] of takeovers.entries())
      assert.ok(
        ms < TAKEOVER_BOUND_MS,
        `takeover ${i} took ${ms.toFixed(0)} ms (bound ${TAKEOVER_BOUND_MS})`,
      );
    assert.ok(
      rssAfter - rssBefore < RSS_GROWTH_BOUND_KIB,
      `RSS grew by ${rssAfter - rssBefore} KiB over ${ROUNDS - 1} rounds`,
    );

    // One hung notify_master per MASTER entry (start + each round), all still running.
    await pollUntil(() => hung().length === ROUNDS + 1, {
      what: `${ROUNDS + 1} hung notify_master scripts`,
      timeoutMs: 5000,
      intervalMs: 20,
    });
    const hungNow = hung();
    assert.deepEqual(
      hungNow.filter((p) => !alive(p)),
      [],
      'every hung script is still running (never timed out)',
    );
    // Every flood ran to its end: notify_backup and `notify` for each of the 2 × ROUNDS + 2
    // transitions (BACKUP at start, MASTER, then BACKUP/MASTER per round).
    const floods = () =>
      existsSync(floodRuns)
        ? readFileSync(floodRuns, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
        : [];
    await pollUntil(() => floods().length >= 3 * (ROUNDS + 1), {
      what: `${3 * (ROUNDS + 1)} finished flood runs`,
      timeoutMs: 10_000,
      intervalMs: 50,
    }).catch((e: Error) => {
      throw new Error(`${e.message}; runs: ${JSON.stringify(floods())}`);
    });
    assert.equal(floods().filter((l) => l.startsWith('run INSTANCE VI_1 MASTER')).length, ROUNDS + 1);

    // With all those scripts hung, adverts keep flowing: the backup stays BACKUP.
    const mark = backup.proc.lineCount;
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(lastLoggedState(master), 'MASTER');
    assert.deepEqual(
      backup.proc.lines.filter((l) => l.seq >= mark && /Entering/.test(l.text)).map((l) => l.text),
      [],
      'the backup saw adverts all along',
    );

    // No notify child left unreaped: the daemon's only children are the hung scripts.
    const children = processTable().filter((p) => p.ppid === daemon);
    assert.deepEqual(
      children.filter((p) => p.state === 'Z'),
      [],
      'no zombie children',
    );
    assert.deepEqual(
      children.map((p) => p.pid).sort((x, y) => x - y),
      [...hungNow].sort((x, y) => x - y),
      "the daemon's children are the hung scripts only",
    );

    // SIGTERM: a prompt, clean stop; the hung scripts are left to finish (deliberate difference).
    const stopAt = performance.now();
    const status = await master.stop({ timeoutMs: 5000 });
    const stopMs = performance.now() - stopAt;
    t.diagnostic(`stop took ${stopMs.toFixed(0)} ms`);
    assert.equal(status.code, 0, `exit status ${JSON.stringify(status)}`);
    assert.ok(stopMs < 3000, `stop took ${stopMs.toFixed(0)} ms`);
    await masterAt(backup, mark);
    const left = execFileSync('ip', ['netns', 'pids', a.ns], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
    assert.deepEqual(
      left.sort((x, y) => x - y),
      [...hungNow].sort((x, y) => x - y),
      'only the hung notify scripts remain in the node',
    );
    for (const p of hungNow) process.kill(p, 'SIGKILL');
    await backup.stop();
  }));
