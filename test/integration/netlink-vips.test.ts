/**
 * VIPs through rtnetlink on a real kernel: in a fresh namespace with a veth pair, a script (the
 * socket lives in the namespace of the process that opens it) adds 500 IPv4 and 50 IPv6 VIPs
 * with labels, broadcast addresses, scopes and lifetimes, and `ip -j addr` must show each with
 * those attributes; adding again and deleting twice are silent; removeStale clears what a
 * crashed run left; kernel errors are logged, never thrown. The time of the 500 adds is printed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { VipDetail } from '../../src/net/netlink-vip-detail.js';
import { REPO_ROOT } from '../../src/testing/config-compare.js';

const NEEDS_ROOT = process.getuid?.() === 0 ? false : 'network namespaces need root';
const ns = `ktnl${randomBytes(3).toString('hex')}`;

/** Runs an ES module script inside the namespace; its last stdout line is JSON. */
function inNs<T>(code: string, timeoutMs = 60_000): T {
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: timeoutMs,
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`script in ${ns} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null') as T;
}

/** What `ip -j addr show dev eth0` says of an address. */
interface IpAddrInfo {
  readonly family: 'inet' | 'inet6';
  readonly local: string;
  readonly prefixlen: number;
  readonly broadcast?: string;
  readonly scope: string;
  readonly label?: string;
  readonly nodad?: boolean;
  readonly deprecated?: boolean;
  readonly preferred_life_time: number;
}

/** The script's prelude: a manager whose resolver maps VIP strings onto `details`, eth0 found by dump. */
const prelude = (details: readonly VipDetail[]): string => `
  import { execFileSync } from 'node:child_process';
  import { NetlinkRoute } from '${REPO_ROOT}/dist/src/net/netlink-route.js';
  import { NetlinkVipManager } from '${REPO_ROOT}/dist/src/net/netlink-vips.js';
  const logs = [];
  const route = new NetlinkRoute({ log: (t) => logs.push(t) });
  const eth0 = (await route.listLinks()).find((l) => l.name === 'eth0');
  const details = new Map(${JSON.stringify(details)}.map((d) => [d.vip, { ...d, ifindex: d.ifindex || eth0.ifindex }]));
  const vips = new NetlinkVipManager({ route, log: (t) => logs.push(t), resolve: (_i, vip) => details.get(vip) });
  const addrs = () => JSON.parse(execFileSync('ip', ['-j', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' }))[0]
    .addr_info.filter((a) => a.scope !== 'link' || a.family === 'inet');
  const effect = (list) => ({ kind: 'add-vips', vips: list, excludedVips: [], blockIncoming: false });
`;

type Vip = VipDetail & { readonly vip: string };

const SCOPES = [0, 253, 254] as const;
const SCOPE_NAMES: Record<number, string> = { 0: 'global', 253: 'link', 254: 'host' };

/** 500 IPv4 VIPs: /32s in two documentation ranges with every scope, and a /24 with brd + labels. */
function ipv4Vips(): Vip[] {
  const out: Vip[] = [];
  for (let i = 1; i <= 200; i++) {
    const address = `192.0.2.${i}`;
    const label = i % 10 === 0 ? { label: `eth0:v${i}` } : {};
    out.push({
      vip: address,
      ifindex: 0,
      family: 4,
      address,
      prefixLen: 32,
      scope: 0,
      ifaFlags: 0,
      ...label,
    });
  }
  for (let i = 1; i <= 200; i++) {
    const address = `198.51.100.${i}`;
    const scope = SCOPES[i % 3] ?? 0;
    out.push({ vip: address, ifindex: 0, family: 4, address, prefixLen: 32, scope, ifaFlags: 0 });
  }
  for (let i = 1; i <= 100; i++) {
    const address = `203.0.113.${i}`;
    out.push({
      vip: `${address}/24`,
      ifindex: 0,
      family: 4,
      address,
      prefixLen: 24,
      broadcast: '203.0.113.255',
      scope: 0,
      label: `eth0:b${i}`,
      ifaFlags: 0,
    });
  }
  return out;
}

/** 50 IPv6 VIPs with NODAD (as keepalived): /64s, and /128s deprecated at once (preferred_lft 0). */
function ipv6Vips(): Vip[] {
  return Array.from({ length: 50 }, (_, k) => {
    const i = k + 1;
    const address = `2001:db8::${i.toString(16)}`;
    const host = i > 40;
    return {
      vip: host ? address : `${address}/64`,
      ifindex: 0,
      family: 6,
      address,
      prefixLen: host ? 128 : 64,
      scope: 0,
      ifaFlags: 0x02,
      ...(host && { preferredLftSec: 0 }),
    };
  });
}

describe('VIPs through rtnetlink', { skip: NEEDS_ROOT }, () => {
  before(() => {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'eth0', 'address', '02:00:5e:00:01:33', 'mtu', '1400']);
    for (const dev of ['eth0', 'eth1']) execFileSync('ip', ['-n', ns, 'link', 'set', dev, 'up']);
  });
  after(() => {
    spawnSync('ip', ['netns', 'del', ns]);
  });

  test('the link dump gives the ifindex, name, MAC, MTU and state `ip -j link` shows', () => {
    const links = inNs<{ ifindex: number; name: string; mac?: string; mtu: number; up: boolean }[]>(
      `${prelude([])} console.log(JSON.stringify(await route.listLinks())); route.close();`,
    );
    const ip = JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'link', 'show'], { encoding: 'utf8' })) as {
      ifindex: number;
      ifname: string;
      address: string;
      mtu: number;
      flags: string[];
    }[];
    assert.deepEqual(
      links.map((l) => [l.ifindex, l.name, l.mac, l.mtu, l.up]),
      ip.map((l) => [l.ifindex, l.ifname, l.address, l.mtu, l.flags.includes('UP')]),
    );
    assert.equal(links.find((l) => l.name === 'eth0')?.mac, '02:00:5e:00:01:33');
  });

  test('a netlink socket works in a worker thread, and a worker may end without closing it', () => {
    const r = inNs<{ names: string[]; exits: number[] }>(`
      import { Worker } from 'node:worker_threads';
      const worker = \`
        import { parentPort } from 'node:worker_threads';
        import { NetlinkRoute } from 'file://${REPO_ROOT}/dist/src/net/netlink-route.js';
        const route = new NetlinkRoute();
        parentPort.postMessage((await route.listLinks()).map((l) => l.name));
        // no close(): the receive handle is still active when the worker is terminated
      \`;
      let names = [];
      const exits = [];
      for (let i = 0; i < 5; i++) {
        exits.push(await new Promise((resolve, reject) => {
          const w = new Worker(new URL('data:text/javascript,' + encodeURIComponent(worker)));
          w.on('message', (m) => { names = m; w.terminate(); });
          w.on('error', reject);
          w.on('exit', resolve);
        }));
      }
      console.log(JSON.stringify({ names, exits }));`);
    assert.deepEqual(r.names, ['lo', 'eth1', 'eth0']);
    assert.deepEqual(r.exits, [1, 1, 1, 1, 1], 'terminated, not crashed');
  });

  test('500 IPv4 + 50 IPv6 VIPs are added with their attributes, idempotently, and removed', (t) => {
    const v4 = ipv4Vips();
    const v6 = ipv6Vips();
    const r = inNs<{
      addMs: number;
      added: IpAddrInfo[];
      again: IpAddrInfo[];
      listed: number;
      removed: IpAddrInfo[];
      logs: string[];
    }>(`${prelude([...v4, ...v6])}
      const v4 = ${JSON.stringify(v4.map((v) => v.vip))};
      const v6 = ${JSON.stringify(v6.map((v) => v.vip))};
      const t0 = performance.now();
      vips.addVips('VI_4', effect(v4));
      await vips.flush();
      const addMs = performance.now() - t0;
      vips.addVips('VI_6', effect(v6));
      await vips.flush();
      const added = addrs();
      vips.addVips('VI_4', effect(v4));
      vips.addVips('VI_6', effect(v6));
      await vips.flush();
      const again = addrs();
      const listed = (await vips.listAddresses(eth0.ifindex)).filter((a) => !a.local.startsWith('fe80')).length;
      for (let i = 0; i < 2; i++) {
        vips.delVips('VI_4', { ...effect(v4), kind: 'del-vips' });
        vips.delVips('VI_6', { ...effect(v6), kind: 'del-vips' });
      }
      await vips.flush();
      const removed = addrs();
      vips.close();
      route.close();
      console.log(JSON.stringify({ addMs, added, again, listed, removed, logs }));`);
    t.diagnostic(`500 IPv4 VIPs added and acknowledged in ${r.addMs.toFixed(1)} ms`);
    assert.deepEqual(r.logs, []);
    const byAddr = new Map(r.added.map((a) => [a.local, a]));
    assert.equal(byAddr.size, 550);
    for (const v of [...v4, ...v6]) {
      const a = byAddr.get(v.address);
      assert.ok(a, `${v.vip} is on eth0`);
      assert.equal(a.prefixlen, v.prefixLen, v.vip);
      assert.equal(a.scope, SCOPE_NAMES[v.scope], v.vip);
      assert.equal(a.broadcast, v.broadcast, v.vip);
      if (v.family === 4) assert.equal(a.label, v.label ?? 'eth0', v.vip);
      else {
        assert.equal(a.nodad, true, `${v.vip} has NODAD`);
        assert.equal(a.preferred_life_time, v.preferredLftSec ?? 0xffffffff, v.vip);
        assert.equal(a.deprecated, v.preferredLftSec === 0 ? true : undefined, v.vip);
      }
    }
    assert.deepEqual(r.again, r.added, 'adding again changes nothing');
    assert.equal(r.listed, 550, 'listAddresses() sees them all');
    assert.deepEqual(r.removed, []);
  });

  test('removeStale() removes the VIPs a crashed run left, and only counts those present', () => {
    const stale = ipv4Vips().slice(0, 5);
    const absent = ipv6Vips().slice(0, 3);
    execFileSync('ip', ['-n', ns, '-batch', '-'], {
      input: stale.map((v) => `addr add ${v.address}/${v.prefixLen} dev eth0\n`).join(''),
    });
    const r = inNs<{ removed: number; left: IpAddrInfo[]; logs: string[] }>(`${prelude([...stale, ...absent])}
      const removed = await vips.removeStale([...details.values()]);
      const left = addrs();
      vips.close(); route.close();
      console.log(JSON.stringify({ removed, left, logs }));`);
    assert.equal(r.removed, 5);
    assert.deepEqual(r.left, []);
    assert.deepEqual(r.logs, []);
  });

  test('a kernel error is logged with what was being done, never thrown', () => {
    const bad: Vip[] = [
      {
        vip: '192.0.2.77',
        ifindex: 999_999,
        ifname: 'gone0',
        family: 4,
        address: '192.0.2.77',
        prefixLen: 32,
        scope: 0,
        ifaFlags: 0,
      },
      {
        vip: '192.0.2.78',
        ifindex: 0,
        family: 4,
        address: '192.0.2.78',
        prefixLen: 32,
        scope: 0,
        ifaFlags: 0,
      },
    ];
    const r = inNs<{ logs: string[]; left: IpAddrInfo[] }>(`${prelude(bad)}
      vips.addVips('VI_1', effect(['192.0.2.77', '192.0.2.78']));
      await vips.flush();
      const left = addrs();
      vips.delVips('VI_1', { ...effect(['192.0.2.78']), kind: 'del-vips' });
      await vips.flush();
      vips.close(); route.close();
      console.log(JSON.stringify({ logs, left }));`);
    assert.equal(r.logs.length, 1, r.logs.join('\n'));
    assert.match(
      r.logs[0] ?? '',
      /^Netlink: error: No such device\(19\), type=RTM_NEWADDR\(20\), seq=\d+, pid=0 - \(VI_1\) adding 192\.0\.2\.77 dev gone0 scope global/,
    );
    assert.deepEqual(
      r.left.map((a) => a.local),
      ['192.0.2.78'],
    );
  });
});
