/**
 * keepalived's state dumps, keepalived-ts beside keepalived 2.2.7: keepalived (priority 90)
 * becomes master, keepalived-ts (priority 100) preempts it (one failover), and after a few
 * adverts SIGUSR2 / SIGUSR1 to each parent write keepalived.stats / keepalived.data. Each
 * daemon gets its own TMPDIR (keepalived honours it too), so nothing lands in the shared /tmp.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { KEEPALIVED_TS } from '../../src/testing/config-compare.js';
import type { RefKeepalived } from '../../src/testing/keepalived-ref.js';
import { KEEPALIVED, startKeepalived } from '../../src/testing/keepalived-ref.js';
import type { LabNode } from '../../src/testing/lab-node.js';
import { pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { PAIR_VIP, type PairVariant, pairConfig, v3Ipv4 } from '../../src/testing/vrrp-pair.js';

const V: PairVariant = v3Ipv4(0.2);
const VIP = PAIR_VIP[4];

interface Router {
  readonly daemon: RefKeepalived;
  readonly tmp: string;
}

async function start(node: LabNode, impl: 'keepalived' | 'keepalived-ts', priority: number, peer: string) {
  const tmp = node.path(`${node.name}-tmpdir`);
  mkdirSync(tmp, { mode: 0o700 });
  const self = impl === 'keepalived' ? '192.0.2.2' : '192.0.2.1';
  const daemon = await startKeepalived(node, pairConfig(V, { priority, self, peer, vip: VIP }), {
    impl,
    label: impl,
    extraArgs: ['-P'],
    env: { TMPDIR: tmp },
  });
  return { daemon, tmp };
}

/** Sends `signal` to the parent and returns the file it writes, once complete. */
async function dump(r: Router, signal: 'SIGUSR1' | 'SIGUSR2' | number, file: string): Promise<string> {
  const path = join(r.tmp, file);
  rmSync(path, { force: true });
  process.kill(Number(readFileSync(r.daemon.pidFile, 'utf8').trim()), signal);
  // keepalived renames its temporary file into place before it writes (fopen_safe): the
  // file is whole once it has content that stays the same for a moment.
  let last = '';
  await pollUntil(
    () => {
      const now = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const done = now !== '' && now === last;
      last = now;
      return done;
    },
    { what: path, timeoutMs: 3000, intervalMs: 50 },
  );
  return last;
}

/** "Key: N" lines as a map of the section-qualified key ("Advertisements/Sent") to N. */
function counters(stats: string): Map<string, number> {
  const m = new Map<string, number>();
  let section = '';
  for (const line of stats.trimEnd().split('\n')) {
    const [, indent = '', key = '', value = ''] = /^( *)([^:]+):\s*(.*)$/.exec(line) ?? [];
    if (indent.length === 2) section = key;
    if (value !== '' && /^\d+$/.test(value))
      m.set(indent.length === 4 ? `${section}/${key}` : key, Number(value));
  }
  return m;
}

/** The file with its numbers blanked: its layout. */
const layout = (text: string): string => text.replace(/\d+$/gm, 'N');

test('SIGUSR2 / SIGUSR1 after a preemption: the stats and data files, as keepalived writes them', (t) =>
  withLab(t, {}, async (lab) => {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
    const ka = await start(b, 'keepalived', 90, '192.0.2.1');
    await ka.daemon.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
    const ts = await start(a, 'keepalived-ts', 100, '192.0.2.2');
    await ts.daemon.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
    await ka.daemon.proc.waitForLine('Entering BACKUP STATE', { timeoutMs: 5000 });
    // A few adverts as master.
    await new Promise((r) => setTimeout(r, 1000));

    const [tsStats, kaStats] = await Promise.all([
      dump(ts, 'SIGUSR2', 'keepalived.stats'),
      dump(ka, 'SIGUSR2', 'keepalived.stats'),
    ]);
    t.diagnostic(`keepalived-ts:\n${tsStats}`);
    t.diagnostic(`keepalived:\n${kaStats}`);
    assert.equal(layout(tsStats), layout(kaStats), "keepalived's lines, in keepalived's order");
    assert.match(tsStats, /^VRRP Instance: VI_1\n/);

    const ours = counters(tsStats);
    const theirs = counters(kaStats);
    assert.equal(ours.get('Became master'), 1);
    assert.equal(ours.get('Released master'), 0);
    assert.equal(theirs.get('Became master'), 1);
    assert.equal(theirs.get('Released master'), 1);
    const sent = ours.get('Advertisements/Sent') ?? 0;
    assert.ok(sent >= 4, `adverts sent: ${sent}`);
    // What one sent, the other received (the two dumps are a few ms apart: an advert may be
    // in flight), and nothing was refused on either side.
    const heard = theirs.get('Advertisements/Received') ?? 0;
    assert.ok(Math.abs(heard - sent) <= 2, `keepalived heard ${heard} of our ${sent} adverts`);
    const rcvd = ours.get('Advertisements/Received') ?? 0;
    assert.ok(rcvd >= 1, `adverts received while backup: ${rcvd}`);
    assert.ok(rcvd <= (theirs.get('Advertisements/Sent') ?? 0), 'no more received than keepalived sent');
    for (const [k, n] of ours) {
      if (!k.startsWith('Advertisements/') && !k.endsWith('master')) assert.equal(n, 0, `${k}`);
    }

    const data = await dump(ts, 'SIGUSR1', 'keepalived.data');
    t.diagnostic(data);
    assert.match(
      data,
      /^------< VRRP Topology >------\n VRRP Instance = VI_1\n {3}VRRP Version = 3\n {3}State = MASTER\n/,
    );
    assert.match(data, /\n {3}Effective priority = 100\n/);
    assert.match(
      data,
      new RegExp(
        `\\n {3}Virtual IP \\(1\\):\\n {5}${VIP.replaceAll('.', '\\.')} dev eth0 scope global set\\n`,
      ),
    );
    const theirData = await dump(ka, 'SIGUSR1', 'keepalived.data');
    assert.match(
      theirData,
      /\n {3}State = BACKUP\n {3}Master router = 192\.0\.2\.1\n {3}Master priority = 100\n/,
    );
    assert.ok(ts.daemon.proc.tail().includes(`Printing VRRP stats for process(`), 'logged as keepalived');

    // JSON (SIGRTMIN+2 = 36 with glibc): the same keys in the same order as keepalived's.
    const keysOf = (text: string): string[] => {
      const [one] = JSON.parse(text) as { data: object; stats: object }[];
      assert.ok(one !== undefined);
      return [...Object.keys(one.data), ...Object.keys(one.stats)];
    };
    const [tsJson, kaJson] = await Promise.all([
      dump(ts, 36, 'keepalived.json'),
      dump(ka, 36, 'keepalived.json'),
    ]);
    assert.deepEqual(keysOf(tsJson), keysOf(kaJson));
    assert.equal((JSON.parse(tsJson) as { data: { state: number } }[])[0]?.data.state, 2, 'MASTER');

    // STATS_CLEAR (SIGRTMAX-1 = 63): the stats as they were, then the counters from 0.
    const before = counters(await dump(ts, 63, 'keepalived.stats'));
    assert.equal(before.get('Became master'), 1);
    const after = counters(await dump(ts, 'SIGUSR2', 'keepalived.stats'));
    assert.equal(after.get('Became master'), 0, 'cleared');
    assert.ok(
      (after.get('Advertisements/Sent') ?? 0) < (before.get('Advertisements/Sent') ?? 0),
      'counting again from 0',
    );
    assert.ok(ts.daemon.proc.running, 'the real-time signals did not kill keepalived-ts');
    await ts.daemon.stop();
    await ka.daemon.stop();
  }));

test('--signum names the signals as keepalived 2.2.7 does (the ones the daemon listens for)', () => {
  for (const fn of ['STOP', 'RELOAD', 'DATA', 'STATS', 'STATS_CLEAR', 'JSON', 'TDUMP']) {
    const run = (cmd: string) => {
      const r = spawnSync(cmd, [`--signum=${fn}`], { encoding: 'utf8' });
      return { status: r.status, out: r.stdout, err: r.stderr };
    };
    assert.deepEqual(run(KEEPALIVED_TS), run(KEEPALIVED), fn);
  }
});

/** One instance's block of a keepalived.data VRRP Topology section. */
function block(data: string, name: string): string[] {
  const at = data.indexOf('------< VRRP Topology >------');
  const topology = at < 0 ? '' : (data.slice(at).split('\n------<')[0] ?? '');
  const lines = topology.split('\n');
  const from = lines.indexOf(` VRRP Instance = ${name}`);
  assert.ok(from >= 0, `${name} listed:\n${topology}`);
  const to = lines.findIndex((l, i) => i > from && l.startsWith(' VRRP Instance = '));
  return lines.slice(from, to < 0 ? undefined : to).filter((l) => l !== '');
}

test('SIGUSR1 with an instance waiting for its missing interface: listed in FAULT as keepalived (dynamic_interfaces) lists it', (t) =>
  withLab(t, {}, async (lab) => {
    const instance = (name: string, vrid: number, itf: string, vip: string): string =>
      `vrrp_instance ${name} {\n  state BACKUP\n  interface ${itf}\n  virtual_router_id ${vrid}\n  version 3\n  priority 100\n  advert_int 0.2\n  virtual_ipaddress {\n    ${vip}\n  }\n}\n`;
    const config = `global_defs {\n  dynamic_interfaces\n}\n${instance('VI_1', 51, 'eth9', '198.51.100.100/24')}${instance('VI_2', 52, 'eth0', '192.0.2.200/24')}`;
    const blocks = new Map<string, string[]>();
    for (const impl of ['keepalived', 'keepalived-ts'] as const) {
      const node = await lab.addNode(impl === 'keepalived' ? 'k' : 't', {
        ipv4: `192.0.2.${impl === 'keepalived' ? 1 : 2}/24`,
      });
      const tmp = node.path(`${node.name}-tmpdir`);
      mkdirSync(tmp, { mode: 0o700 });
      const daemon = await startKeepalived(node, config, {
        impl,
        label: impl,
        extraArgs: ['-P'],
        env: { TMPDIR: tmp },
      });
      await daemon.proc.waitForLine('(VI_2) Entering MASTER STATE', { timeoutMs: 5000 });
      const data = await dump({ daemon, tmp }, 'SIGUSR1', 'keepalived.data');
      blocks.set(impl, block(data, 'VI_1'));
      assert.deepEqual(
        block(data, 'VI_2').slice(0, 4),
        [' VRRP Instance = VI_2', '   VRRP Version = 3', '   State = MASTER', '   Flags: none'],
        `${impl}: VI_2 after VI_1, running`,
      );
      await daemon.stop();
    }
    const ours = blocks.get('keepalived-ts') ?? [];
    t.diagnostic(`keepalived-ts:\n${ours.join('\n')}`);
    // keepalived's lines that keepalived-ts prints (README: no wall-clock lines, fds, ...).
    const key = (l: string): string => l.split(/ = |:/)[0] ?? l;
    const printed = new Set(ours.map(key));
    const theirs = (blocks.get('keepalived') ?? []).filter((l) => printed.has(key(l)));
    assert.deepEqual(ours, theirs);
    assert.ok(ours.includes('   State = FAULT'));
  }));
