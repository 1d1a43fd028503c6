/**
 * The mails the seed's notify.sh sent, as the lab's mail stand-in stored them: one file per
 * message in the outbox, named `<epoch ns>-<host>-<pid>.eml`, headers then the body.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mail } from './types.js';

/** One stored message; `wallOriginMs` (Date.now() at the run's time 0) places it on the timeline. */
export function parseMail(file: string, text: string, wallOriginMs: number): Mail {
  const [head = '', ...rest] = text.split('\n\n');
  const headers = new Map<string, string>();
  for (const line of head.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  const ns = /^(\d{1,24})-/.exec(file)?.[1];
  return {
    file,
    atMs: ns === undefined ? undefined : Number(BigInt(ns) / 1_000_000n) - wallOriginMs,
    from: headers.get('from') ?? '',
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
