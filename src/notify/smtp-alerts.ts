/**
 * Which state changes mail, after vrrp_notify.c vrrp_smtp_notifier / vrrp_sync_smtp_notifier:
 * an instance (or sync group) with smtp_alert on mails when it enters a state other than the
 * last one it mailed about (so a restart of the same state mails once), FAULT not at all with
 * no_email_faults. smtp_alert resolves as vrrp.c does: the object's own setting, else global
 * smtp_alert_vrrp, else global smtp_alert, else off. Pure.
 */
import type { GlobalDefs } from '../config/model/global.js';
import { type AlertState, type AlertText, alertText } from './smtp-message.js';

export type AlertKind = 'instance' | 'group';

/** An object's effective smtp_alert. */
export function smtpAlertEnabled(own: boolean | undefined, g: GlobalDefs): boolean {
  return own ?? g.smtpAlertVrrp ?? g.smtpAlert ?? false;
}

export class AlertMailPolicy {
  /** last_email_state per object; absent = INIT (nothing mailed yet). */
  private readonly lastMailed = new Map<string, AlertState>();

  constructor(
    private readonly routerId: string,
    private readonly noEmailFaults: boolean,
    /** Effective smtp_alert per `kind:name`; absent = off. */
    private readonly enabled: ReadonlySet<string>,
  ) {}

  static key(kind: AlertKind, name: string): string {
    return `${kind}:${name}`;
  }

  /** The mail a state change sends, or undefined; records it as mailed. */
  onState(kind: AlertKind, name: string, state: AlertState): AlertText | undefined {
    const key = AlertMailPolicy.key(kind, name);
    if (!this.enabled.has(key)) return undefined;
    if (this.noEmailFaults && state === 'FAULT') return undefined;
    if (this.lastMailed.get(key) === state) return undefined;
    const text = alertText(kind, this.routerId, name, state);
    if (text !== undefined) this.lastMailed.set(key, state);
    return text;
  }
}
