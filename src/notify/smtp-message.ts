/**
 * keepalived 2.2.7's alert mails (core/smtp.c smtp_alert, vrrp/vrrp_notify.c
 * vrrp_smtp_notifier / vrrp_sync_smtp_notifier): who gets them, from whom, the subject and
 * body of each state, and the DATA block with keepalived's headers. Pure: the time and the
 * host's name are arguments.
 */
import type { GlobalDefs } from '../config/model/global.js';

/** What keepalived's get_local_name() leaves when the host's name does not resolve. */
export const UNKNOWN_LOCAL_NAME = '[unknown]';
/** DEFAULT_SMTP_CONNECTION_TIMEOUT (global_data.h). */
export const DEFAULT_SMTP_TIMEOUT_MS = 30_000;
/** MAX_HEADERS_LENGTH / MAX_BODY_LENGTH (smtp.h): snprintf keeps one byte less. */
const MAX_SUBJECT_BYTES = 255;
const MAX_BODY_BYTES = 511;
/** SMTP_BUFFER_MAX - 1: the To header stops adding addresses past it. */
const MAX_TO_BYTES = 1023;

/** Everything a mail needs, resolved as keepalived's init_global_data resolves it. */
export interface MailSettings {
  readonly server: { readonly host: string; readonly port: number };
  /** HELO argument: smtp_helo_name, else the local name, else "localhost". */
  readonly heloName: string;
  /**
   * notification_email_from, else "user@localname". keepalived prints a NULL pointer as
   * "(null)" when neither is known (the local name did not resolve); so do we.
   */
  readonly from: string;
  readonly to: readonly string[];
  /** The subject's [prefix]: router_id, else the local name, else "[unknown]". */
  readonly routerId: string;
  /** smtp_connect_timeout: the bound on connecting and on each reply. */
  readonly timeoutMs: number;
  readonly noEmailFaults: boolean;
}

/**
 * The host facts the defaults need: its canonical name (undefined = did not resolve) and the
 * user's name (undefined = the uid has no passwd entry).
 */
export interface LocalIdentity {
  readonly localName: string | undefined;
  readonly userName: string | undefined;
}

/**
 * Whether the defaults need the host's name (keepalived calls get_local_name() only then):
 * no router_id, or an smtp_server without smtp_helo_name or notification_email_from.
 */
export function needsLocalName(g: GlobalDefs): boolean {
  return (
    g.routerId === undefined ||
    (g.smtpServer !== undefined && (g.smtpHeloName === undefined || g.notificationEmailFrom === undefined))
  );
}

/** undefined = keepalived sends no mail at all (no notification_email or no smtp_server). */
export function mailSettings(g: GlobalDefs, id: LocalIdentity): MailSettings | undefined {
  if (g.smtpServer === undefined || g.notificationEmail.length === 0) return undefined;
  const local = id.localName ?? UNKNOWN_LOCAL_NAME;
  const known = local !== UNKNOWN_LOCAL_NAME;
  return {
    server: { host: g.smtpServer.host, port: g.smtpServer.port },
    heloName: g.smtpHeloName ?? (known ? local : 'localhost'),
    from:
      g.notificationEmailFrom ?? (known && id.userName !== undefined ? `${id.userName}@${local}` : '(null)'),
    to: g.notificationEmail,
    routerId: g.routerId ?? local,
    timeoutMs:
      g.smtpConnectTimeoutUs === undefined
        ? DEFAULT_SMTP_TIMEOUT_MS
        : Math.round(g.smtpConnectTimeoutUs / 1000),
    noEmailFaults: g.noEmailFaults,
  };
}

export type AlertState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';

export interface AlertText {
  readonly subject: string;
  readonly body: string;
}

const INSTANCE_TEXT: Readonly<Record<AlertState, AlertText>> = {
  MASTER: { subject: 'Entering MASTER state', body: '=> VRRP Instance is now owning VRRP VIPs <=' },
  BACKUP: { subject: 'Entering BACKUP state', body: '=> VRRP Instance is no longer owning VRRP VIPs <=' },
  FAULT: { subject: 'Entering FAULT state', body: '=> VRRP Instance is no longer owning VRRP VIPs <=' },
  STOP: { subject: 'Stopping', body: '=> VRRP Instance stopping <=' },
  DELETED: { subject: 'Deleted', body: '=> VRRP Deleted at reload <=' },
};

const GROUP_TEXT: Readonly<Partial<Record<AlertState, AlertText>>> = {
  MASTER: {
    subject: 'Entering MASTER state',
    body: '=> All VRRP group instances are now in MASTER state <=',
  },
  BACKUP: {
    subject: 'Entering BACKUP state',
    body: '=> All VRRP group instances are now in BACKUP state <=',
  },
  FAULT: { subject: 'Entering FAULT state', body: '=> All VRRP group instances are now in FAULT state <=' },
  STOP: { subject: 'Stopping', body: '=> All VRRP group instances are now stopping <=' },
};

/** The whole subject and body of an instance's or a sync group's alert; undefined = none for that state. */
export function alertText(
  kind: 'instance' | 'group',
  routerId: string,
  name: string,
  state: AlertState,
): AlertText | undefined {
  const t = kind === 'instance' ? INSTANCE_TEXT[state] : GROUP_TEXT[state];
  if (t === undefined) return undefined;
  const what = kind === 'instance' ? 'VRRP Instance' : 'VRRP Group';
  return {
    subject: truncateBytes(`[${routerId}] ${what} ${name} - ${t.subject}`, MAX_SUBJECT_BYTES),
    body: truncateBytes(t.body, MAX_BODY_BYTES),
  };
}

/** build_to_header_rcpt_addrs: "a, b, c", stopping at the first address that no longer fits. */
export function toHeader(to: readonly string[]): string {
  let out = '';
  for (const addr of to) {
    const next = out === '' ? addr : `${out}, ${addr}`;
    if (Buffer.byteLength(next) > MAX_TO_BYTES) break;
    out = next;
  }
  return out;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * strftime("%a, %d %b %Y %H:%M:%S %z") of local time, C locale: "Mon, 01 Mar 2021 09:44:08 +0000".
 * `utcOffsetMin` is minutes east of UTC (the negation of Date#getTimezoneOffset()).
 */
export function rfc822Date(epochMs: number, utcOffsetMin: number): string {
  const d = new Date(epochMs + utcOffsetMin * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const sign = utcOffsetMin < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMin);
  return (
    `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`
  );
}

/**
 * What keepalived sends after DATA's 354 (SMTP_HEADERS_CMD SMTP_BODY_CMD SMTP_SEND_CMD): the
 * headers in its order, the body, and the end-of-data line. The fixed bodies hold no line
 * that starts with a dot, so there is nothing to dot-stuff.
 */
export function dataBlock(s: MailSettings, text: AlertText, date: string): string {
  return (
    `Date: ${date}\r\nFrom: ${s.from}\r\nSubject: ${text.subject}\r\n` +
    `X-Mailer: Keepalived\r\nTo: ${toHeader(s.to)}\r\n\r\n${text.body}\r\n\r\n.\r\n`
  );
}

function truncateBytes(s: string, max: number): string {
  const b = Buffer.from(s);
  return b.length <= max ? s : b.subarray(0, max).toString();
}
