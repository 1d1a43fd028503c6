/**
 * The text at the end of a demo: the side-by-side table of outage and takeover times per step
 * (one column per run), and the verdict line. Pure.
 */
import { fmtMs, styler } from './printer.js';
import type { DemoRun, StepResult } from './types.js';

const TITLE_W = 52;
const COL_W = 22;

function cell(st: StepResult | undefined): string {
  if (st?.outage === undefined) return '—'.padStart(COL_W);
  const outage = st.outage.ms === 0 ? 'none' : fmtMs(st.outage.ms);
  const takeover = st.takeoverMs === undefined ? '—' : fmtMs(st.takeoverMs);
  return `${outage.padStart(9)} ${takeover.padStart(COL_W - 10)}`;
}

/**
 * One row per step that moves the VIP: the client's outage (time without an answer) and the
 * takeover (event to the new state's log line), for each run, side by side.
 */
export function comparisonTable(runs: readonly DemoRun[], color = false): string {
  const s = styler(color);
  const first = runs[0];
  if (first === undefined) return '';
  const head1 = `${''.padEnd(TITLE_W)}${runs.map((r) => r.setup.label.padStart(COL_W)).join('  ')}`;
  const head2 = `${'step'.padEnd(TITLE_W)}${runs.map(() => `${'outage'.padStart(9)} ${'takeover'.padStart(COL_W - 10)}`).join('  ')}`;
  const rows = first.steps
    .filter((st) => st.outage !== undefined)
    .map((st) => {
      const title = `${String(st.index).padStart(2)} ${st.title}`;
      const t = title.length > TITLE_W - 1 ? `${title.slice(0, TITLE_W - 2)}…` : title;
      return `${t.padEnd(TITLE_W)}${runs.map((r) => cell(r.steps.find((x) => x.id === st.id))).join('  ')}`;
    });
  const checks = runs.map((r) => {
    const all = r.steps.flatMap((x) => x.checks);
    const ok = all.filter((c) => c.ok).length;
    const text = `${ok}/${all.length} checks${r.todos > 0 ? `, ${r.todos} TODO` : ''}`;
    return r.failed === 0 ? s('green', text.padStart(COL_W)) : s('red', text.padStart(COL_W));
  });
  return [
    s('bold', head1),
    s('dim', head2),
    ...rows,
    `${'checks'.padEnd(TITLE_W)}${checks.join('  ')}`,
    s(
      'dim',
      'outage: from the event (or the last answer before the gap) to the first answer after it;\n' +
        'takeover: from the event to the log line of the state change the step waits for.',
    ),
  ].join('\n');
}

/** The failed checks of a run, one line each ("3. nginx dies on lb01: ✗ lb02 becomes MASTER"). */
export function failures(run: DemoRun): string[] {
  return run.steps.flatMap((st) =>
    st.checks
      .filter((c) => !c.ok)
      .map(
        (c) =>
          `${st.index}. ${st.title}: ${c.todo === undefined ? '✗' : 'TODO'} ${c.label}${c.detail === undefined ? '' : ` (${c.detail})`}`,
      ),
  );
}
