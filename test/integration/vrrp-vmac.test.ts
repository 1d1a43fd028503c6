/**
 * use_vmac against keepalived 2.2.7, both ways round, on one segment with a client:
 *  - each router makes the same VMAC: vrrp.51, a private macvlan on eth0 carrying
 *    00:00:5e:00:01:33 (00:00:5e:00:02:33 for IPv6), up in BACKUP as in MASTER, with the same
 *    IPv4 settings on it and on eth0 (the two nodes' facts are compared field by field);
 *  - the master's VIP is on the VMAC; its adverts and gratuitous ARPs leave with the virtual
 *    MAC as Ethernet source (tcpdump at the client), so the client's neighbour entry for the
 *    VIP is the virtual MAC, and stays so across a failover;
 *  - at stop the VMAC is deleted (keepalived-ts also puts eth0's arp_ignore / arp_filter back);
 *  - group reports (IGMP / MLD) never leave with the virtual MAC (keepalived's nft rules);
 *  - each implementation alone: vmac_xmit_base sends the adverts from eth0's MAC; `use_vmac
 *    NAME` of an existing private macvlan takes it over; the VMAC set down is FAULT, and with
 *    dont_track_primary eth0 down is not;
 *  - keepalived-ts alone: a SIGKILLed run's VMAC is taken over by the next start, an unchanged
 *    SIGHUP keeps the VMAC (same ifindex), a SIGHUP adding / removing an instance makes /
 *    deletes its VMAC, the nft table goes at stop.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Implementation, RefKeepalived } from '../../src/testing/keepalived-ref.js';
import type { LabNode } from '../../src/testing/netns-lab.js';
import { type LabProcess, pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { lastLoggedState, type PairVariant, pairConfig, startRouter } from '../../src/testing/vrrp-pair.js';

const NEEDS_ROOT = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;
const VRID = 51;
const VMAC = { 4: '00:00:5e:00:01:33', 6: '00:00:5e:00:02:33' } as const;
const VIP = { 4: '192.0.2.250', 6: '2001:db8::250' } as const;
const variant = (family: 4 | 6): PairVariant => ({
  label: `v3/IPv${family}`,
  version: 3,
  family,
  auth: 'none',
  unicast: false,
  advertIntS: 0.2,
});

interface LinkJson {
  ifname: string;
  ifindex: number;
  address?: string;
  link?: string;
  operstate?: string;
  flags?: string[];
  linkinfo?: { info_kind?: string; info_data?: { mode?: string } };
  inet6_addr_gen_mode?: string;
}

async function links(node: LabNode): Promise<LinkJson[]> {
  return JSON.parse(await node.run('ip', ['-j', '-d', 'link', 'show'])) as LinkJson[];
}

async function vmacOf(node: LabNode, name = `vrrp.${VRID}`): Promise<LinkJson | undefined> {
  return (await links(node)).find((l) => l.ifname === name);
}

async function sysctl(node: LabNode, key: string): Promise<string> {
  const r = await node.exec('sysctl', ['-n', key]);
  return r.stdout.trim();
}

/** What an implementation made of use_vmac on a node: to be equal for both. */
async function vmacFacts(node: LabNode, family: 4 | 6): Promise<Record<string, unknown>> {
  const l = await vmacOf(node);
  const facts: Record<string, unknown> = {
    name: l?.ifname,
    mac: l?.address,
    lower: l?.link,
    kind: l?.linkinfo?.info_kind,
    mode: l?.linkinfo?.info_data?.mode,
    up: l?.flags?.includes('UP'),
    addrGenMode: l?.inet6_addr_gen_mode,
    disableIpv6: await sysctl(node, `net.ipv6.conf.vrrp/${VRID}.disable_ipv6`),
  };
  if (family === 6) {
    // The adverts' source: eth0's own link-local, copied to the VMAC (nodad, deprecated).
    const addrs = (dev: string) =>
      node.run('ip', ['-6', '-o', 'addr', 'show', 'dev', dev, 'scope', 'link']).then((o) => o.trim());
    const base = /inet6 (fe80::\S+)/.exec(await addrs('eth0'))?.[1];
    const onVmac = await addrs(`vrrp.${VRID}`);
    facts.linkLocal = onVmac.replace(
      /^.*inet6 (\S+) (.*?)\\.*$/,
      (_m, a: string, f: string) => `${a === base ? "eth0's" : a} ${f.trim()}`,
    );
  }
  for (const k of ['arp_ignore', 'arp_filter', 'accept_local', 'rp_filter', 'promote_secondaries']) {
    facts[`vmac.${k}`] = await sysctl(node, `net.ipv4.conf.vrrp/${VRID}.${k}`);
    if (family === 4) facts[`eth0.${k}`] = await sysctl(node, `net.ipv4.conf.eth0.${k}`);
  }
  return facts;
}

/** tcpdump at the client, one line per frame with Ethernet headers. */
function capture(client: LabNode): LabProcess {
  return client.spawn(
    'tcpdump',
    ['-i', 'eth0', '-l', '-n', '-e', 'ip proto 112 or ip6 proto 112 or arp or icmp6 or igmp or ip6 proto 0'],
    { label: 'tcpdump' },
  );
}

async function startPair(
  lab: { addNode: (n: string, o: { ipv4?: string; ipv6?: string }) => Promise<LabNode> },
  family: 4 | 6,
) {
  const a = await lab.addNode('a', { ipv4: '192.0.2.1/24', ipv6: '2001:db8::1/64' });
  const b = await lab.addNode('b', { ipv4: '192.0.2.2/24', ipv6: '2001:db8::2/64' });
  const c = await lab.addNode('c', { ipv4: '192.0.2.9/24', ipv6: '2001:db8::9/64' });
  // Gratuitous ARPs make neighbour entries (Linux only updates existing ones by default).
  await c.run('sysctl', ['-qw', 'net.ipv4.conf.eth0.arp_accept=1']);
  const dump = capture(c);
  await dump.waitForLine(/listening on/, { timeoutMs: 5000 });
  return { a, b, c, dump, v: variant(family) };
}

function config(
  v: PairVariant,
  priority: number,
  self: string,
  peer: string,
  extra: string[] = ['use_vmac'],
) {
  return pairConfig(v, { priority, self, peer, vip: VIP[v.family], vrid: VRID, extra });
}

/** The frames from a VMAC (lines of tcpdump -e): `00:00:5e:00:01:33 > ...`. */
function framesFrom(dump: LabProcess, mac: string, what: RegExp): string[] {
  return dump.lines.map((l) => l.text).filter((t) => t.includes(`${mac} >`) && what.test(t));
}

const IMPLS: readonly [Implementation, Implementation][] = [
  ['keepalived-ts', 'keepalived'],
  ['keepalived', 'keepalived-ts'],
];

for (const family of [4, 6] as const) {
  for (const [first, second] of IMPLS) {
    describe(`use_vmac IPv${family}: ${first} master (priority 100), ${second} backup`, {
      skip: NEEDS_ROOT,
    }, () => {
      test('the same VMAC on both; adverts and announcements from the virtual MAC; failover keeps it', (t) =>
        withLab(t, {}, async (lab) => {
          const { a, b, c, dump, v } = await startPair(lab, family);
          const self = (n: LabNode) => (family === 4 ? n.ipv4 : n.ipv6)?.split('/')[0] ?? '';
          const high = await startRouter(a, first, config(v, 100, self(a), self(b)));
          await high.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 8000 });
          const low = await startRouter(b, second, config(v, 90, self(b), self(a)));
          await low.proc.waitForLine('Entering BACKUP STATE', { timeoutMs: 8000 });
          const mac = VMAC[family];
          const vip = VIP[family];

          // Both nodes hold the same VMAC, up in MASTER and BACKUP alike.
          const [fa, fb] = [await vmacFacts(a, family), await vmacFacts(b, family)];
          t.diagnostic(`${first}: ${JSON.stringify(fa)}`);
          t.diagnostic(`${second}: ${JSON.stringify(fb)}`);
          assert.equal(fa.mac, mac);
          assert.equal(fa.mode, 'private');
          assert.equal(fa.up, true);
          assert.deepEqual(fa, fb, `${first} and ${second} set the VMAC up alike`);
          assert.ok(await a.hasAddress(vip, `vrrp.${VRID}`), 'the VIP is on the VMAC');
          assert.ok(!(await a.hasAddress(vip, 'eth0')), 'not on eth0');

          // The client learns the VIP at the virtual MAC.
          if (family === 6) await c.exec('ip', ['-6', 'neigh', 'flush', 'dev', 'eth0']);
          await pollUntil(
            async () => {
              if (family === 6) await c.canReach(vip, { timeoutMs: 200 });
              return c.neighbourMac(vip);
            },
            { what: `the client's neighbour entry for ${vip}`, until: (m) => m === mac, timeoutMs: 5000 },
          );
          const adverts = () => framesFrom(dump, mac, /VRRPv3, Advertisement/);
          await pollUntil(() => adverts().length, { what: 'adverts from the VMAC', until: (n) => n >= 3 });
          const announce =
            family === 4
              ? /Request who-has 192\.0\.2\.250 .*tell 192\.0\.2\.250,/
              : /neighbor advertisement, tgt is 2001:db8::250/;
          const before = framesFrom(dump, mac, announce).length;
          assert.ok(before >= 1, `announcements from ${mac}: ${dump.tail(20)}`);
          // Nothing of the VRRP kind leaves with eth0's own MAC.
          const ownMac = (await links(a)).find((l) => l.ifname === 'eth0')?.address ?? '?';
          assert.deepEqual(
            dump.lines.map((l) => l.text).filter((x) => x.includes(`${ownMac} >`) && /VRRP/.test(x)),
            [],
          );

          // Group reports leave from eth0, never with the virtual MAC (a switch would learn it on
          // the backup's port): keepalived's nft rules, and ours.
          assert.deepEqual(framesFrom(dump, mac, /igmp|listener report|router solicitation/i), []);
          for (const n of [a, b]) {
            const eth0 = (await links(n)).find((l) => l.ifname === 'eth0')?.address ?? '?';
            assert.ok(
              framesFrom(dump, eth0, family === 4 ? /igmp v3 report/ : /multicast listener report/).length >
                0,
              `${n.name}: group reports from eth0's MAC`,
            );
          }

          // Failover: the backup takes over with the same MAC; the client's entry does not move.
          await high.stop();
          await low.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
          assert.equal(await vmacOf(a), undefined, `${first} removed its VMAC at stop`);
          await pollUntil(() => framesFrom(dump, mac, announce).length, {
            what: 'announcements from the new master',
            until: (n) => n > before,
            timeoutMs: 5000,
          });
          assert.equal(await c.neighbourMac(vip), mac);
          assert.ok(await b.hasAddress(vip, `vrrp.${VRID}`));
          if (family === 4 && first === 'keepalived-ts') {
            assert.equal(await sysctl(a, 'net.ipv4.conf.eth0.arp_ignore'), '0', 'arp_ignore put back');
            assert.equal(await sysctl(a, 'net.ipv4.conf.eth0.arp_filter'), '0', 'arp_filter put back');
          }
          await low.stop();
          assert.equal(await vmacOf(b), undefined, `${second} removed its VMAC at stop`);
          assert.equal(lastLoggedState(low), 'MASTER');
        }));
    });
  }
}

describe('use_vmac, keepalived-ts alone', { skip: NEEDS_ROOT }, () => {
  test('a SIGKILLed run leaves its VMAC; the next start takes it over; SIGHUP keeps it; stop removes it', (t) =>
    withLab(t, {}, async (lab) => {
      const { a, dump, v } = await startPair(lab, 4);
      const cfg = config(v, 100, '192.0.2.1', '192.0.2.2');
      const first = await startRouter(a, 'keepalived-ts', cfg, 'first');
      await first.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 8000 });
      first.proc.killGroup('SIGKILL');
      await first.proc.waitExit();
      const left = await vmacOf(a);
      assert.ok(left, 'the killed run left its VMAC');
      assert.ok(await a.hasAddress(VIP[4], `vrrp.${VRID}`), 'and its VIP');

      const second: RefKeepalived = await startRouter(a, 'keepalived-ts', cfg, 'second');
      await second.proc.waitForLine(`Found matching interface vrrp.${VRID}`, { timeoutMs: 5000 });
      await second.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 8000 });
      assert.equal((await vmacOf(a))?.ifindex, left.ifindex, 'the same interface, not a new one');
      assert.equal((await links(a)).filter((l) => l.linkinfo?.info_kind === 'macvlan').length, 1);

      second.proc.kill('SIGHUP');
      await second.proc.waitForLine('Reload complete', { timeoutMs: 5000 });
      assert.equal((await vmacOf(a))?.ifindex, left.ifindex, 'an unchanged reload keeps the VMAC');
      assert.ok(await a.hasAddress(VIP[4], `vrrp.${VRID}`));
      assert.equal(lastLoggedState(second), 'MASTER');

      assert.match(await a.run('nft', ['list', 'tables']), /table ip keepalived\b/);
      await second.stop();
      assert.equal(await vmacOf(a), undefined);
      assert.doesNotMatch(
        await a.run('nft', ['list', 'tables']),
        /table ip keepalived\b/,
        'the nft rules go at stop',
      );
      assert.ok(dump.lines.length > 0);
    }));

  test('SIGHUP adding an instance makes its VMAC (no FAULT); removing one deletes its VMAC only', (t) =>
    withLab(t, {}, async (lab) => {
      const { a, v } = await startPair(lab, 4);
      const one = config(v, 100, '192.0.2.1', '192.0.2.2');
      const two = pairConfig(v, {
        priority: 100,
        self: '',
        peer: '',
        vip: '192.0.2.251',
        vrid: 52,
        extra: ['use_vmac'],
      })
        .replace(/^global_defs \{[^}]*\}\n/, '')
        .replace('VI_1', 'VI_2');
      const r = await startRouter(a, 'keepalived-ts', one);
      await r.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 8000 });
      const kept = (await vmacOf(a))?.ifindex;
      writeFileSync(r.confPath, one + two);
      const mark = r.proc.lineCount;
      r.proc.kill('SIGHUP');
      await r.proc.waitForLine('(VI_2) Entering MASTER STATE', { timeoutMs: 8000, since: mark });
      assert.ok(
        !r.proc.lines.some((l) => l.seq >= mark && l.text.includes('(VI_2) Entering FAULT')),
        r.proc.tail(20),
      );
      assert.ok(await a.hasAddress('192.0.2.251', 'vrrp.52'));
      assert.equal((await vmacOf(a))?.ifindex, kept, 'VI_1 keeps its VMAC');

      writeFileSync(
        r.confPath,
        config(v, 100, '192.0.2.1', '192.0.2.2').replace(/vrrp_instance VI_1[\s\S]*$/, '') + two,
      );
      r.proc.kill('SIGHUP');
      await pollUntil(() => vmacOf(a), {
        what: 'vrrp.51 deleted',
        until: (l) => l === undefined,
        timeoutMs: 5000,
      });
      assert.ok(await vmacOf(a, 'vrrp.52'), 'vrrp.52 stays');
      assert.ok(await a.hasAddress('192.0.2.251', 'vrrp.52'));
      await r.stop();
      assert.equal(await vmacOf(a, 'vrrp.52'), undefined);
    }));
});

for (const impl of ['keepalived', 'keepalived-ts'] as const) {
  describe(`use_vmac: xmit_base, an existing VMAC, links; ${impl}`, { skip: NEEDS_ROOT }, () => {
    test('vmac_xmit_base: adverts from eth0 (its MAC), gratuitous ARPs from the VMAC', (t) =>
      withLab(t, {}, async (lab) => {
        const { a, dump, v } = await startPair(lab, 4);
        const r = await startRouter(
          a,
          impl,
          config(v, 100, '192.0.2.1', '192.0.2.2', ['use_vmac', 'vmac_xmit_base']),
        );
        await r.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 8000 });
        const ownMac = (await links(a)).find((l) => l.ifname === 'eth0')?.address ?? '?';
        await pollUntil(() => framesFrom(dump, ownMac, /VRRPv3, Advertisement/).length, {
          what: 'adverts from eth0',
          until: (n) => n >= 3,
        });
        assert.deepEqual(framesFrom(dump, VMAC[4], /VRRP/), [], 'no advert from the VMAC');
        await pollUntil(() => framesFrom(dump, VMAC[4], /Request who-has 192\.0\.2\.250/).length, {
          what: 'gratuitous ARPs from the VMAC',
          until: (n) => n >= 1,
        });
        await r.stop();
        assert.equal(await vmacOf(a), undefined);
      }));

    test('use_vmac NAME naming an existing private macvlan with the virtual MAC: taken over, deleted at stop', (t) =>
      withLab(t, {}, async (lab) => {
        const { a, v } = await startPair(lab, 4);
        await a.run('ip', [
          'link',
          'add',
          'link',
          'eth0',
          'name',
          'mine',
          'address',
          VMAC[4],
          'type',
          'macvlan',
          'mode',
          'private',
        ]);
        await a.run('ip', ['link', 'set', 'mine', 'up']);
        const before = (await vmacOf(a, 'mine'))?.ifindex;
        const r = await startRouter(a, impl, config(v, 100, '192.0.2.1', '192.0.2.2', ['use_vmac mine']));
        await r.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 8000 });
        assert.equal((await vmacOf(a, 'mine'))?.ifindex, before, 'the same interface');
        assert.equal(await vmacOf(a), undefined, 'no vrrp.51 made beside it');
        assert.ok(await a.hasAddress(VIP[4], 'mine'));
        await r.stop();
        assert.equal(await vmacOf(a, 'mine'), undefined);
      }));
    test('the VMAC set down is FAULT (VIP gone) and up again MASTER; with dont_track_primary eth0 down is not', (t) =>
      withLab(t, {}, async (lab) => {
        const { a, v } = await startPair(lab, 4);
        const r = await startRouter(a, impl, config(v, 100, '192.0.2.1', '192.0.2.2'));
        await r.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 8000 });
        const mark = r.proc.lineCount;
        await a.linkSet('down', `vrrp.${VRID}`);
        await r.proc.waitForLine('Entering FAULT STATE', { timeoutMs: 5000, since: mark });
        await pollUntil(() => a.hasAddress(VIP[4], `vrrp.${VRID}`), {
          what: 'the VIP removed',
          until: (x) => !x,
        });
        await a.linkSet('up', `vrrp.${VRID}`);
        await pollUntil(() => lastLoggedState(r), {
          what: 'MASTER again',
          until: (s) => s === 'MASTER',
          timeoutMs: 5000,
        });
        assert.ok(await a.hasAddress(VIP[4], `vrrp.${VRID}`));
        await r.stop();

        const d = await startRouter(
          a,
          impl,
          config(v, 100, '192.0.2.1', '192.0.2.2', ['use_vmac', 'dont_track_primary']),
          'dtp',
        );
        await d.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 8000 });
        await a.linkSet('down');
        await new Promise((res) => setTimeout(res, 1000));
        assert.equal(lastLoggedState(d), 'MASTER', 'dont_track_primary: no FAULT');
        assert.ok(await a.hasAddress(VIP[4], `vrrp.${VRID}`), 'the VIP stays on the VMAC');
        await a.linkSet('up');
        await d.stop();
        assert.equal(await vmacOf(a), undefined);
      }));
  });
}
