/**
 * Garbage on the live socket: a neighbour sends thousands of malformed VRRP packets (random
 * bytes, and real adverts for our VRID with one byte changed) to the group and to the master,
 * over IPv4 and IPv6. The master keeps running and keeps the VIPs, never changes state, and
 * logs its drops rate-limited instead of once per packet.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPO_ROOT } from '../../src/testing/config-compare.js';
import { withLab } from '../../src/testing/netns-lab.js';
import { lastLoggedState, startRouter } from '../../src/testing/vrrp-pair.js';

const PACKETS = 3000;

/** Runs in the attacker's namespace: sends PACKETS malformed packets per family. */
const ATTACK = `
import { createRequire } from 'node:module';
import { randomBytes, randomInt } from 'node:crypto';
const s = createRequire('${REPO_ROOT}/x.js')('${REPO_ROOT}/build/Release/rawsock.node');
// A valid v2 advert for VRID 51 (priority 100, 1 VIP, PASS "s3cret") and a valid-shaped v3 one.
const v2 = Buffer.from('2133640101011ecac000 02fa 7333637265740000'.replace(/ /g, ''), 'hex');
const v3 = Buffer.concat([Buffer.from('3134640100140000', 'hex'), Buffer.alloc(16, 0x20)]);
let sent = 0, refused = 0;
for (const [family, group, unicast, sample] of [[4, '224.0.0.18', '192.0.2.1', v2], [6, 'ff02::12', '2001:db8::1', v3]]) {
  const fd = s.openRaw(family, 112, 'eth0');
  for (let i = 0; i < ${PACKETS}; i++) {
    let p;
    if (i % 2 === 0) p = randomBytes(randomInt(0, 120));
    else { p = Buffer.from(sample); p[randomInt(0, p.length)] ^= 1 << randomInt(0, 8); }
    try { s.send(fd, family, p, i % 3 === 0 ? unicast : group, 2); sent++; } catch { refused++; }
  }
  s.close(fd);
}
console.log(JSON.stringify({ sent, refused }));
`;

test('thousands of malformed packets: the master stays up, MASTER, with its VIPs, and logs little', (t) =>
  withLab(t, {}, async (lab) => {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24', ipv6: '2001:db8::1/64' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24', ipv6: '2001:db8::2/64' });
    const config = [
      'vrrp_instance V4 {',
      '  state MASTER',
      '  interface eth0',
      '  virtual_router_id 51',
      '  priority 200',
      '  advert_int 1',
      '  authentication {',
      '    auth_type PASS',
      '    auth_pass s3cret',
      '  }',
      '  virtual_ipaddress {',
      '    192.0.2.250',
      '  }',
      '}',
      'vrrp_instance V6 {',
      '  state MASTER',
      '  interface eth0',
      '  virtual_router_id 52',
      '  priority 200',
      '  version 3',
      '  advert_int 0.2',
      '  virtual_ipaddress {',
      '    2001:db8::250',
      '  }',
      '}',
      '',
    ].join('\n');
    const master = await startRouter(a, 'keepalived-ts', config);
    await master.proc.waitForLine('(V4) Entering MASTER STATE', { timeoutMs: 10_000 });
    await master.proc.waitForLine('(V6) Entering MASTER STATE', { timeoutMs: 10_000 });
    const before = master.proc.lineCount;

    const out = await b.run(process.execPath, ['--input-type=module', '-e', ATTACK], { timeoutMs: 60_000 });
    const { sent } = JSON.parse(out) as { sent: number };
    t.diagnostic(`attacker sent ${sent} packets`);
    assert.ok(sent > PACKETS, `only ${sent} packets could be sent`);
    // Let the daemon drain its socket buffers, then look.
    await new Promise((r) => setTimeout(r, 1500));

    assert.ok(master.proc.running, 'the daemon is still running');
    assert.equal(lastLoggedState(master), 'MASTER');
    const after = master.proc.lines.filter((l) => l.seq >= before);
    assert.deepEqual(
      after.filter((l) => l.text.includes('Entering')).map((l) => l.text),
      [],
      'no state change',
    );
    t.diagnostic(`${after.length} log lines for ${sent} packets`);
    assert.ok(after.length < 60, `${after.length} log lines: drops are not rate-limited`);
    assert.ok(await a.hasAddress('192.0.2.250'), 'the IPv4 VIP is still there');
    assert.ok(await a.hasAddress('2001:db8::250'), 'the IPv6 VIP is still there');
    // Still advertising: one more master-down interval passes without the daemon noticing.
    const since = master.proc.lineCount;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(master.proc.lines.filter((l) => l.seq >= since && l.text.includes('Entering')).length, 0);
    await master.stop();
  }));
