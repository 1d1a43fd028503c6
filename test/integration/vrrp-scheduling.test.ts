/**
 * Process priorities of the VRRP engine (global_defs vrrp_rt_priority, vrrp_priority,
 * max_auto_priority), side by side with keepalived 2.2.7: keepalived applies them to its VRRP
 * child process, keepalived-ts to its VRRP worker thread (and only to it: the main thread, which
 * runs scripts, keeps the default). Read from /proc/PID/task/TID/stat.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Implementation, RefKeepalived } from '../../src/testing/keepalived-ref.js';
import { pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { startRouter } from '../../src/testing/vrrp-pair.js';

const IMPLS: readonly Implementation[] = ['keepalived', 'keepalived-ts'];
const SCHED_OTHER = 0;
const SCHED_RR = 2;

interface TaskSched {
  readonly tid: number;
  readonly nice: number;
  readonly rtPriority: number;
  readonly policy: number;
}

/** Every thread of `pid`: nice (field 19), rt_priority (40) and policy (41) of its stat. */
function tasks(pid: number): TaskSched[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const field = (n: number): number => Number(f[n - 3]);
    return { tid: Number(tid), nice: field(19), rtPriority: field(40), policy: field(41) };
  });
}

/** The VRRP engine's process: keepalived's VRRP child; ours is the daemon itself. */
function vrrpPid(r: RefKeepalived): number {
  const pid = r.vrrpPid();
  if (pid === undefined) throw new Error('no VRRP pid file');
  return pid;
}

function config(i: number, globals: readonly string[]): string {
  return [
    'global_defs {',
    ...globals.map((g) => `  ${g}`),
    '}',
    'vrrp_instance VI_1 {',
    '  state MASTER',
    '  interface eth0',
    `  virtual_router_id ${51 + i}`,
    '  priority 100',
    '  advert_int 1',
    '  virtual_ipaddress {',
    `    192.0.2.${201 + i}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

test('vrrp_rt_priority and vrrp_priority schedule the VRRP engine, as keepalived', (t) =>
  withLab(t, {}, async (lab) => {
    for (const [i, impl] of IMPLS.entries()) {
      const node = await lab.addNode(`n${i}`, { ipv4: `192.0.2.${i + 1}/24` });
      for (const [label, globals] of [
        ['rt', ['vrrp_rt_priority 10']],
        ['nice', ['vrrp_priority -5']],
      ] as const) {
        const r = await startRouter(node, impl, config(i, globals), `${impl}-${label}`);
        await r.proc.waitForLine('(VI_1) Entering MASTER STATE', { timeoutMs: 15_000 });
        const pid = vrrpPid(r);
        const all = tasks(pid);
        t.diagnostic(`${impl} ${label}: ${JSON.stringify(all)}`);
        const engine =
          label === 'rt'
            ? all.filter((k) => k.policy === SCHED_RR && k.rtPriority === 10)
            : all.filter((k) => k.policy === SCHED_OTHER && k.nice === -5);
        // keepalived: its one-thread VRRP child; ours: the worker thread alone.
        assert.equal(engine.length, 1, `${impl} ${label}: one scheduled thread`);
        if (impl === 'keepalived-ts') {
          assert.notEqual(engine[0]?.tid, pid, 'not the main thread');
          const main = all.find((k) => k.tid === pid);
          assert.deepEqual([main?.policy, main?.nice], [SCHED_OTHER, 0], 'main thread unchanged');
        }
        await r.stop();
      }
    }
  }));

test('max_auto_priority: an engine stalled past min_auto_priority_delay logs it and moves to real time, as keepalived', (t) =>
  withLab(t, {}, async (lab) => {
    for (const [i, impl] of IMPLS.entries()) {
      const node = await lab.addNode(`n${i}`, { ipv4: `192.0.2.${i + 1}/24` });
      const r = await startRouter(node, impl, config(i, ['max_auto_priority 5']));
      await r.proc.waitForLine('(VI_1) Entering MASTER STATE', { timeoutMs: 15_000 });
      const pid = vrrpPid(r);
      assert.ok(
        tasks(pid).every((k) => k.policy === SCHED_OTHER),
        `${impl}: not real-time before`,
      );
      // Settled first (VIPs set, announcements out): a stop in the middle of the takeover's
      // events leaves keepalived's late-timer check nothing to see when it resumes.
      await sleep(1500);
      const since = r.proc.lineCount;
      // The next advert is due within 1 s: stopped for 3 s, it runs 2-3 s late.
      process.kill(pid, 'SIGSTOP');
      await sleep(3000);
      process.kill(pid, 'SIGCONT');
      const late = await r.proc.waitForLine(/A thread timer expired \d\.\d{6} seconds ago/, {
        since,
        timeoutMs: 5000,
      });
      await r.proc.waitForLine('Set realtime priority 1', { since, timeoutMs: 5000 });
      t.diagnostic(`${impl}: ${late}`);
      const seconds = Number(/expired (\d\.\d{6})/.exec(late)?.[1]);
      assert.ok(seconds > 1 && seconds < 4, `${impl}: late by ${seconds} s`);
      await pollUntil(() => tasks(pid).some((k) => k.policy === SCHED_RR && k.rtPriority === 1), {
        what: `${impl}: a SCHED_RR thread at priority 1`,
        timeoutMs: 2000,
        intervalMs: 20,
      });
      if (impl === 'keepalived-ts') {
        const main = tasks(pid).find((k) => k.tid === pid);
        assert.equal(main?.policy, SCHED_OTHER, 'the main thread stays SCHED_OTHER');
      }
      await r.stop();
    }
  }));
