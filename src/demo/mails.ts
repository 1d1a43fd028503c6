/**
 * The mails of a run, two kinds. The seed's notify.sh mails through the lab's `mail` stand-in,
 * which stores one file per message in the outbox, named `<epoch ns>-<host>-<pid>.eml`, headers
 * then the body. keepalived's own alert mails (smtp_alert) go over SMTP to the lab's mail
 * server, which records each message it accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaughtMail } from '../testing/smtp-catcher.js';
import { LB_ADDR, LB_NODES, type LbName, type Mail } from './types.js';

const nodeOfHost = (h: string | undefined): LbName | undefined => LB_NODES.find((n) => n === h);

/** One stored message; `wallOriginMs` (Date.now() at the run's time 0) places it on the timeline. */
export function parseMail(file: string, text: string, wallOriginMs: number): Mail {
  const [head = '', ...rest] = text.split('\n\n');
  const headers = new Map<string, string>();
  for (const line of head.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  const ns = /^(\d{1,24})-/.exec(file)?.[1];
  const from = headers.get('from') ?? '';
  return {
    via: 'notify.sh',
    node: nodeOfHost(/@(.*)$/.exec(from)?.[1]),
    file,
    atMs: ns === undefined ? undefined : Number(BigInt(ns) / 1_000_000n) - wallOriginMs,
    from,
    to: headers.get('to') ?? '',
    date: headers.get('date') ?? '',
    subject: headers.get('subject') ?? '',
    body: rest.join('\n\n').trim(),
  };
}

/** Every message in `dir`, oldest first. */
export function readOutbox(dir: string, wallOriginMs: number): Mail[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  const key = (f: string): string => (/^\d+/.exec(f)?.[0] ?? '').padStart(24, '0') + f;
  return files
    .sort((a, b) => (key(a) < key(b) ? -1 : 1))
    .map((f) => parseMail(f, readFileSync(join(dir, f), 'utf8'), wallOriginMs));
}

/** An alert mail the lab's SMTP server accepted, on the run's timeline. */
export function alertMail(m: CaughtMail, wallOriginMs: number): Mail {
  return {
    via: 'smtp',
    node: LB_NODES.find((n) => LB_ADDR[n] === m.peer),
    file: '',
    atMs: m.atMs - wallOriginMs,
    from: m.headers.get('from') ?? '',
    to: m.headers.get('to') ?? '',
    date: m.headers.get('date') ?? '',
    subject: m.headers.get('subject') ?? '',
    body: m.body.trim(),
  };
}

/** Both kinds, in the order they were sent (a notify.sh mail without a time last). */
export function allMails(outbox: readonly Mail[], alerts: readonly Mail[]): Mail[] {
  return [...outbox, ...alerts].sort(
    (a, b) => (a.atMs ?? Number.POSITIVE_INFINITY) - (b.atMs ?? Number.POSITIVE_INFINITY),
  );
}
