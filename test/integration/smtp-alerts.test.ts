/**
 * E-mail alerts against keepalived 2.2.7 and a real SMTP server (aiosmtpd, in its own
 * namespace): two pairs run side by side on one segment, one of keepalived, one of
 * keepalived-ts, with the same smtp_alert config and router_ids. Each pair starts (both BACKUP,
 * then the higher priority MASTER), then its master stops (the other takes over). The mails
 * each implementation's routers send, the SMTP commands and the message bytes, must be the
 * same; only the Date header may differ.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Implementation, RefKeepalived } from '../../src/testing/keepalived-ref.js';
import { withLab } from '../../src/testing/netns-lab.js';
import { type CaughtMail, SmtpCatcher } from '../../src/testing/smtp-catcher.js';
import {
  type PairVariant,
  pairConfig,
  startRouter,
  v3Ipv4,
  waitSettled,
} from '../../src/testing/vrrp-pair.js';

const V: PairVariant = v3Ipv4(0.2);
const MAIL_ADDR = '192.0.2.25';

interface PairNodes {
  readonly impl: Implementation;
  readonly vrid: number;
  readonly vip: string;
  readonly high: string;
  readonly low: string;
}
const PAIRS: readonly PairNodes[] = [
  { impl: 'keepalived', vrid: 51, vip: '192.0.2.250/24', high: '192.0.2.1', low: '192.0.2.2' },
  { impl: 'keepalived-ts', vrid: 52, vip: '192.0.2.251/24', high: '192.0.2.3', low: '192.0.2.4' },
];

function config(p: PairNodes, role: 'high' | 'low'): string {
  const self = p[role];
  const peer = p[role === 'high' ? 'low' : 'high'];
  const global = [
    'global_defs {',
    `  router_id LB_${role.toUpperCase()}`,
    '  notification_email {',
    '    ops@example.org',
    '    noc@example.org',
    '  }',
    '  notification_email_from keepalived@example.org',
    `  smtp_server ${MAIL_ADDR} 25`,
    '  smtp_connect_timeout 5',
    '  smtp_alert',
  ].join('\n');
  return pairConfig(V, {
    priority: role === 'high' ? 100 : 90,
    self,
    peer,
    vip: p.vip,
    vrid: p.vrid,
  }).replace('global_defs {', global);
}

/** What must match between the implementations: everything but the Date header. */
const comparable = (m: CaughtMail): string =>
  JSON.stringify({
    helo: m.helo,
    commands: m.commands,
    data: m.data.replace(/^Date: [^\r]*\r\n/, 'Date: *\r\n'),
  });

test('alert mails: keepalived-ts sends what keepalived 2.2.7 sends, to a real SMTP server', async (t) => {
  await withLab(t, { name: 'smtp-alerts' }, async (lab) => {
    const mailNode = await lab.addNode('mail', { ipv4: `${MAIL_ADDR}/24` });
    const catcher = await SmtpCatcher.start(mailNode, { address: MAIL_ADDR, file: lab.path('mails.jsonl') });
    const nodes = new Map<string, string>();
    const routers: { p: PairNodes; high: RefKeepalived; low: RefKeepalived }[] = [];
    for (const [i, p] of PAIRS.entries()) {
      const h = await lab.addNode(`h${i}`, { ipv4: `${p.high}/24` });
      const l = await lab.addNode(`l${i}`, { ipv4: `${p.low}/24` });
      nodes.set(p.high, `${p.impl} high`);
      nodes.set(p.low, `${p.impl} low`);
      const high = await startRouter(h, p.impl, config(p, 'high'));
      const low = await startRouter(l, p.impl, config(p, 'low'));
      routers.push({ p, high, low });
    }
    for (const r of routers) await waitSettled(r.high, r.low, 10_000);
    const subjects = (mails: readonly CaughtMail[], addr: string): string[] =>
      mails.filter((m) => m.peer === addr).map((m) => m.headers.get('subject') ?? '');
    // Start: both enter BACKUP, the higher priority then MASTER.
    await catcher.waitFor(
      (m) => PAIRS.every((p) => subjects(m, p.high).length === 2 && subjects(m, p.low).length === 1),
      {
        what: 'the start mails of both pairs',
      },
    );
    for (const r of routers) await r.high.stop();
    await catcher.waitFor((m) => PAIRS.every((p) => subjects(m, p.low).length === 2), {
      what: 'the takeover mails of both pairs',
    });
    for (const r of routers) await r.low.stop();
    // keepalived's "Stopping" mail never arrives (it exits first); give one a chance to show up.
    await new Promise((r) => setTimeout(r, 1000));
    const mails = catcher.mails();
    t.diagnostic(mails.map((m) => `${nodes.get(m.peer)}: ${m.headers.get('subject')}`).join('\n'));

    for (const p of PAIRS) {
      assert.deepEqual(subjects(mails, p.high), [
        '[LB_HIGH] VRRP Instance VI_1 - Entering BACKUP state',
        '[LB_HIGH] VRRP Instance VI_1 - Entering MASTER state',
      ]);
      assert.deepEqual(subjects(mails, p.low), [
        '[LB_LOW] VRRP Instance VI_1 - Entering BACKUP state',
        '[LB_LOW] VRRP Instance VI_1 - Entering MASTER state',
      ]);
    }
    const [ka, ts] = PAIRS.map((p) =>
      ['high', 'low'].flatMap((role) =>
        mails.filter((m) => m.peer === p[role as 'high' | 'low']).map(comparable),
      ),
    );
    assert.deepEqual(ts, ka, 'the same mails, byte for byte apart from Date');

    const first = mails.find((m) => m.peer === PAIRS[1]?.high);
    assert.ok(first);
    assert.deepEqual(first.commands, [
      `HELO ${first.helo}`,
      'MAIL FROM:<keepalived@example.org>',
      'RCPT TO:<ops@example.org>',
      'RCPT TO:<noc@example.org>',
      'DATA',
      'QUIT',
    ]);
    assert.deepEqual(
      [...first.headers.keys()],
      ['date', 'from', 'subject', 'x-mailer', 'to'],
      "keepalived's headers, in its order",
    );
    assert.match(
      first.headers.get('date') ?? '',
      /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/,
    );
    assert.equal(first.headers.get('to'), 'ops@example.org, noc@example.org');
    assert.equal(first.body, '=> VRRP Instance is no longer owning VRRP VIPs <=\r\n');
    // The process that sent it logged the success line (-D).
    const ts0 = routers[1]?.high;
    assert.ok(ts0?.proc.lines.some((l) => l.text.endsWith('SMTP alert successfully sent.')));
  });
});
