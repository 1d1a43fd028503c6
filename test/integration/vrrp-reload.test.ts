/**
 * SIGHUP as a diff, in namespaces. A keepalived-ts master takes 100 unchanged reloads while
 * keepalived 2.2.7 watches as backup: nobody changes state and tcpdump on the backup sees no
 * advert gap above 1.5 × advert_int. Then, between two keepalived-ts routers: priority changes
 * that elect nobody, one that preempts, VIPs added and removed on the master (`ip addr`), an
 * instance added and removed, a broken config refused, and --reload-plan's account of each.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { KEEPALIVED_TS } from '../../src/testing/config-compare.js';
import type { RefKeepalived } from '../../src/testing/keepalived-ref.js';
import type { LabNode } from '../../src/testing/lab-node.js';
import { pollUntil, withLab } from '../../src/testing/netns-lab.js';
import {
  PAIR_VIP,
  type PairVariant,
  pairConfig,
  startRouter,
  v3Ipv4,
  waitSettled,
} from '../../src/testing/vrrp-pair.js';

const V: PairVariant = v3Ipv4(0.5);
const VIP = PAIR_VIP[4];
const ADVERT_INT_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidOf(r: RefKeepalived): number {
  return Number(readFileSync(r.pidFile, 'utf8').trim());
}

/** Entering ... STATE lines logged after line `since`. */
function transitions(r: RefKeepalived, since: number): string[] {
  return r.proc.lines
    .filter((l) => l.seq >= since)
    .map((l) => /\(\w+\) Entering \w+ STATE/.exec(l.text)?.[0])
    .filter((l) => l !== undefined);
}

/** SIGHUP, then the reload's last log line. */
async function reload(r: RefKeepalived, config?: string): Promise<string> {
  if (config !== undefined) writeFileSync(r.confPath, config);
  const since = r.proc.lineCount;
  process.kill(pidOf(r), 'SIGHUP');
  return await r.proc.waitForLine(/Reload (complete|failed)/, { since, timeoutMs: 5000 });
}

/** `keepalived-ts --reload-plan -f CONF -p PID` inside the node. */
function reloadPlan(
  node: LabNode,
  r: RefKeepalived,
  conf: string,
): { status: number; stdout: string; stderr: string } {
  const path = node.path(`${node.name}-next.conf`);
  writeFileSync(path, conf);
  const p = spawnSync(
    'ip',
    ['netns', 'exec', node.ns, KEEPALIVED_TS, '--reload-plan', '-f', path, '-p', r.pidFile],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  return { status: p.status ?? -1, stdout: p.stdout, stderr: p.stderr };
}

/** Times (s) of the adverts tcpdump saw from `src`. */
function advertTimes(capture: readonly string[], src: string): number[] {
  return capture
    .filter((l) => l.includes(`IP ${src} > `) && l.includes('VRRP'))
    .map((l) => Number(l.split(' ')[0]));
}

describe('reload as a diff', () => {
  test('100 unchanged SIGHUPs on a master: no transition on either side, no advert gap', (t) =>
    withLab(t, {}, async (lab) => {
      const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
      const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
      const confA = pairConfig(V, { priority: 150, self: '192.0.2.1', peer: '192.0.2.2', vip: VIP });
      const master = await startRouter(a, 'keepalived-ts', confA);
      const backup = await startRouter(
        b,
        'keepalived',
        pairConfig(V, { priority: 100, self: '192.0.2.2', peer: '192.0.2.1', vip: VIP }),
      );
      await waitSettled(master, backup, 10_000);
      const dump = b.spawn('tcpdump', ['-l', '-n', '-tt', '-i', 'eth0', 'ip proto 112'], {
        label: 'tcpdump',
      });
      await dump.waitForLine('listening on', { timeoutMs: 5000 });
      const [sinceA, sinceB] = [master.proc.lineCount, backup.proc.lineCount];
      const started = performance.now();
      const reloadsDone = () =>
        master.proc.lines.filter((l) => l.seq >= sinceA && l.text.includes('no VRRP change')).length;
      // Each SIGHUP waits for the reload before it: signals that arrive while one is pending
      // merge into one (the kernel keeps one pending SIGHUP), and the test wants 100 reloads.
      for (let i = 0; i < 100; i++) {
        process.kill(pidOf(master), 'SIGHUP');
        await pollUntil(reloadsDone, {
          what: `reload ${i + 1} done`,
          until: (n) => n === i + 1,
          timeoutMs: 5000,
        });
        await sleep(50);
      }
      const tookMs = performance.now() - started;
      await sleep(2 * ADVERT_INT_MS);
      await dump.stop();
      assert.deepEqual(transitions(master, sinceA), [], 'keepalived-ts changed state');
      assert.deepEqual(transitions(backup, sinceB), [], 'keepalived changed state');
      const times = advertTimes(dump.stdoutLines, '192.0.2.1');
      assert.ok(times.length >= tookMs / ADVERT_INT_MS - 2, `${times.length} adverts in ${tookMs} ms`);
      const gaps = times.slice(1).map((x, i) => (x - (times[i] ?? x)) * 1000);
      const worst = Math.max(...gaps);
      t.diagnostic(
        `100 SIGHUPs in ${Math.round(tookMs)} ms; ${times.length} adverts; largest gaps ${[...gaps]
          .sort((x, y) => y - x)
          .slice(0, 4)
          .map((g) => g.toFixed(0))
          .join(', ')} ms`,
      );
      assert.ok(worst <= 1.5 * ADVERT_INT_MS, `advert gap ${worst} ms`);
      assert.ok(advertTimes(dump.stdoutLines, '192.0.2.2').length === 0, 'the backup never advertised');
      assert.ok(await a.hasAddress(VIP));
      // --reload-plan against the running daemon: nothing to change.
      const plan = reloadPlan(a, master, confA);
      assert.equal(plan.status, 0, plan.stderr);
      assert.match(plan.stdout, /vrrp_instance VI_1: unchanged\n/);
      assert.match(plan.stdout, /No VRRP change/);
      await master.stop();
      await backup.stop();
      assert.ok(!existsSync(master.pidFile.replace(/\.pid$/, '.plan.json')), 'the snapshot goes at stop');
      const gone = reloadPlan(a, master, confA);
      assert.equal(gone.status, 3);
      assert.match(gone.stderr, /no daemon is running/);
    }));

  test('priority, VIP and instance changes apply as a diff; a broken config is refused', (t) =>
    withLab(t, {}, async (lab) => {
      const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
      const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
      const notifyLog = a.path('notify.log');
      const notifySh = a.path('notify.sh');
      writeFileSync(notifySh, `#!/bin/sh\necho "$@" >> ${notifyLog}\n`, { mode: 0o755 });
      const vi2 = [
        'vrrp_instance VI_2 {',
        '  interface eth0',
        '  virtual_router_id 52',
        '  priority 150',
        '  advert_int 0.5',
        `  notify ${notifySh}`,
        '  notify_deleted',
        '  virtual_ipaddress {',
        '    192.0.2.252',
        '  }',
        '}',
        '',
      ].join('\n');
      const confA = (priority: number, vips: readonly string[] = [VIP], extra = '') =>
        pairConfig(V, { priority, self: '192.0.2.1', peer: '192.0.2.2', vip: vips.join('\n    ') }).replace(
          'global_defs {',
          'global_defs {\n  enable_script_security\n  script_user root',
        ) + extra;
      const confB = (priority: number, vips: readonly string[] = [VIP]) =>
        pairConfig(V, { priority, self: '192.0.2.2', peer: '192.0.2.1', vip: vips.join('\n    ') });
      const master = await startRouter(a, 'keepalived-ts', confA(150));
      const backup = await startRouter(b, 'keepalived-ts', confB(100));
      await waitSettled(master, backup, 10_000);
      let sinceA = master.proc.lineCount;
      let sinceB = backup.proc.lineCount;

      // Priorities change but the order stays: no election, no state change on either side.
      assert.match(reloadPlan(a, master, confA(120)).stdout, /VI_1: changed: priority\n/);
      assert.match(await reload(master, confA(120)), /Reload complete$/);
      assert.match(await reload(backup, confB(110)), /Reload complete/);
      await sleep(4 * ADVERT_INT_MS);
      assert.deepEqual(transitions(master, sinceA), []);
      assert.deepEqual(transitions(backup, sinceB), []);
      sinceB = backup.proc.lineCount;

      // A VIP added, then the first one removed (on both: the lists in the adverts must match):
      // only that address moves on the master.
      const two = [VIP, '192.0.2.251'];
      assert.match(reloadPlan(a, master, confA(120, two)).stdout, /VIPs \+192\.0\.2\.251/);
      await reload(master, confA(120, two));
      await reload(backup, confB(110, two));
      await pollUntil(() => a.hasAddress('192.0.2.251'), {
        what: 'the added VIP on the master',
        timeoutMs: 3000,
      });
      assert.ok(await a.hasAddress(VIP));
      await reload(master, confA(120, ['192.0.2.251']));
      await reload(backup, confB(110, ['192.0.2.251']));
      await pollUntil(async () => !(await a.hasAddress(VIP)), {
        what: 'the removed VIP gone',
        timeoutMs: 3000,
      });
      assert.ok(await a.hasAddress('192.0.2.251'));
      assert.ok(!(await b.hasAddress('192.0.2.251')), 'the backup holds nothing');

      // An instance added, then removed (priority 0, VIP released, notify DELETED).
      const withVi2 = confA(120, ['192.0.2.251'], vi2);
      assert.match(reloadPlan(a, master, withVi2).stdout, /VI_2: added\n/);
      await reload(master, withVi2);
      await master.proc.waitForLine('(VI_2) Entering MASTER STATE', { since: sinceA, timeoutMs: 5000 });
      await pollUntil(() => a.hasAddress('192.0.2.252'), { what: 'VI_2 VIP', timeoutMs: 3000 });
      assert.match(reloadPlan(a, master, confA(120, ['192.0.2.251'])).stdout, /VI_2: removed\n/);
      await reload(master, confA(120, ['192.0.2.251']));
      await pollUntil(async () => !(await a.hasAddress('192.0.2.252')), {
        what: 'VI_2 VIP gone',
        timeoutMs: 3000,
      });
      await pollUntil(() => existsSync(notifyLog) && readFileSync(notifyLog, 'utf8').includes('DELETED'), {
        what: 'notify DELETED',
        timeoutMs: 3000,
      });
      assert.match(readFileSync(notifyLog, 'utf8'), /INSTANCE VI_2 DELETED 150/);
      assert.deepEqual(
        transitions(master, sinceA).filter((l) => l.includes('(VI_1)')),
        [],
        'VI_1 never moved',
      );
      assert.deepEqual(transitions(backup, sinceB), [], 'nor did the backup');

      // A broken config is refused; --reload-plan says so too.
      const broken = confA(300, ['192.0.2.251']).replace(
        'vrrp_instance VI_1 {',
        'vrrp_instance VI_1 {\n  bogus_keyword 1',
      );
      const refused = reloadPlan(a, master, broken);
      assert.ok(refused.status >= 4, `status ${refused.status}`);
      assert.match(refused.stderr, /a reload would refuse/);
      assert.match(await reload(master, broken), /Reload failed/);
      await sleep(3 * ADVERT_INT_MS);
      assert.deepEqual(
        transitions(master, sinceA).filter((l) => l.includes('(VI_1)')),
        [],
      );
      assert.ok(await a.hasAddress('192.0.2.251'));

      // The backup given a higher priority preempts: exactly one election.
      sinceA = master.proc.lineCount;
      sinceB = backup.proc.lineCount;
      await reload(backup, confB(200, ['192.0.2.251']));
      await backup.proc.waitForLine('Entering MASTER STATE', { since: sinceB, timeoutMs: 5000 });
      await sleep(4 * ADVERT_INT_MS);
      assert.deepEqual(transitions(backup, sinceB), ['(VI_1) Entering MASTER STATE']);
      assert.deepEqual(transitions(master, sinceA), ['(VI_1) Entering BACKUP STATE']);
      await master.stop();
      await backup.stop();
    }));
});
