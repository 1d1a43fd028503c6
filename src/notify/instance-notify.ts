/**
 * Which commands a VRRP instance's state change runs, with keepalived's arguments
 * (vrrp_notify.c send_instance_notifies): first the state's own script (notify_master,
 * notify_backup, notify_fault, notify_stop, notify_deleted), then the generic `notify` script with
 * "INSTANCE" NAME STATE PRIORITY appended; notify_master_rx_lower_pri alone on that event.
 * Pure: the daemon runs the argv lists it returns.
 */
import type { ScriptCommand } from '../config/model/global.js';
import type { VrrpNotifyScripts } from '../config/model/vrrp-instance.js';
import type { NotifyEffect } from '../vrrp/ports.js';

const STATE_SCRIPT = {
  MASTER: 'master',
  BACKUP: 'backup',
  FAULT: 'fault',
  STOP: 'stop',
  DELETED: 'deleted',
} as const;

export interface NotifyRun {
  /** The configured script (its `user [group]` included). */
  readonly script: ScriptCommand;
  /** Its words with keepalived's arguments appended. */
  readonly args: readonly string[];
}

/** The scripts a state change runs, in keepalived's order. */
export function instanceNotifyRuns(
  name: string,
  scripts: VrrpNotifyScripts,
  effect: NotifyEffect,
): NotifyRun[] {
  const run = (s: ScriptCommand | undefined, extra: readonly string[] = []): NotifyRun[] =>
    s === undefined ? [] : [{ script: s, args: [...s.args, ...extra] }];
  switch (effect.kind) {
    case 'notify':
      return [
        ...run(scripts[STATE_SCRIPT[effect.state]]),
        ...run(scripts.notify, ['INSTANCE', name, effect.state, String(effect.priority)]),
      ];
    case 'notify-event':
      return run(scripts.masterRxLowerPri);
    case 'notify-priority':
    case 'notify-group':
    case 'split-brain':
      return [];
  }
}

/** The argv lists of instanceNotifyRuns. */
export function instanceNotifyCommands(
  name: string,
  scripts: VrrpNotifyScripts,
  effect: NotifyEffect,
): string[][] {
  return instanceNotifyRuns(name, scripts, effect).map((r) => [...r.args]);
}

/** A vrrp_sync_group's notify scripts (the model's SyncGroupConfig has these fields). */
export interface GroupNotifyScripts {
  readonly notifyMaster?: ScriptCommand;
  readonly notifyBackup?: ScriptCommand;
  readonly notifyFault?: ScriptCommand;
  readonly notifyStop?: ScriptCommand;
  readonly notify?: ScriptCommand;
}

const GROUP_SCRIPT = {
  MASTER: 'notifyMaster',
  BACKUP: 'notifyBackup',
  FAULT: 'notifyFault',
  STOP: 'notifyStop',
} as const;

/**
 * The scripts a sync group's state change runs (vrrp_notify.c send_group_notifies): the state's
 * own script, then the generic `notify` with "GROUP" NAME STATE 0 (a group has no priority).
 */
export function groupNotifyRuns(
  name: string,
  scripts: GroupNotifyScripts,
  state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP',
): NotifyRun[] {
  const out: NotifyRun[] = [];
  const own = scripts[GROUP_SCRIPT[state]];
  if (own !== undefined) out.push({ script: own, args: [...own.args] });
  const all = scripts.notify;
  if (all !== undefined) out.push({ script: all, args: [...all.args, 'GROUP', name, state, '0'] });
  return out;
}

/**
 * keepalived-ts's split-brain notify (--split-brain-notify=PATH, not a config keyword, so that
 * `-t` stays keepalived's): PATH "INSTANCE" NAME "SPLIT_BRAIN" OUR_PRIORITY PEER PEER_PRIORITY.
 */
export function splitBrainRun(
  path: string,
  name: string,
  e: { readonly peer: string; readonly peerPriority: number; readonly priority: number },
): NotifyRun {
  const script: ScriptCommand = { args: [path] };
  return {
    script,
    args: [path, 'INSTANCE', name, 'SPLIT_BRAIN', String(e.priority), e.peer, String(e.peerPriority)],
  };
}
