import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fifoLine, instanceFifoLine } from './fifo-line.js';

test('keepalived\'s layout: TYPE "NAME" STATE PRIORITY', () => {
  assert.equal(
    instanceFifoLine('VI_1', { kind: 'notify', state: 'MASTER', priority: 100 }),
    'INSTANCE "VI_1" MASTER 100\n',
  );
  assert.equal(
    instanceFifoLine('VI_1', { kind: 'notify', state: 'STOP', priority: 0 }),
    'INSTANCE "VI_1" STOP 0\n',
  );
  assert.equal(
    instanceFifoLine('VI_1', { kind: 'notify-event', event: 'master-rx-lower-pri', priority: 254 }),
    'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 254\n',
  );
  assert.equal(
    instanceFifoLine('VI_1', { kind: 'notify-priority', state: 'BACKUP', priority: 80 }),
    'INSTANCE "VI_1" BACKUP_PRIORITY 80\n',
  );
  assert.equal(fifoLine('GROUP', 'G1', 'FAULT', 0), 'GROUP "G1" FAULT 0\n');
});
