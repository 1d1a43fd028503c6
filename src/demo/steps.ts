/**
 * The demo's timeline, in order. Each step leaves the pair in the state the next one starts from.
 */
import { readOutbox } from './mails.js';
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
import { VIP } from './types.js';

/** The seed's notify.sh mails on every MASTER entry: subject "<VIP>'s server keepalived state is translate". */
export const mailsSent: StepSpec = {
  id: 'mails',
  title: 'the mails that were sent',
  async run(ctx) {
    const mails = readOutbox(ctx.lb01.layout.mailDir, ctx.demo.record.wallOriginMs);
    for (const m of mails) {
      const at = m.atMs === undefined ? '' : `at ${(m.atMs / 1000).toFixed(2)} s  `;
      ctx.note(`${at}From: ${m.from}  To: ${m.to}\nSubject: ${m.subject}\n${m.body}`);
    }
    const fromHost = (h: string): number => mails.filter((m) => m.from === `root@${h}`).length;
    ctx.check('both nodes mailed on becoming MASTER', fromHost('lb01') > 0 && fromHost('lb02') > 0, {
      detail: `${mails.length} mails: ${fromHost('lb01')} from lb01, ${fromHost('lb02')} from lb02`,
    });
    ctx.check(
      `every subject is the seed's "${VIP}'s server keepalived state is translate"`,
      mails.length > 0 && mails.every((m) => m.subject === `${VIP}'s server keepalived state is translate`),
    );
    ctx.check(
      'every body names the host that changed to master',
      mails.every((m) => m.body.endsWith(`${m.from.replace(/^root@/, '')}'s state change to master`)),
    );
  },
};

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
