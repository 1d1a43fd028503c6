import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instanceNotifyCommands } from './instance-notify.js';

const scripts = {
  master: { args: ['/s/notify.sh', 'master', '192.0.2.250'] },
  backup: { args: ['/s/notify.sh', 'backup', '192.0.2.250'] },
  notify: { args: ['/s/all.sh'] },
  masterRxLowerPri: { args: ['/s/lower.sh'] },
  notifyDeleted: false,
};

test('state script first, then the generic notify with INSTANCE name state priority', () => {
  assert.deepEqual(
    instanceNotifyCommands('VI_1', scripts, { kind: 'notify', state: 'MASTER', priority: 100 }),
    [
      ['/s/notify.sh', 'master', '192.0.2.250'],
      ['/s/all.sh', 'INSTANCE', 'VI_1', 'MASTER', '100'],
    ],
  );
});

test('a state without its own script runs only the generic one; none configured runs nothing', () => {
  assert.deepEqual(
    instanceNotifyCommands('VI_1', scripts, { kind: 'notify', state: 'FAULT', priority: 80 }),
    [['/s/all.sh', 'INSTANCE', 'VI_1', 'FAULT', '80']],
  );
  assert.deepEqual(
    instanceNotifyCommands('VI_1', { notifyDeleted: false }, { kind: 'notify', state: 'STOP', priority: 0 }),
    [],
  );
});

test('notify_master_rx_lower_pri runs on its event only', () => {
  assert.deepEqual(
    instanceNotifyCommands('VI_1', scripts, {
      kind: 'notify-event',
      event: 'master-rx-lower-pri',
      priority: 100,
    }),
    [['/s/lower.sh']],
  );
});
