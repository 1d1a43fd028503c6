/**
 * The VRRP worker keeps its rhythm while the main thread is busy: a master advertising every
 * 100 ms (VRRPv3; the bound is for 1 s) is sent SIGHUPs that make the main thread re-read a large configuration;
 * tcpdump on a second node sees no gap between adverts above 1.5 × advert_int, and the
 * master never leaves MASTER. (Measured here before the worker existed: a busy main loop
 * delayed a 10 ms timer by up to 10 ms.)
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { lastLoggedState, startRouter } from '../../src/testing/vrrp-pair.js';

const ADVERT_MS = 100;
const RELOADS = 12;

/** virtual_server blocks the VRRP side ignores but every reload must parse. */
function bulk(virtualServers: number): string {
  const out: string[] = [];
  for (let v = 0; v < virtualServers; v++) {
    out.push(
      `virtual_server 203.0.113.${(v % 250) + 1} ${8000 + v} {`,
      '  delay_loop 6',
      '  lb_algo wrr',
      '  lb_kind NAT',
      '  protocol TCP',
    );
    for (let r = 1; r <= 15; r++) {
      out.push(
        `  real_server 192.0.2.${r + 10} 80 {`,
        '    weight 1',
        '    TCP_CHECK {',
        '      connect_timeout 3',
        '    }',
        '  }',
      );
    }
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}

test('adverts keep their interval while the main thread re-reads a large config', (t) =>
  withLab(t, {}, async (lab) => {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
    const bulkFile = a.path('bulk.conf');
    writeFileSync(bulkFile, bulk(300));
    const config = [
      'vrrp_instance VI_1 {',
      '  state MASTER',
      '  interface eth0',
      '  virtual_router_id 51',
      '  priority 200',
      '  version 3',
      `  advert_int ${ADVERT_MS / 1000}`,
      '  virtual_ipaddress {',
      '    192.0.2.250',
      '  }',
      '}',
      `include ${bulkFile}`,
      '',
    ].join('\n');
    const master = await startRouter(a, 'keepalived-ts', config);
    await master.proc.waitForLine('Entering MASTER STATE', { timeoutMs: 5000 });
    const dump = b.spawn('tcpdump', ['-i', 'eth0', '-n', '-tt', '-l', '-Q', 'in', 'ip proto 112'], {
      label: 'tcpdump',
    });
    await dump.waitForLine('listening on', { timeoutMs: 5000 });
    const first = dump.lineCount;

    for (let i = 0; i < RELOADS; i++) {
      const since = master.proc.lineCount;
      master.proc.kill('SIGHUP');
      await master.proc.waitForLine('Reload complete', { since, timeoutMs: 10_000 });
    }
    const stamps = dump.lines
      .filter((l) => l.seq >= first && l.text.includes('VRRP'))
      .map((l) => Number(l.text.split(' ')[0]) * 1000);
    const gaps = stamps.slice(1).map((s, i) => s - (stamps[i] ?? s));
    const maxGap = Math.max(...gaps);
    t.diagnostic(`${stamps.length} adverts over ${RELOADS} reloads; largest gap ${maxGap.toFixed(1)} ms`);
    assert.ok(stamps.length > 15, `tcpdump saw ${stamps.length} adverts`);
    assert.ok(maxGap < 1.5 * ADVERT_MS, `largest gap between adverts ${maxGap.toFixed(1)} ms`);
    await pollUntil(() => lastLoggedState(master) === 'MASTER', { what: 'still MASTER', timeoutMs: 100 });
    assert.equal(
      master.proc.lines.filter((l) => l.text.includes('Entering')).length,
      2,
      'BACKUP (init) then MASTER, nothing else',
    );
    await master.stop();
  }));
