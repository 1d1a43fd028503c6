/**
 * vrrp_sync_group against keepalived 2.2.7. Router a (keepalived-ts, then keepalived on the
 * same config) runs VI_1 (VRID 51) and VI_2 (VRID 52) in group G at priority 100; router b is
 * the real keepalived at 90 with the same group. VI_2 alone tracks a file (weight 0): when it
 * faults, VI_1 must follow it into FAULT and b must take both VIPs; when it recovers, both come
 * back together and preempt. The notify FIFO lines (INSTANCE and GROUP, in order) and the
 * notify scripts' arguments (group notify_* and `notify` with "GROUP" G STATE 0) must equal
 * keepalived's for the same events, and so must the group's alert mails (smtp_alert in the
 * group) caught by a real SMTP server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Implementation, RefKeepalived } from '../../src/testing/keepalived-ref.js';
import { type LabNode, pollUntil, withLab } from '../../src/testing/netns-lab.js';
import { type CaughtMail, SmtpCatcher } from '../../src/testing/smtp-catcher.js';
import { startRouter } from '../../src/testing/vrrp-pair.js';

const VIPS = ['192.0.2.250', '192.0.2.251'];
const SETTLE_MS = 10_000;

const MAIL_ADDR = '192.0.2.25';

function config(opts: {
  priority: number;
  fifo?: string;
  notify?: string;
  trackFile?: string;
  mail?: boolean;
}): string {
  const n = opts.notify;
  const lines = ['global_defs {', '  vrrp_version 3', '  vrrp_garp_master_delay 0'];
  if (opts.fifo !== undefined) lines.push(`  vrrp_notify_fifo ${opts.fifo}`);
  if (opts.mail === true)
    lines.push(
      '  router_id LB_A',
      '  notification_email {',
      '    ops@example.org',
      '  }',
      '  notification_email_from keepalived@example.org',
      `  smtp_server ${MAIL_ADDR} 25`,
    );
  lines.push('}');
  if (opts.trackFile !== undefined) lines.push('track_file tf {', `  file ${opts.trackFile}`, '}');
  lines.push('vrrp_sync_group G {', '  group {', '    VI_1', '    VI_2', '  }');
  if (n !== undefined) {
    for (const s of ['master', 'backup', 'fault', 'stop']) lines.push(`  notify_${s} "${n} g${s}"`);
    lines.push(`  notify "${n} gall"`);
  }
  // Only the group mails (no global smtp_alert): one per group state change.
  if (opts.mail === true) lines.push('  smtp_alert');
  lines.push('}');
  VIPS.forEach((vip, i) => {
    lines.push(
      `vrrp_instance VI_${i + 1} {`,
      '  state BACKUP',
      '  interface eth0',
      `  virtual_router_id ${51 + i}`,
      `  priority ${opts.priority}`,
      '  advert_int 0.2',
      '  virtual_ipaddress {',
      `    ${vip}`,
      '  }',
    );
    if (n !== undefined) lines.push(`  notify "${n} iall"`);
    if (i === 1 && opts.trackFile !== undefined) lines.push('  track_file {', '    tf weight 0', '  }');
    lines.push('}');
  });
  return `${lines.join('\n')}\n`;
}

async function holdsAll(node: LabNode, all: boolean): Promise<boolean> {
  const have = await Promise.all(VIPS.map((v) => node.hasAddress(v)));
  return have.every((h) => h === all);
}

function waitVips(node: LabNode, all: boolean, what: string): Promise<unknown> {
  return pollUntil(() => holdsAll(node, all), { what, timeoutMs: SETTLE_MS, intervalMs: 20 });
}

function waitLine(r: RefKeepalived, text: string, since: number): Promise<unknown> {
  return r.proc.waitForLogLine(text, { timeoutMs: SETTLE_MS, since });
}

interface Run {
  readonly fifo: string[];
  readonly notified: string[];
  /** Subject lines and comparable bytes of the group mails a sent. */
  readonly mails: { readonly subject: string; readonly bytes: string }[];
}

/** Everything but the Date header. */
const comparable = (m: CaughtMail): string =>
  JSON.stringify({
    helo: m.helo,
    commands: m.commands,
    data: m.data.replace(/^Date: [^\r]*\r\n/, 'Date: *\r\n'),
  });

async function play(a: LabNode, b: LabNode, impl: Implementation, catcher: SmtpCatcher): Promise<Run> {
  const mailsBefore = catcher.mails().length;
  const fifo = a.path(`${impl}.fifo`);
  const tracked = a.path(`${impl}.track`);
  const notified = a.path(`${impl}.notified`);
  const notify = a.path(`${impl}-notify.sh`);
  writeFileSync(notify, `#!/bin/sh\necho "$@" >> ${notified}\n`);
  chmodSync(notify, 0o755);
  writeFileSync(notified, '');
  writeFileSync(tracked, '0\n');
  spawnSync('mkfifo', ['-m', '644', fifo]);
  const reader = a.spawn('cat', [fifo], { label: `reader-${impl}` });

  const ra = await startRouter(
    a,
    impl,
    config({ priority: 100, fifo, notify, trackFile: tracked, mail: true }),
    `${impl}-a`,
  );
  await waitVips(a, true, `${impl}: a holds both VIPs`);
  const rb = await startRouter(b, 'keepalived', config({ priority: 90 }), `peer-${impl}`);
  await waitLine(rb, '(VI_2) Entering BACKUP STATE', 0);

  // VI_2's tracked file goes non-zero: both members fault, b takes both VIPs.
  let mark = ra.proc.lineCount;
  writeFileSync(tracked, '1\n');
  await waitVips(b, true, `${impl}: b holds both VIPs after the fault`);
  assert.equal(await holdsAll(a, false), true, 'a released both VIPs');
  await waitLine(ra, 'VRRP_Group(G) Syncing instances to FAULT state', mark);

  // Recovered: both members come back, and preempt together.
  mark = ra.proc.lineCount;
  writeFileSync(tracked, '0\n');
  await waitVips(a, true, `${impl}: a holds both VIPs again`);
  await waitVips(b, false, `${impl}: b released both VIPs`);
  await waitLine(ra, 'VRRP_Group(G) Syncing instances to MASTER state', mark);

  // Group mails: BACKUP and MASTER at start, FAULT, BACKUP, MASTER (keepalived sends no STOP mail).
  await catcher.waitFor((m) => m.length - mailsBefore >= 5, {
    what: `${impl}: five group mails`,
  });
  await ra.stop();
  await pollUntil(() => reader.stdoutLines.some((l) => l.startsWith('GROUP "G" STOP')), {
    what: `${impl}: the group's STOP line`,
    timeoutMs: 3000,
    intervalMs: 20,
  });
  await rb.stop();
  await reader.stop();
  // Notify scripts run asynchronously: wait for the STOP ones, then compare as sets per line.
  await pollUntil(() => readFileSync(notified, 'utf8').includes('gall GROUP G STOP 0'), {
    what: `${impl}: the group's notify STOP`,
    timeoutMs: 3000,
    intervalMs: 20,
  });
  await new Promise((r) => setTimeout(r, 500));
  return {
    // A master hearing a lower priority writes MASTER_RX_LOWER_PRI (keepalived too): whether
    // b's last advert crosses a's first one at a preemption is a race, not behaviour.
    fifo: reader.stdoutLines.filter((l) => !l.includes(' MASTER_RX_LOWER_PRI ')),
    notified: readFileSync(notified, 'utf8').trim().split('\n'),
    mails: catcher
      .mails()
      .slice(mailsBefore)
      .map((m) => ({ subject: m.headers.get('subject') ?? '', bytes: comparable(m) })),
  };
}

test("a sync group moves both VIPs together; FIFO lines and notify arguments equal keepalived's", (t) =>
  withLab(t, {}, async (lab) => {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
    const b = await lab.addNode('b', { ipv4: '192.0.2.2/24' });
    const mailNode = await lab.addNode('mail', { ipv4: `${MAIL_ADDR}/24` });
    const catcher = await SmtpCatcher.start(mailNode, { address: MAIL_ADDR, file: lab.path('mails.jsonl') });
    const reference = await play(a, b, 'keepalived', catcher);
    const ours = await play(a, b, 'keepalived-ts', catcher);
    t.diagnostic(`keepalived mails: ${JSON.stringify(reference.mails.map((m) => m.subject))}`);
    t.diagnostic(`keepalived FIFO: ${JSON.stringify(reference.fifo)}`);
    t.diagnostic(`keepalived notify: ${JSON.stringify(reference.notified)}`);
    assert.ok(
      reference.fifo.some((l) => l === 'GROUP "G" FAULT 0'),
      'keepalived wrote the group FAULT line',
    );
    assert.deepEqual(ours.fifo, reference.fifo);
    assert.deepEqual([...ours.notified].sort(), [...reference.notified].sort());
    assert.deepEqual(
      reference.mails.map((m) => m.subject),
      [
        '[LB_A] VRRP Group G - Entering BACKUP state',
        '[LB_A] VRRP Group G - Entering MASTER state',
        '[LB_A] VRRP Group G - Entering FAULT state',
        '[LB_A] VRRP Group G - Entering BACKUP state',
        '[LB_A] VRRP Group G - Entering MASTER state',
      ],
    );
    assert.deepEqual(
      ours.mails.map((m) => m.bytes),
      reference.mails.map((m) => m.bytes),
      'the same group mails, byte for byte apart from Date',
    );
  }));

async function startFaulted(a: LabNode, impl: Implementation): Promise<string[]> {
  const fifo = a.path(`${impl}-init.fifo`);
  const tracked = a.path(`${impl}-init.track`);
  writeFileSync(tracked, '1\n');
  spawnSync('mkfifo', ['-m', '644', fifo]);
  const reader = a.spawn('cat', [fifo], { label: `reader-init-${impl}` });
  const ra = await startRouter(a, impl, config({ priority: 100, fifo, trackFile: tracked }), `${impl}-init`);
  await pollUntil(() => reader.stdoutLines.some((l) => l.startsWith('GROUP')), {
    what: `${impl}: a GROUP line`,
    timeoutMs: 5000,
    intervalMs: 20,
  });
  // Long enough for a master-down interval: nobody may leave FAULT.
  await new Promise((r) => setTimeout(r, 1500));
  await ra.stop();
  await pollUntil(() => reader.stdoutLines.some((l) => l.startsWith('GROUP "G" STOP')), {
    what: `${impl}: the group's STOP line`,
    timeoutMs: 3000,
    intervalMs: 20,
  });
  await reader.stop();
  return [...reader.stdoutLines];
}

test("a member down at start holds the group in FAULT; the FIFO lines equal keepalived's", (t) =>
  withLab(t, {}, async (lab) => {
    const a = await lab.addNode('a', { ipv4: '192.0.2.1/24' });
    const reference = await startFaulted(a, 'keepalived');
    const ours = await startFaulted(a, 'keepalived-ts');
    t.diagnostic(`keepalived FIFO: ${JSON.stringify(reference)}`);
    assert.ok(reference.includes('GROUP "G" FAULT 0'));
    assert.deepEqual(ours, reference);
  }));
