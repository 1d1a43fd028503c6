/**
 * The terminal picture of a run: one row per node for its VRRP state and one for the VIP, a row
 * for what the client got, the steps marked on top; and bars of the outage per step. Plain text
 * that reads without colour; ANSI colours when asked. Pure.
 */
import { styler } from './printer.js';
import {
  type DaemonState,
  type DemoRun,
  LB_NODES,
  type LbName,
  type LinkChange,
  PAGE,
  type Probe,
  type StateChange,
  type VipChange,
} from './types.js';

export interface ChartOptions {
  /** Columns of the time axis. */
  readonly width?: number;
  readonly color?: boolean;
}

const LABEL = 12;

const STATE_GLYPH: Readonly<Record<DaemonState, string>> = {
  MASTER: '█',
  BACKUP: '▒',
  FAULT: 'F',
  INIT: '░',
  DOWN: '·',
};

/** The value a step function of time has during [from, to): the one that lasts longest. */
function dominant<T>(
  changes: readonly { atMs: number; value: T }[],
  initial: T,
  from: number,
  to: number,
): T {
  const spans = new Map<T, number>();
  let current = initial;
  let at = from;
  for (const c of changes) {
    if (c.atMs <= from) {
      current = c.value;
      continue;
    }
    if (c.atMs >= to) break;
    spans.set(current, (spans.get(current) ?? 0) + (c.atMs - at));
    current = c.value;
    at = c.atMs;
  }
  spans.set(current, (spans.get(current) ?? 0) + (to - at));
  let best = initial;
  let bestMs = -1;
  for (const [v, ms] of spans) {
    if (ms > bestMs) {
      best = v;
      bestMs = ms;
    }
  }
  return best;
}

function stateSeries(states: readonly StateChange[], node: LbName): { atMs: number; value: DaemonState }[] {
  return states.filter((s) => s.node === node).map((s) => ({ atMs: s.atMs, value: s.state }));
}

function vipSeries(vips: readonly VipChange[], node: LbName): { atMs: number; value: boolean }[] {
  return vips.filter((v) => v.node === node).map((v) => ({ atMs: v.atMs, value: v.present }));
}

function linkSeries(links: readonly LinkChange[], node: LbName): { atMs: number; value: boolean }[] {
  return links.filter((v) => v.node === node).map((v) => ({ atMs: v.atMs, value: v.up }));
}

/** What the client got in a bucket: × any failure, m/s the page (first letter), / both. */
export function clientGlyph(probes: readonly Probe[]): string {
  if (probes.length === 0) return ' ';
  if (probes.some((p) => !p.ok)) return '×';
  const pages = new Set(probes.map((p) => p.answer));
  if (pages.size > 1) return '/';
  return ([...pages][0] ?? '?').charAt(0) || '?';
}

export function renderChart(run: DemoRun, opts: ChartOptions = {}): string {
  const width = Math.max(20, opts.width ?? 96);
  const s = styler(opts.color ?? false);
  const total = Math.max(run.durationMs, 1);
  const bucket = total / width;
  const cols = Array.from({ length: width }, (_, i) => [i * bucket, (i + 1) * bucket] as const);
  const out: string[] = [];

  // Time axis: a tick every 10 s (or every 30 s on long runs).
  const tickS = total > 150_000 ? 30 : 10;
  const axis = Array.from({ length: width + 8 }, () => ' ');
  for (let t = 0; t * 1000 <= total; t += tickS) {
    const col = Math.min(width - 1, Math.floor((t * 1000) / bucket));
    const label = `${t}s`;
    if (col + label.length <= axis.length) for (const [k, ch] of [...label].entries()) axis[col + k] = ch;
  }
  out.push(`${''.padEnd(LABEL)}${axis.join('').trimEnd()}`);

  // Steps at their events.
  const marks = Array.from({ length: width + 4 }, () => ' ');
  let free = 0;
  for (const st of run.steps) {
    const col = Math.floor((st.eventMs ?? st.startMs) / bucket);
    const label = String(st.index);
    const at = Math.max(col, free);
    if (at + label.length > marks.length) continue;
    for (const [k, ch] of [...label].entries()) marks[at + k] = ch;
    free = at + label.length + 1;
  }
  out.push(`${s('dim', 'step'.padEnd(LABEL))}${marks.join('').trimEnd()}`);

  const colour = (state: DaemonState, g: string): string =>
    state === 'MASTER'
      ? s('green', g)
      : state === 'BACKUP'
        ? s('blue', g)
        : state === 'FAULT'
          ? s('red', g)
          : s('dim', g);
  for (const node of LB_NODES) {
    const states = stateSeries(run.states, node);
    const row = cols.map(([a, b]) => {
      const st = dominant(states, 'DOWN' as DaemonState, a, b);
      return colour(st, STATE_GLYPH[st]);
    });
    out.push(`${`${node} vrrp`.padEnd(LABEL)}${row.join('')}`);
    const vips = vipSeries(run.vips, node);
    const links = linkSeries(run.links, node);
    const vrow = cols.map(([a, b]) => {
      if (links.length > 0 && !dominant(links, true, a, b)) return s('red', '×');
      return dominant(vips, false, a, b) ? s('yellow', '▀') : ' ';
    });
    out.push(`${`${node} VIP`.padEnd(LABEL)}${vrow.join('')}`);
  }
  const sorted = [...run.probes].sort((a, b) => a.endMs - b.endMs);
  let k = 0;
  const crow = cols.map(([a, b]) => {
    const inBucket: Probe[] = [];
    while (k < sorted.length && (sorted[k]?.endMs ?? 0) < b) {
      const p = sorted[k];
      if (p !== undefined && p.endMs >= a) inBucket.push(p);
      k++;
    }
    const g = clientGlyph(inBucket);
    return g === '×' ? s('red', g) : g === PAGE.lb01.charAt(0) ? s('green', g) : g;
  });
  out.push(`${'client'.padEnd(LABEL)}${crow.join('')}`);
  out.push(
    s(
      'dim',
      `${''.padEnd(LABEL)}█ MASTER  ▒ BACKUP  F FAULT  ░ starting  · not running   ▀ has the VIP  × link down`,
    ),
  );
  out.push(
    s(
      'dim',
      `${''.padEnd(LABEL)}client: m "${PAGE.lb01}"  s "${PAGE.lb02}"  × a request failed   (1 column = ${(bucket / 1000).toFixed(2)} s)`,
    ),
  );
  return out.join('\n');
}

/** Horizontal bars of each failover step's outage, one run or several side by side. */
export function renderOutageBars(runs: readonly DemoRun[], opts: ChartOptions = {}): string {
  const s = styler(opts.color ?? false);
  const width = Math.max(10, (opts.width ?? 96) - 52);
  const first = runs[0];
  if (first === undefined) return '';
  const steps = first.steps.filter((st) => st.outage !== undefined);
  const max = Math.max(1, ...runs.flatMap((r) => r.steps.map((st) => st.outage?.ms ?? 0)));
  const out: string[] = [];
  for (const st of steps) {
    out.push(`${String(st.index).padStart(2)} ${st.title.slice(0, 60)}`);
    for (const r of runs) {
      const o = r.steps.find((x) => x.id === st.id)?.outage;
      const ms = o?.ms ?? 0;
      const n = Math.round((ms / max) * width);
      const bar = ms > 0 && n === 0 ? '▏' : '█'.repeat(n);
      const label = runs.length > 1 ? `${r.setup.label.padEnd(14)} ` : '';
      out.push(`   ${s('dim', label)}${s('red', bar)} ${o === undefined ? '—' : `${Math.round(ms)} ms`}`);
    }
  }
  return out.join('\n');
}
