/**
 * The first two steps: the seed's pair started exactly as written (and why lb01 stops itself
 * under keepalived 2.x), then started with the demo's one fix, so lb01 is MASTER and the client
 * gets "master".
 */
import { withoutNotifyBackup } from './lab-files.js';
import type { StepContext, StepSpec } from './timeline.js';
import { LB_ADDR, PAGE } from './types.js';
import { CHECK_INTERVAL_MS, LOG, masterDownMs, PRIORITY, SLACK_MS } from './vrrp-times.js';

/** Both nginx up, each answering its own page on its own address. */
async function startBothNginx(ctx: StepContext): Promise<void> {
  await Promise.all([ctx.lb01.startNginx(), ctx.lb02.startNginx()]);
  const a = await ctx.demo.curl(`http://${LB_ADDR.lb01}/`);
  const b = await ctx.demo.curl(`http://${LB_ADDR.lb02}/`);
  ctx.check('nginx answers on lb01 and lb02 (systemctl start nginx)', a === PAGE.lb01 && b === PAGE.lb02, {
    detail: `lb01 "${a ?? 'no answer'}", lb02 "${b ?? 'no answer'}"`,
  });
}

export const seedAsWritten: StepSpec = {
  id: 'seed-as-written',
  title: 'start: the seed as written',
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    await startBothNginx(ctx);
    const m1 = lb01.mark();
    const m2 = lb02.mark();
    const s1 = lb01.systemctlCalls().length;
    ctx.event('keepalived started on lb01 and lb02 (systemctl start keepalived)');
    await Promise.all([lb01.startKeepalived(), lb02.startKeepalived()]);
    await ctx.expectLog(
      lb01,
      'lb01 enters BACKUP first, although its config says state MASTER',
      LOG.backup,
      m1,
      3000,
    );
    await ctx.expect(
      'notify.sh backup stops lb01\'s own nginx ("systemctl stop nginx")',
      () => ctx.systemctlCalled(lb01, s1, 'stop nginx', 'notify.sh backup'),
      3000,
    );
    await ctx.expect(
      'check_n.sh finds no nginx and runs "systemctl stop keepalived" on lb01',
      () => ctx.systemctlCalled(lb01, s1, 'stop keepalived', 'check_n.sh'),
      CHECK_INTERVAL_MS + SLACK_MS + 1000,
    );
    await ctx.expectLog(lb01, 'keepalived on lb01 has stopped', LOG.exited, m1, 5000);
    ctx.takeoverMs = undefined;
    const master = await ctx.expectLog(
      lb02,
      'lb02 becomes MASTER (it never hears lb01)',
      LOG.master,
      m2,
      masterDownMs(PRIORITY.lb02) + SLACK_MS + 1000,
    );
    if (master !== undefined && ctx.eventMs !== undefined) ctx.takeoverMs = master - ctx.eventMs;
    await ctx.expectVip(['lb02']);
    await ctx.expectClient(PAGE.lb02);
    ctx.note(
      [
        'Why: keepalived 2.x starts an instance that does not own the address in BACKUP even with',
        '`state MASTER` (MASTER only after its master-down timer, 3.6 s here). The seed runs notify.sh',
        'backup on every BACKUP entry, which stops nginx; check_n.sh (every second) then finds no nginx',
        'and stops keepalived. So the seed pair cannot start with lb01 as MASTER under keepalived 2.2.7.',
      ].join('\n'),
    );
  },
};

export const startWithFix: StepSpec = {
  id: 'start',
  title: "start: lb01 without notify_backup (the demo's one fix)",
  async run(ctx) {
    const { lb01, lb02 } = ctx;
    // A clean slate: lb01 stopped itself in the step before; lb02 goes too.
    await lb02.stopKeepalived();
    await lb02.stopNginx();
    ctx.note('a clean start: systemctl stop keepalived; systemctl stop nginx (on lb02)');
    lb01.writeConfig(withoutNotifyBackup(lb01.seedConfig));
    ctx.note(
      [
        'lb01\'s keepalived.conf loses one line: notify_backup ".../notify.sh backup 192.0.2.250"',
        '(lb01, whose check_n.sh stops keepalived without nginx, must not stop its own nginx;',
        "lb02 keeps the seed's behaviour: its nginx runs only while it is MASTER)",
      ].join('\n'),
    );
    await startBothNginx(ctx);
    const m1 = lb01.mark();
    ctx.event('keepalived started on lb01 (systemctl start keepalived)');
    await lb01.startKeepalived();
    const master = await ctx.expectLog(
      lb01,
      'lb01 becomes MASTER after its master-down timer (nobody else on the link)',
      LOG.master,
      m1,
      masterDownMs(PRIORITY.lb01) + SLACK_MS,
    );
    if (master !== undefined && ctx.eventMs !== undefined) ctx.takeoverMs = master - ctx.eventMs;
    // lb02 after lb01 is MASTER: started together, both master-down timers (3.61 s, 3.65 s) race.
    const m2 = lb02.mark();
    const s2 = lb02.systemctlCalls().length;
    ctx.note('keepalived started on lb02 (systemctl start keepalived)');
    await lb02.startKeepalived();
    await ctx.expectLog(lb02, 'lb02 enters BACKUP and stays there (it hears lb01)', LOG.backup, m2, 3000);
    await ctx.expectVip(['lb01']);
    await ctx.expectClient(PAGE.lb01);
    await ctx.expect(
      'notify.sh backup stopped lb02\'s nginx ("systemctl stop nginx")',
      () => ctx.systemctlCalled(lb02, s2, 'stop nginx', 'notify.sh backup'),
      2000,
    );
    ctx.check('lb02 is BACKUP, lb01 MASTER', ctx.demo.record.stateOf('lb02') === 'BACKUP', {
      detail: `lb01 ${ctx.demo.record.stateOf('lb01')}, lb02 ${ctx.demo.record.stateOf('lb02')}`,
    });
  },
};
