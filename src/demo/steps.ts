/**
 * The demo's timeline, in order. Each step leaves the pair in the state the next one starts from.
 */
import { alertMail, readOutbox } from './mails.js';
import {
  keepalivedKilled,
  lb01Returns,
  linkDown,
  linkUp,
  nginxDies,
  nopreemptVariant,
} from './steps-failover.js';
import { splitBrain, splitBrainHealed } from './steps-split-brain.js';
import { seedAsWritten, startWithFix } from './steps-start.js';
import type { StepSpec } from './timeline.js';
import { ALERT_RCPT, LB_NODES, type LbName, MAIL_ADDR, type Mail, VIP } from './types.js';

/**
 * Two kinds of mail. The seed's notify.sh mails on every MASTER entry (subject "<VIP>'s server
 * keepalived state is translate") through the lab's `mail` stand-in. The daemons' own alerts
 * (smtp_alert, pointed at the lab's SMTP server) arrive over SMTP: one per state entered, in
 * keepalived's format, from whichever implementation runs on the node.
 */
export const mailsSent: StepSpec = {
  id: 'mails',
  title: 'the mails that were sent',
  async run(ctx) {
    const origin = ctx.demo.record.wallOriginMs;
    const masterEntries = (n: LbName): number =>
      ctx.demo.record.states.filter((s) => s.node === n && s.state === 'MASTER').length;
    const alertsOf = (mails: readonly Mail[], n: LbName, state: string): number =>
      mails.filter((m) => m.node === n && m.subject.endsWith(`Entering ${state} state`)).length;
    // The last state change may be a moment ago: its mail can still be on its way.
    let alerts: Mail[] = [];
    const deadline = performance.now() + ALERT_WAIT_MS;
    do {
      alerts = ctx.demo.catcher.mails().map((m) => alertMail(m, origin));
      if (LB_NODES.every((n) => alertsOf(alerts, n, 'MASTER') >= masterEntries(n))) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (performance.now() < deadline);
    const outbox = readOutbox(ctx.lb01.layout.mailDir, origin);
    const at = (m: Mail): string => (m.atMs === undefined ? '' : `at ${(m.atMs / 1000).toFixed(2)} s  `);

    ctx.note(`notify.sh (the seed's script, through the lab's mail stand-in): ${outbox.length} mails`);
    for (const m of outbox)
      ctx.note(`${at(m)}From: ${m.from}  To: ${m.to}\nSubject: ${m.subject}\n${m.body}`);
    const fromHost = (h: string): number => outbox.filter((m) => m.from === `root@${h}`).length;
    ctx.check(
      'notify.sh: both nodes mailed on becoming MASTER',
      fromHost('lb01') > 0 && fromHost('lb02') > 0,
      {
        detail: `${outbox.length} mails: ${fromHost('lb01')} from lb01, ${fromHost('lb02')} from lb02`,
      },
    );
    ctx.check(
      `notify.sh: every subject is the seed's "${VIP}'s server keepalived state is translate"`,
      outbox.length > 0 && outbox.every((m) => m.subject === `${VIP}'s server keepalived state is translate`),
    );
    ctx.check(
      'notify.sh: every body names the host that changed to master',
      outbox.every((m) => m.body.endsWith(`${m.from.replace(/^root@/, '')}'s state change to master`)),
    );

    const impls = ctx.demo.setup.impls;
    ctx.note(
      `smtp_alert (the daemons' own alerts, caught by the lab's SMTP server at ${MAIL_ADDR}): ${alerts.length} mails`,
    );
    for (const m of alerts)
      ctx.note(
        `${at(m)}${m.node ?? '?'} (${m.node === undefined ? '?' : impls[m.node]})  From: ${m.from}  To: ${m.to}\nSubject: ${m.subject}\n${m.body}`,
      );
    for (const n of LB_NODES) {
      ctx.check(
        `smtp_alert: ${n} (${impls[n]}) mailed each of its ${masterEntries(n)} MASTER entries`,
        alertsOf(alerts, n, 'MASTER') === masterEntries(n),
        {
          detail: `${alertsOf(alerts, n, 'MASTER')} MASTER mails, ${alertsOf(alerts, n, 'BACKUP')} BACKUP, ${alertsOf(alerts, n, 'FAULT')} FAULT`,
        },
      );
    }
    const bad = alerts.filter((m) => !isKeepalivedAlert(m));
    ctx.check("smtp_alert: every mail is in keepalived's format", alerts.length > 0 && bad.length === 0, {
      ...(bad[0] === undefined ? {} : { detail: `e.g. ${bad[0].subject} / ${bad[0].body}` }),
    });
  },
};

/** How long the mails step waits for alert mails still on their way. */
const ALERT_WAIT_MS = 3000;

const ALERT_BODY: Readonly<Record<string, string>> = {
  MASTER: '=> VRRP Instance is now owning VRRP VIPs <=',
  BACKUP: '=> VRRP Instance is no longer owning VRRP VIPs <=',
  FAULT: '=> VRRP Instance is no longer owning VRRP VIPs <=',
};

/** Subject "[router_id] VRRP Instance VI_1 - Entering X state", its body, sender and recipient as configured. */
function isKeepalivedAlert(m: Mail): boolean {
  const s = /^\[(lb0[12])\] VRRP Instance VI_1 - Entering (MASTER|BACKUP|FAULT) state$/.exec(m.subject);
  return (
    s !== null &&
    s[1] === m.node &&
    m.body === ALERT_BODY[s[2] ?? ''] &&
    m.from === `keepalived@${m.node}.example.org` &&
    m.to === ALERT_RCPT
  );
}

export const TIMELINE: readonly StepSpec[] = [
  seedAsWritten,
  startWithFix,
  nginxDies,
  lb01Returns,
  nopreemptVariant,
  keepalivedKilled,
  linkDown,
  linkUp,
  splitBrain,
  splitBrainHealed,
  mailsSent,
];
