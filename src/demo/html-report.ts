/**
 * The HTML report of one or more runs: a timeline per run (VRRP state and VIP per node, the
 * client's answers, the steps), the outage per step as grouped bars, every step with its checks,
 * and the mails. One self-contained file: inline CSS and SVG, no script, no external asset. Pure.
 */
import { comparisonTable } from './report.js';
import { type DaemonState, type DemoRun, LB_NODES, type Mail, PAGE } from './types.js';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STATE_COLOUR: Readonly<Record<DaemonState, string>> = {
  MASTER: '#2e9e44',
  BACKUP: '#4a78c2',
  FAULT: '#d43d3d',
  INIT: '#c9c9c9',
  DOWN: '#f3f3f3',
};
const RUN_COLOURS = ['#2e6fd8', '#e08a1e', '#7a45c4'];

const W = 1000;
const LEFT = 90;
const LANE = 22;

/** Intervals of a step function of time over [0, end). */
function intervals<T>(changes: readonly { atMs: number; value: T }[], initial: T, end: number) {
  const out: { from: number; to: number; value: T }[] = [];
  let value = initial;
  let from = 0;
  for (const c of [...changes].sort((a, b) => a.atMs - b.atMs)) {
    if (c.atMs > from) out.push({ from, to: c.atMs, value });
    value = c.value;
    from = Math.max(from, c.atMs);
  }
  if (end > from) out.push({ from, to: end, value });
  return out;
}

function timelineSvg(run: DemoRun): string {
  const end = Math.max(run.durationMs, 1);
  const x = (ms: number): number => LEFT + (Math.max(0, Math.min(ms, end)) / end) * (W - LEFT - 10);
  const lanes = ['lb01 vrrp', 'lb01 VIP', 'lb02 vrrp', 'lb02 VIP', 'client'];
  const top = 34;
  const h = top + lanes.length * LANE + 30;
  const parts: string[] = [];
  for (const [i, name] of lanes.entries()) {
    parts.push(`<text x="4" y="${top + i * LANE + 15}" class="lane">${esc(name)}</text>`);
  }
  for (const [n, node] of LB_NODES.entries()) {
    const y = top + n * 2 * LANE;
    const states = run.states.filter((s) => s.node === node).map((s) => ({ atMs: s.atMs, value: s.state }));
    for (const iv of intervals(states, 'DOWN' as DaemonState, end)) {
      parts.push(
        `<rect x="${x(iv.from).toFixed(1)}" y="${y + 3}" width="${Math.max(0.5, x(iv.to) - x(iv.from)).toFixed(1)}" height="${LANE - 6}" fill="${STATE_COLOUR[iv.value]}"><title>${node} ${iv.value} ${(iv.from / 1000).toFixed(2)}–${(iv.to / 1000).toFixed(2)} s</title></rect>`,
      );
    }
    const vips = run.vips.filter((v) => v.node === node).map((v) => ({ atMs: v.atMs, value: v.present }));
    for (const iv of intervals(vips, false, end).filter((i) => i.value)) {
      parts.push(
        `<rect x="${x(iv.from).toFixed(1)}" y="${y + LANE + 7}" width="${Math.max(0.5, x(iv.to) - x(iv.from)).toFixed(1)}" height="${LANE - 14}" fill="#e6b800"><title>${node} has the VIP ${(iv.from / 1000).toFixed(2)}–${(iv.to / 1000).toFixed(2)} s</title></rect>`,
      );
    }
    const links = run.links.filter((l) => l.node === node).map((l) => ({ atMs: l.atMs, value: l.up }));
    for (const iv of intervals(links, true, end).filter((i) => !i.value)) {
      parts.push(
        `<rect x="${x(iv.from).toFixed(1)}" y="${y}" width="${(x(iv.to) - x(iv.from)).toFixed(1)}" height="${2 * LANE}" class="linkdown"><title>${node} link down</title></rect>`,
      );
    }
  }
  const cy = top + 4 * LANE + LANE / 2;
  for (const p of run.probes) {
    const colour = !p.ok ? '#d43d3d' : p.answer === PAGE.lb01 ? '#2e9e44' : '#4a78c2';
    parts.push(`<circle cx="${x(p.endMs).toFixed(1)}" cy="${cy}" r="2" fill="${colour}"/>`);
  }
  for (const st of run.steps) {
    const at = x(st.eventMs ?? st.startMs).toFixed(1);
    parts.push(
      `<line x1="${at}" y1="${top - 6}" x2="${at}" y2="${top + lanes.length * LANE}" class="step"/>`,
      `<text x="${at}" y="${top - 10}" class="stepno"><title>${esc(st.title)}</title>${st.index}</text>`,
    );
  }
  const tick = end > 150_000 ? 30_000 : 10_000;
  for (let t = 0; t <= end; t += tick) {
    parts.push(`<text x="${x(t).toFixed(1)}" y="${h - 8}" class="tick">${t / 1000}s</text>`);
  }
  return `<svg viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="timeline">${parts.join('')}</svg>`;
}

function outageSvg(runs: readonly DemoRun[]): string {
  const first = runs[0];
  if (first === undefined) return '';
  const steps = first.steps.filter((s) => s.outage !== undefined);
  const max = Math.max(1, ...runs.flatMap((r) => r.steps.map((s) => s.outage?.ms ?? 0)));
  const barH = 12;
  const rowH = runs.length * barH + 12;
  const left = 330;
  const h = steps.length * rowH + 20;
  const parts: string[] = [];
  for (const [i, st] of steps.entries()) {
    const y = 10 + i * rowH;
    parts.push(
      `<text x="4" y="${y + runs.length * barH * 0.5 + 4}" class="lane">${esc(`${st.index}. ${st.title}`.slice(0, 52))}</text>`,
    );
    for (const [k, r] of runs.entries()) {
      const ms = r.steps.find((s) => s.id === st.id)?.outage?.ms ?? 0;
      const w = (ms / max) * (W - left - 90);
      parts.push(
        `<rect x="${left}" y="${y + k * barH}" width="${Math.max(ms > 0 ? 1 : 0, w).toFixed(1)}" height="${barH - 2}" fill="${RUN_COLOURS[k % RUN_COLOURS.length]}"><title>${esc(r.setup.label)}: ${Math.round(ms)} ms</title></rect>`,
        `<text x="${(left + w + 4).toFixed(1)}" y="${y + k * barH + barH - 3}" class="tick">${Math.round(ms)} ms</text>`,
      );
    }
  }
  return `<svg viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="outage per step">${parts.join('')}</svg>`;
}

function stepsHtml(run: DemoRun): string {
  return run.steps
    .map((st) => {
      const checks = st.checks
        .map(
          (c) =>
            `<li class="${c.ok ? 'ok' : c.todo === undefined ? 'bad' : 'todo'}">${c.ok ? '✓' : c.todo === undefined ? '✗' : 'TODO'} ${esc(c.label)}${c.detail === undefined ? '' : ` <span class="dim">${esc(c.detail)}</span>`}${c.todo !== undefined && !c.ok ? ` <span class="dim">(keepalived-ts lacks: ${esc(c.todo)})</span>` : ''}</li>`,
        )
        .join('');
      const notes = st.notes.map((n) => `<pre class="note">${esc(n)}</pre>`).join('');
      const outage =
        st.outage === undefined
          ? ''
          : ` · outage <b>${st.outage.ms === 0 ? 'none' : `${Math.round(st.outage.ms)} ms`}</b>`;
      const takeover = st.takeoverMs === undefined ? '' : ` · takeover ${Math.round(st.takeoverMs)} ms`;
      return `<section><h3>${st.index}. ${esc(st.title)} <span class="dim">at ${((st.eventMs ?? st.startMs) / 1000).toFixed(2)} s</span></h3>${st.event === undefined ? '' : `<p class="event">▶ ${esc(st.event)}</p>`}${notes}<ul>${checks}</ul><p class="dim">VIP on ${esc(st.vipHolders.join(' + ') || 'nobody')} · client: ${esc(st.client)}${outage}${takeover}</p></section>`;
    })
    .join('');
}

/** "lb01 keepalived-ts (SMTP alert)" or "lb02 notify.sh": whose mail, and how it left. */
function mailSender(run: DemoRun, m: Mail): string {
  const node = m.node ?? '?';
  return m.via === 'smtp'
    ? `${node} ${m.node === undefined ? '' : run.setup.impls[m.node]} (SMTP alert)`
    : `${node} notify.sh`;
}

function mailsHtml(run: DemoRun): string {
  if (run.mails.length === 0) return '<p>No mail was sent.</p>';
  return `<table class="mails"><tr><th>at</th><th>sent by</th><th>From</th><th>To</th><th>Subject</th><th>Body</th></tr>${run.mails
    .map(
      (m) =>
        `<tr><td>${m.atMs === undefined ? '' : `${(m.atMs / 1000).toFixed(2)} s`}</td><td>${esc(mailSender(run, m))}</td><td>${esc(m.from)}</td><td>${esc(m.to)}</td><td>${esc(m.subject)}</td><td>${esc(m.body)}</td></tr>`,
    )
    .join('')}</table>`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}h3{font-size:1.05em;margin:1.2em 0 .3em}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto}.note{background:#fbfbf2;margin:.3em 0}
.dim{color:#777}.ok{color:#2e7d32}.bad{color:#c62828}.todo{color:#b28704}.event{color:#00838f;margin:.2em 0}
ul{list-style:none;padding-left:1em;margin:.3em 0}svg text{font:11px system-ui,sans-serif;fill:#333}
svg .lane{font-weight:600}svg .stepno{font-weight:700;text-anchor:middle}svg .tick{fill:#777}
svg .step{stroke:#999;stroke-dasharray:2 3}svg .linkdown{fill:#d43d3d;opacity:.15}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-2px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}`;

export function renderHtml(runs: readonly DemoRun[]): string {
  const legend = `<p class="legend">${(['MASTER', 'BACKUP', 'FAULT', 'INIT', 'DOWN'] as const)
    .map(
      (s) =>
        `<span style="background:${STATE_COLOUR[s]};border:1px solid #ccc"></span>${s === 'INIT' ? 'starting' : s === 'DOWN' ? 'not running' : s}`,
    )
    .join(
      '',
    )}<span style="background:#e6b800"></span>has the VIP<span style="background:#2e9e44;border-radius:6px"></span>client got "${PAGE.lb01}"<span style="background:#4a78c2;border-radius:6px"></span>"${PAGE.lb02}"<span style="background:#d43d3d;border-radius:6px"></span>request failed</p>`;
  const runSections = runs
    .map(
      (r) =>
        `<h2>${esc(r.setup.label)}: lb01 ${esc(r.setup.impls.lb01)}, lb02 ${esc(r.setup.impls.lb02)}</h2><p class="dim">started ${esc(r.startedAt)}, ${(r.durationMs / 1000).toFixed(1)} s, ${r.failed === 0 ? 'every check passed' : `${r.failed} checks failed`}${r.todos > 0 ? `, ${r.todos} TODO` : ''}</p>${timelineSvg(r)}${legend}${stepsHtml(r)}<h3>Mails sent</h3>${mailsHtml(r)}`,
    )
    .join('');
  const legendRuns = runs
    .map(
      (r, k) =>
        `<span style="background:${RUN_COLOURS[k % RUN_COLOURS.length]}"></span>${esc(r.setup.label)}`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>keepalived demo: the seed's nginx HA pair</title><style>${CSS}</style></head>
<body><h1>keepalived demo: the seed's nginx HA pair (section 4.6)</h1>
<p>lb01 192.0.2.11 (priority 100, check_n.sh) and lb02 192.0.2.12 (priority 90, nopreempt) share VIP 192.0.2.250; a client asks http://192.0.2.250/ every 50 ms.</p>
<h2>Outage per step</h2><p class="legend">${legendRuns}</p>${outageSvg(runs)}
<pre>${esc(comparisonTable(runs))}</pre>
${runSections}
</body></html>
`;
}
