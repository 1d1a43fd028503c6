/**
 * Split brain (seed section 3): the switch drops everything between lb01 and lb02 (the heartbeat
 * line is cut; the client still reaches both), so both become MASTER and hold the VIP; then the
 * line heals and one MASTER remains.
 *
 * Whether the client finds the master again at once depends on who speaks first after the heal:
 * if lb02's advert reaches lb01 first, lb01 hears a lower priority and answers with an advert and
 * a burst of gratuitous ARPs (keepalived's garp_lower_prio_repeat), which moves the client's
 * neighbour entry back; if lb01's advert reaches lb02 first, keepalived's lb02 just steps down and
 * nobody re-announces: the client keeps sending to lb02's MAC until its ARP entry expires (tens
 * of seconds). keepalived-ts's lb02 sends one advert as it steps down, so lb01 re-announces in
 * that case too (README, deliberate differences; test/integration/vrrp-split-brain.test.ts).
 * The demo heals right after an advert of lb01, so lb02 speaks first, and says so.
 */
import type { LabProcess } from '../testing/netns-lab.js';
import type { StepSpec } from './timeline.js';
import { PAGE, VIP } from './types.js';
import {
  ARP_LOCKTIME_MS,
  GARP_MASTER_DELAY_MS,
  LOG,
  masterDownMs,
  PRIORITY,
  SLACK_MS,
} from './vrrp-times.js';

/** The seed's section 3.3 monitoring script, one round of its loop (it runs on the backup). */
export const SEED_SPLIT_BRAIN_CHECK = `if [ \`ip a show eth0 |grep ${VIP}|wc -l\` -ne 0 ]
then
    echo "keepalived is error!"
else
    echo "keepalived is OK !"
fi`;

export const splitBrain: StepSpec = {
  id: 'split-brain',
  title: 'split brain: VRRP between lb01 and lb02 dropped',
  failover: true,
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    // A new MASTER sends a second burst of gratuitous ARPs garp_master_delay (5 s) after the
    // first; lb01's, arriving in the middle of the split, would pull the client back and forth.
    const lb01MasterAt = ctx.demo.record.lastEntered('lb01', 'MASTER') ?? 0;
    const quietAt = lb01MasterAt + GARP_MASTER_DELAY_MS + 300;
    if (ctx.demo.now() < quietAt) {
      ctx.note("waiting for lb01's delayed gratuitous ARPs (garp_master_delay 5 s after it became MASTER)");
      await ctx.sleep(quietAt - ctx.demo.now());
    }
    const m2 = lb02.mark();
    const before = await ctx.lb02.machine.exec('bash', ['-c', SEED_SPLIT_BRAIN_CHECK]);
    ctx.note(`seed 3.3 check on lb02 before: ${before.stdout.trim()}`);
    await ctx.act('lab.partition(lb01, lb02): nft drop rules between their switch ports', () =>
      ctx.demo.lab.partition(lb01.node, lb02.node),
    );
    const master = await ctx.expectLog(
      lb02,
      'lb02 hears no more adverts and becomes MASTER',
      LOG.master,
      m2,
      masterDownMs(PRIORITY.lb02) + SLACK_MS,
    );
    if (master !== undefined && ctx.eventMs !== undefined) ctx.takeoverMs = master - ctx.eventMs;
    const s = ctx.demo.record.snapshot();
    ctx.check('SPLIT BRAIN: lb01 and lb02 are both MASTER', s.lb01 === 'MASTER' && s.lb02 === 'MASTER', {
      detail: `lb01 ${s.lb01}, lb02 ${s.lb02}`,
    });
    await ctx.expectVip(['lb01', 'lb02']);
    await ctx.expectNeighbour('lb02');
    await ctx.expectClient(PAGE.lb02);
    const after = await ctx.lb02.machine.exec('bash', ['-c', SEED_SPLIT_BRAIN_CHECK]);
    ctx.check('the seed\'s 3.3 check on lb02 says "keepalived is error!"', after.stdout.includes('error'), {
      detail: after.stdout.trim(),
    });
  },
};

export const splitBrainHealed: StepSpec = {
  id: 'heal',
  title: 'split brain healed',
  failover: true,
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    // lb01's adverts, as they leave its eth0 (the partition drops them at the switch).
    const adverts: LabProcess = lb01.node.spawn(
      'tcpdump',
      ['-l', '-n', '-i', 'eth0', '-Q', 'out', 'ip proto 112'],
      { label: 'tcpdump-lb01' },
    );
    try {
      const lb02MasterAt = ctx.demo.record.lastEntered('lb02', 'MASTER');
      const notBefore = (lb02MasterAt ?? 0) + ARP_LOCKTIME_MS + 200;
      if (ctx.demo.now() < notBefore) await ctx.sleep(notBefore - ctx.demo.now());
      const since = adverts.lineCount;
      const advert = await adverts.waitForLogLine(/> 224\.0\.0\.18: VRRP/, { since, timeoutMs: 3000 });
      const m1 = lb01.mark();
      const m2 = lb02.mark();
      const sinceAdvert = Math.round(performance.now() - advert.atMs);
      await ctx.act(`lab.heal(), ${sinceAdvert} ms after an advert of lb01 (lb02 speaks next)`, () =>
        ctx.demo.lab.heal(),
      );
      await ctx.expectLog(
        lb01,
        'lb01 hears lb02\'s lower priority and re-announces the VIP ("Received advert ... lower priority 90")',
        LOG.lowerPriorityFromLb02,
        m1,
        2000,
      );
      if (lb01.impl === 'keepalived-ts') {
        // keepalived has no such report; keepalived-ts logs the episode once (and would run
        // its --split-brain-notify script).
        await ctx.expectLog(
          lb01,
          'lb01 (keepalived-ts) reports the split brain: "(VI_1) Split brain: ... is also MASTER"',
          /\(VI_1\) Split brain: /,
          m1,
          2000,
        );
      }
      const backup = await ctx.expectLog(
        lb02,
        'lb02 hears priority 100 and steps down to BACKUP',
        LOG.backup,
        m2,
        2000,
      );
      if (backup !== undefined && ctx.eventMs !== undefined) ctx.takeoverMs = backup - ctx.eventMs;
      const s = ctx.demo.record.snapshot();
      ctx.check('one MASTER again: lb01', s.lb01 === 'MASTER' && s.lb02 === 'BACKUP', {
        detail: `lb01 ${s.lb01}, lb02 ${s.lb02}`,
      });
      await ctx.expectVip(['lb01']);
      await ctx.expectNeighbour('lb01', 3000);
      await ctx.expectClient(PAGE.lb01);
      const check = await ctx.lb02.machine.exec('bash', ['-c', SEED_SPLIT_BRAIN_CHECK]);
      ctx.check('the seed\'s 3.3 check on lb02 says "keepalived is OK !"', check.stdout.includes('OK'), {
        detail: check.stdout.trim(),
      });
    } finally {
      await adverts.stop({ signal: 'SIGKILL', timeoutMs: 2000 });
    }
  },
};
