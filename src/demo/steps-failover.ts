/**
 * Failures of lb01 and its return: nginx dies (the seed's check_n.sh at work), lb01 comes back
 * and preempts, the both-BACKUP + nopreempt variant, keepalived killed hard, the link lost and
 * regained.
 */
import { bothBackupNopreempt, withoutNotifyBackup } from './lab-files.js';
import type { LoadBalancer } from './load-balancer.js';
import type { StepContext, StepSpec } from './timeline.js';
import { LB_ADDR, type LbName, PAGE } from './types.js';
import {
  ARP_LOCKTIME_MS,
  CHECK_INTERVAL_MS,
  GARP_MASTER_DELAY_MS,
  LOG,
  masterDownMs,
  PRIORITY,
  SLACK_MS,
  skewMs,
} from './vrrp-times.js';

/** The config lb01 runs from step 2 on (the seed's, less notify_backup). */
const lb01Config = (lb01: LoadBalancer): string => withoutNotifyBackup(lb01.seedConfig);

/**
 * Waits, if need be, so that lb01 (re)started now becomes MASTER (after its master-down timer)
 * at least a locktime after lb02's delayed burst of gratuitous ARPs (garp_master_delay after lb02
 * became MASTER). Otherwise the client's neighbour cache could take lb02's burst and then ignore
 * lb01's, and send to lb02's MAC after lb02 has given the VIP up.
 */
async function clearOfLb02Garps(ctx: StepContext): Promise<void> {
  const lb02Master = ctx.demo.record.lastEntered('lb02', 'MASTER');
  if (lb02Master === undefined || ctx.demo.record.stateOf('lb02') !== 'MASTER') return;
  const notBefore = lb02Master + GARP_MASTER_DELAY_MS + ARP_LOCKTIME_MS + 300 - masterDownMs(PRIORITY.lb01);
  const waitMs = notBefore - ctx.demo.now();
  if (waitMs <= 0) return;
  ctx.note(
    `waiting ${(waitMs / 1000).toFixed(1)} s: lb01 must not become MASTER just as lb02 re-sends its gratuitous ARPs`,
  );
  await ctx.sleep(waitMs);
}

/** Starts lb01's keepalived and waits until it has taken the VIP back (a step's preparation). */
async function lb01BackAsMaster(ctx: StepContext, what: string): Promise<void> {
  await clearOfLb02Garps(ctx);
  ctx.note(what);
  const m = ctx.lb01.mark();
  await ctx.lb01.startKeepalived();
  await ctx.expectLog(
    ctx.lb01,
    'lb01 is MASTER again',
    LOG.master,
    m,
    masterDownMs(PRIORITY.lb01) + SLACK_MS,
  );
  await ctx.expectClient(PAGE.lb01);
}

function setTakeover(ctx: StepContext, at: number | undefined): void {
  if (at !== undefined && ctx.eventMs !== undefined) ctx.takeoverMs = at - ctx.eventMs;
}

export const nginxDies: StepSpec = {
  id: 'nginx-dies',
  title: 'nginx dies on lb01',
  failover: true,
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    const m1 = lb01.mark();
    const m2 = lb02.mark();
    const s1 = lb01.systemctlCalls().length;
    const s2 = lb02.systemctlCalls().length;
    await ctx.act("lb01's nginx killed (kill -9 of its process group)", () => lb01.killNginx());
    await ctx.expect(
      'check_n.sh runs "systemctl stop keepalived" on lb01',
      () => ctx.systemctlCalled(lb01, s1, 'stop keepalived', 'check_n.sh'),
      CHECK_INTERVAL_MS + SLACK_MS,
    );
    await ctx.expectLog(
      lb01,
      'keepalived on lb01 stops (priority-0 advert, VIP released)',
      LOG.exited,
      m1,
      5000,
    );
    setTakeover(
      ctx,
      await ctx.expectLog(
        lb02,
        'lb02 becomes MASTER',
        LOG.master,
        m2,
        CHECK_INTERVAL_MS + skewMs(PRIORITY.lb02) + 2 * SLACK_MS,
      ),
    );
    await ctx.expect(
      'notify.sh master starts nginx on lb02 ("systemctl start nginx")',
      () => ctx.systemctlCalled(lb02, s2, 'start nginx', 'notify.sh master'),
      2000,
    );
    await ctx.expectVip(['lb02']);
    await ctx.expectClient(PAGE.lb02);
  },
};

export const lb01Returns: StepSpec = {
  id: 'lb01-returns',
  title: 'nginx and keepalived restarted on lb01',
  failover: true,
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    await clearOfLb02Garps(ctx);
    const m1 = lb01.mark();
    const m2 = lb02.mark();
    ctx.event('systemctl start nginx; systemctl start keepalived (on lb01)');
    await lb01.startNginx();
    await lb01.startKeepalived();
    setTakeover(
      ctx,
      await ctx.expectLog(
        lb01,
        'lb01 (priority 100) preempts lb02 (90) after its master-down timer',
        LOG.master,
        m1,
        masterDownMs(PRIORITY.lb01) + SLACK_MS,
      ),
    );
    await ctx.expectLog(
      lb02,
      "lb02 steps down to BACKUP (its nopreempt doesn't stop a higher priority)",
      LOG.backup,
      m2,
      2000,
    );
    await ctx.expectVip(['lb01']);
    await ctx.expectClient(PAGE.lb01);
  },
};

export const nopreemptVariant: StepSpec = {
  id: 'nopreempt',
  title: 'variant: both BACKUP + nopreempt, lb01 restarted',
  failover: true,
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    let m2 = lb02.mark();
    ctx.note('systemctl stop keepalived (on lb01)');
    await lb01.stopKeepalived();
    await ctx.expectLog(lb02, 'lb02 is MASTER', LOG.master, m2, skewMs(PRIORITY.lb02) + SLACK_MS);
    await ctx.expectClient(PAGE.lb02);
    lb01.writeConfig(bothBackupNopreempt(lb01Config(lb01)));
    ctx.note('lb01\'s config: "state MASTER" becomes "state BACKUP" + "nopreempt" (lb02 has both already)');
    const m1 = lb01.mark();
    m2 = lb02.mark();
    ctx.event('systemctl start keepalived (on lb01, state BACKUP + nopreempt)');
    await lb01.startKeepalived();
    await ctx.expectLog(lb01, 'lb01 enters BACKUP', LOG.backup, m1, 3000);
    const holdMs = masterDownMs(PRIORITY.lb01) + SLACK_MS;
    await ctx.sleep(holdMs);
    const lb01Lines = lb01.logSince(m1);
    ctx.check(
      'lb01 stays BACKUP past its master-down timer (nopreempt: it accepts the lower priority master)',
      !lb01Lines.some((l) => LOG.master.test(l)),
      { detail: `watched ${(holdMs / 1000).toFixed(1)} s` },
    );
    ctx.check(
      'lb02 stays MASTER',
      ctx.demo.record.stateOf('lb02') === 'MASTER' && !lb02.logSince(m2).some((l) => LOG.backup.test(l)),
    );
    await ctx.expectVip(['lb02']);
    await ctx.expectClient(PAGE.lb02);
  },
};

export const keepalivedKilled: StepSpec = {
  id: 'sigkill',
  title: 'keepalived on lb01 killed hard (SIGKILL)',
  failover: true,
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    lb01.writeConfig(lb01Config(lb01));
    await lb01.stopKeepalived();
    await lb01BackAsMaster(ctx, 'lb01 back on its preempting config: systemctl restart keepalived (on lb01)');
    const m1 = lb01.mark();
    const m2 = lb02.mark();
    await ctx.act('kill -9 of keepalived on lb01 (pids from its pid files): no priority-0 advert', () =>
      lb01.killKeepalived(),
    );
    await ctx.expectLog(lb01, 'keepalived on lb01 is gone', LOG.exited, m1, 5000);
    const master = await ctx.expectLog(
      lb02,
      'lb02 becomes MASTER when its master-down timer expires',
      LOG.master,
      m2,
      masterDownMs(PRIORITY.lb02) + SLACK_MS,
    );
    setTakeover(ctx, master);
    if (master !== undefined && ctx.eventMs !== undefined) {
      ctx.check(
        `lb02 waited for its master-down timer (3 × advert_int + skew = ${(masterDownMs(PRIORITY.lb02) / 1000).toFixed(2)} s)`,
        master - ctx.eventMs >= masterDownMs(PRIORITY.lb02) - ADVERT_JITTER_MS,
        { detail: `+${((master - ctx.eventMs) / 1000).toFixed(2)} s` },
      );
    }
    await ctx.expectVip(['lb01', 'lb02']);
    ctx.note("nobody removed the VIP from lb01: a killed keepalived leaves it (and lb01's nginx) behind");
    await ctx.expectNeighbour('lb02');
    await ctx.expectClient(PAGE.lb02);
  },
};

/** The last advert before a kill can be up to one interval old: lb02 may time out that much earlier. */
const ADVERT_JITTER_MS = 1000;

/** The smtp_alert "Entering MASTER state" mails the lab's SMTP server has from `lb`. */
function masterMailsFrom(ctx: StepContext, lb: LbName): number {
  return ctx.demo.catcher
    .mails()
    .filter((m) => m.peer === LB_ADDR[lb] && (m.headers.get('subject') ?? '').includes('Entering MASTER'))
    .length;
}

/** Waits (up to 3 s) for one more MASTER mail from `lb` than `before`, when `lb` sends any. */
async function waitForMasterMail(ctx: StepContext, lb: LbName, before: number): Promise<void> {
  const until = ctx.demo.now() + 3000;
  while (masterMailsFrom(ctx, lb) <= before && ctx.demo.now() < until) await ctx.sleep(50);
}

export const linkDown: StepSpec = {
  id: 'link-down',
  title: "lb01's link goes down",
  failover: true,
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    const m0 = lb01.mark();
    const mailsBefore = masterMailsFrom(ctx, 'lb01');
    await lb01BackAsMaster(ctx, 'systemctl start keepalived (on lb01)');
    ctx.check(
      'the restarted keepalived removed the stale VIP first ("removing VIPs")',
      lb01.logSince(m0).some((l) => LOG.removingVips.test(l)),
    );
    // lb01's "Entering MASTER state" mail leaves through eth0: pulling the link while it is on
    // its way would lose it (keepalived's too), and the mails step counts one per MASTER entry.
    await waitForMasterMail(ctx, 'lb01', mailsBefore);
    const m1 = lb01.mark();
    const m2 = lb02.mark();
    await ctx.act('ip link set eth0 down (on lb01)', () => lb01.node.linkSet('down'));
    ctx.demo.record.link('lb01', ctx.eventMs ?? ctx.demo.now(), false);
    await ctx.expectLog(lb01, 'lb01 enters FAULT (its interface is down)', LOG.fault, m1, 2000);
    setTakeover(
      ctx,
      await ctx.expectLog(
        lb02,
        'lb02 becomes MASTER when its master-down timer expires',
        LOG.master,
        m2,
        masterDownMs(PRIORITY.lb02) + SLACK_MS,
      ),
    );
    await ctx.expectVip(['lb02']);
    await ctx.expectClient(PAGE.lb02);
  },
};

export const linkUp: StepSpec = {
  id: 'link-up',
  title: "lb01's link comes back",
  failover: true,
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    await clearOfLb02Garps(ctx);
    const m1 = lb01.mark();
    const m2 = lb02.mark();
    await ctx.act('ip link set eth0 up (on lb01)', () => lb01.node.linkSet('up'));
    ctx.demo.record.link('lb01', ctx.eventMs ?? ctx.demo.now(), true);
    await ctx.expectLog(lb01, 'lb01 leaves FAULT for BACKUP', LOG.backup, m1, 3000);
    setTakeover(
      ctx,
      await ctx.expectLog(
        lb01,
        'lb01 preempts lb02 again',
        LOG.master,
        m1,
        masterDownMs(PRIORITY.lb01) + SLACK_MS + 1000,
      ),
    );
    await ctx.expectLog(lb02, 'lb02 steps down to BACKUP', LOG.backup, m2, 3000);
    await ctx.expectVip(['lb01']);
    await ctx.expectNeighbour('lb01');
    await ctx.expectClient(PAGE.lb01);
  },
};
