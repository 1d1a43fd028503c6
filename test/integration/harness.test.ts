/**
 * Self-tests of the netns lab every integration test builds on: nodes reach each other over the
 * switch, partitions cut and heal, the real keepalived runs in a node, and no way of ending a
 * run (an exception, SIGINT, SIGTERM) leaves a namespace, link, nft table or process behind.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { startKeepalived } from '../../src/testing/keepalived-ref.js';
import { Lab, PollTimeoutError, pollUntil, withLab } from '../../src/testing/netns-lab.js';

const NEEDS_ROOT = process.getuid?.() === 0 ? false : 'network namespaces need root';
const HARNESS_URL = new URL('../../src/testing/netns-lab.js', import.meta.url).href;

/** Whether `pid` is a live (not zombie) process whose command line is `argv`. */
function runs(pid: number, argv: readonly string[]): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `${argv.join('\0')}\0`;
  } catch {
    return false;
  }
}

/** Every live process whose command line contains `needle`. */
function processesWith(needle: string): number[] {
  const found: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(needle)) found.push(Number(e));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** What the caller's namespace still shows of a lab: namespaces, links, nft tables. */
function traces(prefix: string): string[] {
  const out = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
  return [
    ...out('ip', ['netns', 'list'])
      .split('\n')
      .filter((l) => l.startsWith(prefix))
      .map((l) => `netns ${l}`),
    ...out('ip', ['-o', 'link'])
      .split('\n')
      .filter((l) => l.includes(prefix))
      .map((l) => `link ${l}`),
    ...out('nft', ['list', 'tables'])
      .split('\n')
      .filter((l) => l.includes(prefix))
      .map((l) => `nft ${l}`),
  ];
}

test('pollUntil() names what it waited for and the last value it saw', async () => {
  let n = 0;
  await assert.rejects(
    pollUntil(() => ++n, { what: 'n to reach 1000', timeoutMs: 60, intervalMs: 10, until: (v) => v >= 1000 }),
    (e: unknown) => e instanceof PollTimeoutError && /n to reach 1000; last observed: \d+$/.test(e.message),
  );
  assert.equal(await pollUntil(() => 'ready', { what: 'ready', timeoutMs: 0 }), 'ready');
});

describe('netns lab', { skip: NEEDS_ROOT }, () => {
  test('two nodes reach each other over the switch, IPv4 and IPv6', (t) =>
    withLab(t, {}, async (lab) => {
      const a = await lab.addNode('a', { ipv4: '192.0.2.1/24', ipv6: '2001:db8::1/64' });
      const b = await lab.addNode('b', { ipv4: '192.0.2.2/24', ipv6: '2001:db8::2/64' });
      assert.equal(a.ifname, 'eth0');
      assert.ok(await a.hasAddress('2001:DB8:0::1/64'), 'hasAddress() compares canonical text');
      for (const [from, to] of [
        [a, '192.0.2.2'],
        [b, '192.0.2.1'],
        [a, '2001:db8::2'],
        [b, '2001:db8::1'],
      ] as const) {
        assert.ok(await from.canReach(to), `${from.name} -> ${to}`);
      }
    }));

  test('partition() cuts two nodes apart and heal() joins them again', (t) =>
    withLab(t, {}, async (lab) => {
      const a = await lab.addNode('a', { ipv4: '192.0.2.1/24', ipv6: '2001:db8::1/64' });
      const b = await lab.addNode('b', { ipv4: '192.0.2.2/24', ipv6: '2001:db8::2/64' });
      const c = await lab.addNode('c', { ipv4: '192.0.2.3/24' });
      assert.ok(await a.canReach('192.0.2.2'));
      await lab.partition(a, b);
      assert.equal(await a.canReach('192.0.2.2', { timeoutMs: 300 }), false);
      assert.equal(await b.canReach('2001:db8::1', { timeoutMs: 300 }), false);
      assert.ok(await a.canReach('192.0.2.3'), 'a partition between a and b leaves c alone');
      await lab.heal();
      assert.ok(await a.canReach('192.0.2.2'));
      assert.ok(await b.canReach('2001:db8::1'));
      await lab.isolate(c);
      assert.equal(await a.canReach('192.0.2.3', { timeoutMs: 300 }), false);
      await lab.heal();
      assert.ok(await c.canReach('192.0.2.1'));
    }));

  test('two labs at once share no names and no wire', async () => {
    const [l1, l2] = await Promise.all([Lab.create({ name: 'one' }), Lab.create({ name: 'two' })]);
    try {
      assert.notEqual(l1.prefix, l2.prefix);
      const [a1, b2] = await Promise.all([
        l1.addNode('a', { ipv4: '192.0.2.1/24' }),
        l2.addNode('b', { ipv4: '192.0.2.2/24' }),
      ]);
      // Same subnet, different switches: no path between them.
      assert.equal(await a1.canReach('192.0.2.2', { timeoutMs: 300 }), false);
      assert.equal(await b2.canReach('192.0.2.1', { timeoutMs: 300 }), false);
    } finally {
      await Promise.all([l1.destroy(), l2.destroy()]);
    }
    assert.deepEqual([...traces(l1.prefix), ...traces(l2.prefix)], []);
  });

  test('addNode() refuses addresses outside the documentation ranges', (t) =>
    withLab(t, {}, async (lab) => {
      await assert.rejects(lab.addNode('a', { ipv4: '10.0.0.1/24' }), /documentation ranges/);
      await assert.rejects(lab.addNode('b', { ipv6: 'fd00::1/64' }), /documentation ranges/);
      await assert.rejects(lab.addNode('toolong7'), /node name/);
    }));

  // A child creates a lab, partitions it (so an nft table exists), starts `sleep 1000`, prints
  // what it made, then ends the given way; the lab must be gone without anyone calling destroy().
  // SIGKILL runs no handler: there the next Lab.create() (here or in any test process) sweeps
  // the labs whose owner is dead.
  for (const ending of ['throw', 'SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    const how = ending === 'throw' ? 'an uncaught exception' : ending;
    test(`a run that ends by ${how} leaves nothing behind${ending === 'SIGKILL' ? ' after the next Lab.create()' : ''}`, async () => {
      const script = `
        import { readFileSync } from 'node:fs';
        const { Lab, pollUntil } = await import(${JSON.stringify(HARNESS_URL)});
        const lab = await Lab.create({ name: 'crash' });
        const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
        const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
        await lab.partition(a, b);
        const p = a.spawn('sleep', ['1000']);
        // Past 'ip netns exec': the pid is sleep itself.
        await pollUntil(() => readFileSync('/proc/' + p.pid + '/cmdline', 'utf8') === 'sleep\\u00001000\\u0000',
          { what: 'sleep to run' });
        console.log(JSON.stringify({ prefix: lab.prefix, sleepPid: p.pid, runDir: lab.runDir }));
        if (process.argv[1] === 'throw') throw new Error('deliberate failure');
        setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, ending], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('close', (code, signal) => resolve({ code, signal })),
      );
      const line = await pollUntil(() => stdout.split('\n').find((l) => l.startsWith('{')), {
        what: 'the child to report its lab',
        timeoutMs: 15_000,
      }).catch((e: unknown) => {
        child.kill('SIGKILL');
        throw new Error(`${String(e)}\nchild stderr: ${stderr}`);
      });
      const made = JSON.parse(line) as { prefix: string; sleepPid: number; runDir: string };
      assert.match(made.prefix, /^kt[0-9a-f]{6}$/);
      if (ending !== 'throw') child.kill(ending);
      const end = await exited;
      if (ending === 'throw') {
        assert.equal(end.code, 1);
        assert.match(stderr, /deliberate failure/);
      } else if (ending === 'SIGKILL') {
        assert.equal(end.signal, 'SIGKILL');
        await (await Lab.create({ name: 'sweeper' })).destroy();
      } else {
        // The handler cleans up, then re-raises: the parent still sees death by that signal.
        assert.equal(end.signal, ending, stderr);
      }
      assert.deepEqual(traces(made.prefix), []);
      // SIGKILLed, it may linger as a zombie until init reaps it; it must not run.
      await pollUntil(() => !runs(made.sleepPid, ['sleep', '1000']), {
        what: `sleep ${made.sleepPid} to end`,
      });
      assert.equal(existsSync(made.runDir), process.env['KEEP_LAB'] === '1');
    });
  }

  test('the reference keepalived takes the VIP in a node and gives it back on stop()', (t) =>
    withLab(t, {}, async (lab) => {
      const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
      const ka = await startKeepalived(
        a,
        [
          'vrrp_instance VI_1 {',
          '  state BACKUP',
          '  interface eth0',
          '  virtual_router_id 51',
          '  priority 100',
          '  advert_int 1',
          '  virtual_ipaddress {',
          '    192.0.2.100/24',
          '  }',
          '}',
          '',
        ].join('\n'),
      );
      // Alone on the segment, it is master after master_down (3 x advert_int + skew) ~ 3.6 s.
      await pollUntil(() => a.hasAddress('192.0.2.100/24'), {
        what: 'VIP 192.0.2.100 on a',
        timeoutMs: 10_000,
      });
      await ka.proc.waitForLine('(VI_1) Entering MASTER STATE');
      const vrrpPid = ka.vrrpPid();
      assert.ok(vrrpPid !== undefined, 'the VRRP child wrote its pid file');
      const status = await ka.stop();
      assert.equal(status.code, 0, ka.proc.tail());
      assert.equal(await a.hasAddress('192.0.2.100'), false, 'stop() leaves no VIP');
      assert.equal(existsSync(ka.pidFile) || existsSync(ka.vrrpPidFile), false, 'pid files are removed');
      assert.deepEqual(processesWith(ka.confPath), [], 'no keepalived process is left');
      assert.equal(
        execFileSync('ip', ['netns', 'pids', a.ns], { encoding: 'utf8' }).trim(),
        '',
        'node a is empty',
      );
    }));
});
