/**
 * The daemon's alert mails: the policy (which state changes mail) in front of the sender.
 * Built once from the config; instance and sync-group state changes both come here, so the
 * sync-group code calls `group()` with the group's state.
 */
import type { KeepalivedConfig } from '../config/model.js';
import { AlertMailPolicy, smtpAlertEnabled } from './smtp-alerts.js';
import type { AlertState, LocalIdentity } from './smtp-message.js';
import { mailSettings, needsLocalName } from './smtp-message.js';
import { SmtpSender, type SmtpSenderDeps } from './smtp-sender.js';

export class MailAlerts {
  private constructor(
    private readonly policy: AlertMailPolicy,
    readonly sender: SmtpSender,
  ) {}

  /** undefined when the config sends no mail (no smtp_server, no recipients, or no object with smtp_alert). */
  static create(config: KeepalivedConfig, id: LocalIdentity, deps: SmtpSenderDeps): MailAlerts | undefined {
    const g = config.global;
    const settings = mailSettings(g, id);
    if (settings === undefined) return undefined;
    const enabled = new Set<string>();
    for (const v of config.vrrp.instances)
      if (smtpAlertEnabled(v.smtpAlert, g)) enabled.add(AlertMailPolicy.key('instance', v.name));
    for (const s of config.vrrp.syncGroups)
      if (smtpAlertEnabled(s.smtpAlert, g)) enabled.add(AlertMailPolicy.key('group', s.name));
    if (enabled.size === 0) return undefined;
    return new MailAlerts(
      new AlertMailPolicy(settings.routerId, settings.noEmailFaults, enabled),
      new SmtpSender(settings, deps),
    );
  }

  /**
   * keepalived 2.2.7 also builds a "Stopping" mail at shutdown, but exits before it connects:
   * measured against a live server, none ever arrives. So STOP sends nothing here either.
   */
  instance(name: string, state: AlertState): void {
    if (state === 'STOP') return;
    const text = this.policy.onState('instance', name, state);
    if (text !== undefined) this.sender.send(text);
  }

  group(name: string, state: AlertState): void {
    if (state === 'STOP') return;
    const text = this.policy.onState('group', name, state);
    if (text !== undefined) this.sender.send(text);
  }
}

/**
 * The daemon's entry point: resolves the host's name only when the defaults need it (as
 * keepalived does at start), off the caller's path; mails for state changes reported before
 * it resolves wait for it, in order.
 */
export async function startMailAlerts(
  config: KeepalivedConfig,
  deps: SmtpSenderDeps & {
    readonly localName: () => Promise<string | undefined>;
    readonly userName: string | undefined;
  },
): Promise<MailAlerts | undefined> {
  const g = config.global;
  if (g.smtpServer === undefined || g.notificationEmail.length === 0) return undefined;
  const name = needsLocalName(g) ? await deps.localName() : undefined;
  return MailAlerts.create(config, { localName: name, userName: deps.userName }, deps);
}
