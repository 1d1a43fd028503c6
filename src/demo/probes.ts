/**
 * The client's requests, as data: parsing the prober's output lines, the outage after an event
 * and a readable summary of what the client got. Pure; the prober itself is prober.ts.
 */
import type { Outage, Probe } from './types.js';

/** curl's exit statuses the client sees in a failover (curl(1) "EXIT CODES"). */
const CURL_ERRORS: Readonly<Record<number, string>> = {
  6: 'no host',
  7: 'refused',
  28: 'timeout',
  52: 'empty reply',
  56: 'reset',
};

/**
 * One prober line, `P <seq> <page text> <curl exit> <http code> <seconds>` (tab-separated, the
 * page's newlines removed), arriving at `endMs`. Undefined for anything else.
 */
export function parseProbeLine(text: string, endMs: number): Probe | undefined {
  const f = text.split('\t');
  if (f.length < 6 || f[0] !== 'P') return undefined;
  const seq = Number(f[1]);
  const seconds = Number(f[f.length - 1]);
  const http = Number(f[f.length - 2]);
  const exit = Number(f[f.length - 3]);
  const page = f.slice(2, -3).join('\t').trim();
  if (![seq, seconds, http, exit].every(Number.isFinite)) return undefined;
  const ok = exit === 0 && http === 200;
  const answer = ok ? page : exit === 0 ? `http ${http}` : (CURL_ERRORS[exit] ?? `curl error ${exit}`);
  return { seq, startMs: endMs - seconds * 1000, endMs, ok, answer };
}

/** Probes that ended after `fromMs` and started before `toMs`, by start time. */
export function probesBetween(probes: readonly Probe[], fromMs: number, toMs: number): Probe[] {
  return probes.filter((p) => p.endMs >= fromMs && p.startMs <= toMs).sort((a, b) => a.startMs - b.startMs);
}

/**
 * The client's outage after an event at `eventMs`, from the requests sent from the event up to
 * `untilMs`: from the later of the event and the last good answer before the first failure, to
 * the first good answer to a request sent after the last failed one. Undefined when no request
 * failed (the client was answered all along, possibly by another node). Requests sent before the
 * event are left out: a slow one that fails late tells about the state before the event.
 */
export function outageAfter(probes: readonly Probe[], eventMs: number, untilMs: number): Outage | undefined {
  const window = probes
    .filter((p) => p.startMs >= eventMs && p.startMs <= untilMs)
    .sort((a, b) => a.startMs - b.startMs);
  const failures = window.filter((p) => !p.ok);
  const firstFail = failures[0];
  const lastFail = failures[failures.length - 1];
  if (firstFail === undefined || lastFail === undefined) return undefined;
  let fromMs = eventMs;
  for (const p of window) {
    if (p.ok && p.startMs < firstFail.startMs && p.endMs > fromMs) fromMs = p.endMs;
  }
  const recovery = window
    .filter((p) => p.ok && p.startMs > lastFail.startMs)
    .sort((a, b) => a.endMs - b.endMs)[0];
  const toMs = recovery?.endMs;
  return {
    fromMs,
    toMs,
    ms: Math.max(0, (toMs ?? untilMs) - fromMs),
    recoveredWith: recovery?.answer,
    failed: failures.length,
  };
}

/** "master ×20, refused ×9, slave ×31": what the client got, in order, runs counted. */
export function summariseAnswers(probes: readonly Probe[]): string {
  const runs: { answer: string; n: number }[] = [];
  for (const p of [...probes].sort((a, b) => a.startMs - b.startMs)) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.answer === p.answer) last.n++;
    else runs.push({ answer: p.answer, n: 1 });
  }
  if (runs.length === 0) return 'no requests';
  const shown = runs.length > 7 ? [...runs.slice(0, 3), undefined, ...runs.slice(-3)] : runs;
  return shown.map((r) => (r === undefined ? '…' : `${r.answer} ×${r.n}`)).join(', ');
}

/** The last `n` finished requests by start time (newest last). */
export function lastAnswers(probes: readonly Probe[], n: number): Probe[] {
  return [...probes].sort((a, b) => a.startMs - b.startMs).slice(-n);
}
