/**
 * keepalived's notify FIFO lines (vrrp_notify.c notify_fifo): `INSTANCE "VI_1" MASTER 100\n`,
 * `GROUP "G1" BACKUP 0\n`, and the events MASTER_RX_LOWER_PRI, MASTER_PRIORITY,
 * BACKUP_PRIORITY with the instance's effective priority. Pure.
 */
import type { NotifyEffect } from '../vrrp/ports.js';

export type FifoState =
  | 'MASTER'
  | 'BACKUP'
  | 'FAULT'
  | 'STOP'
  | 'DELETED'
  | 'MASTER_RX_LOWER_PRI'
  | 'MASTER_PRIORITY'
  | 'BACKUP_PRIORITY';

export function fifoLine(
  type: 'INSTANCE' | 'GROUP',
  name: string,
  state: FifoState,
  priority: number,
): string {
  return `${type} "${name}" ${state} ${priority}\n`;
}

/**
 * The line a notify effect writes: an instance's, or (notify-group) its sync group's, priority 0.
 * A split brain writes none (keepalived has no such line; readers must see only its lines).
 */
export function instanceFifoLine(name: string, effect: NotifyEffect): string | undefined {
  switch (effect.kind) {
    case 'notify':
      return fifoLine('INSTANCE', name, effect.state, effect.priority);
    case 'notify-event':
      return fifoLine('INSTANCE', name, 'MASTER_RX_LOWER_PRI', effect.priority);
    case 'notify-priority':
      return fifoLine(
        'INSTANCE',
        name,
        effect.state === 'MASTER' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY',
        effect.priority,
      );
    case 'notify-group':
      return fifoLine('GROUP', effect.group, effect.state, 0);
    case 'split-brain':
      return undefined;
  }
}
