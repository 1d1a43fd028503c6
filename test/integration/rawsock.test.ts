/**
 * The native addon on a real link: two namespaces joined by a veth pair; a VRRP-protocol
 * raw socket in one receives what the other sends to 224.0.0.18 / ff02::12, with source,
 * destination, TTL / hop limit 255 and the receiving ifindex; AF_PACKET sends a frame that
 * arrives whole.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../../src/testing/config-compare.js';

const id = randomBytes(3).toString('hex');
const a = `ktra${id}`;
const b = `ktrb${id}`;

/** Runs a small script with the addon inside a namespace (raw sockets live in the caller's ns). */
function inNs(ns: string, code: string, timeoutMs = 5000): string {
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: timeoutMs,
    cwd: REPO_ROOT,
  });
  if (r.status !== 0) throw new Error(`script in ${ns} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const load = `import { rawsock } from '${REPO_ROOT}/dist/src/net/rawsock.js'; const s = rawsock();`;

describe('native raw socket addon', () => {
  before(() => {
    execFileSync('ip', ['netns', 'add', a]);
    execFileSync('ip', ['netns', 'add', b]);
    execFileSync('ip', ['-n', a, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', b]);
    for (const ns of [a, b]) {
      // No duplicate address detection: the link-local address must be usable at once.
      for (const conf of ['all', 'default', 'eth0']) {
        execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${conf}.accept_dad=0`]);
      }
    }
    for (const [ns, v4, v6] of [
      [a, '192.0.2.1/24', '2001:db8::1/64'],
      [b, '192.0.2.2/24', '2001:db8::2/64'],
    ] as const) {
      execFileSync('ip', ['-n', ns, 'addr', 'add', v4, 'dev', 'eth0']);
      execFileSync('ip', ['-n', ns, 'addr', 'add', v6, 'dev', 'eth0', 'nodad']);
      execFileSync('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    // The link-local source of IPv6 multicast appears once both ends are up: wait for it.
    const deadline = Date.now() + 5000;
    for (const ns of [a, b]) {
      for (;;) {
        const out = execFileSync('ip', ['-n', ns, '-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'link'], {
          encoding: 'utf8',
        });
        if (out.includes('fe80') && !out.includes('tentative')) break;
        if (Date.now() > deadline) throw new Error(`no usable link-local address in ${ns}: ${out}`);
        execFileSync('sleep', ['0.05']);
      }
    }
  });
  after(() => {
    spawnSync('ip', ['netns', 'del', a]);
    spawnSync('ip', ['netns', 'del', b]);
  });

  for (const family of [4, 6] as const) {
    test(`IPv${family}: a multicast VRRP packet arrives with src, dst, TTL 255 and ifindex`, async () => {
      const group = family === 4 ? '224.0.0.18' : 'ff02::12';
      const receiver = `${load}
        const idx = Number((await import('node:fs')).readFileSync('/sys/class/net/eth0/ifindex', 'utf8'));
        const fd = s.openRaw(${family}, 112, 'eth0');
        s.membership(fd, ${family}, '${group}', idx, true);
        const stop = s.startReceive(fd, ${family}, (err, pkts) => {
          if (err) throw err;
          const p = pkts[0];
          console.log(JSON.stringify({ src: p.src, dst: p.dst, ttl: p.ttl, ifindex: p.ifindex, idx, len: p.data.length, tail: p.data.subarray(-4).toString('hex') }));
          stop(); s.close(fd); process.exit(0);
        });
        console.log('ready');
        setTimeout(() => process.exit(3), 4000);`;
      const { spawn } = await import('node:child_process');
      const child = spawn(
        'ip',
        ['netns', 'exec', a, process.execPath, '--input-type=module', '-e', receiver],
        { cwd: REPO_ROOT },
      );
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
      const deadline = Date.now() + 3000;
      while (!out.includes('ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      inNs(
        b,
        `${load}
        const idx = Number((await import('node:fs')).readFileSync('/sys/class/net/eth0/ifindex', 'utf8'));
        const fd = s.openRaw(${family}, 112, 'eth0');
        s.setMulticastInterface(fd, ${family}, idx);
        // A VRRPv3 header (8 bytes) + one address; contents do not matter to the socket layer.
        s.send(fd, ${family}, Buffer.from('3133006400010000c0000264', 'hex').subarray(0, ${family === 4 ? 12 : 8}), '${group}', idx);
        s.close(fd);`,
      );
      assert.equal(await exited, 0, `receiver did not get the packet: ${out}`);
      const got = JSON.parse(out.split('\n').find((l) => l.startsWith('{')) ?? '{}');
      assert.equal(got.src, family === 4 ? '192.0.2.2' : got.src);
      if (family === 6) assert.match(got.src, /^fe80::/);
      assert.equal(got.dst, group);
      assert.equal(got.ttl, 255);
      assert.equal(got.ifindex, got.idx);
      // IPv4 raw sockets deliver the IP header too (20 bytes) ahead of the payload.
      assert.equal(got.len, family === 4 ? 20 + 12 : 8);
    });
  }
});
