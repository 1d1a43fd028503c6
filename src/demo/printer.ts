/**
 * The demo's live output: one line per thing that happens, with the run's elapsed time, and a
 * short summary after each step (who holds the VIP, what the client got, the outage).
 * ANSI colours only when asked (a terminal); the text reads the same without them.
 */
import type { Check, RunSetup, StepResult } from './types.js';

export interface Printer {
  runStart(setup: RunSetup, runDir: string): void;
  step(atMs: number, index: number, title: string): void;
  note(atMs: number, text: string): void;
  event(atMs: number, text: string): void;
  check(atMs: number, check: Check, sinceEventMs: number | undefined): void;
  stepEnd(result: StepResult): void;
  text(s: string): void;
}

const SGR = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', blue: '34', cyan: '36' } as const;
export type Style = keyof typeof SGR;

export function styler(color: boolean): (style: Style, s: string) => string {
  return (style, s) => (color ? `\u001b[${SGR[style]}m${s}\u001b[0m` : s);
}

export const elapsed = (ms: number): string => `[${(ms / 1000).toFixed(2).padStart(6)}s]`;

/** "1 702 ms": thousands grouped with a thin space so tables line up and read easily. */
export function fmtMs(ms: number): string {
  return `${Math.round(ms)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} ms`;
}

/** The result line of a check: ✓ / ✗ / TODO, its label, and the detail or time since the event. */
export function checkLine(c: Check, sinceEventMs: number | undefined): { mark: string; text: string } {
  const mark = c.ok ? '✓' : c.todo !== undefined ? 'TODO' : '✗';
  const extra = c.detail ?? (sinceEventMs === undefined ? '' : `+${(sinceEventMs / 1000).toFixed(2)} s`);
  const todo = c.todo !== undefined && !c.ok ? ` (keepalived-ts lacks: ${c.todo})` : '';
  const fixed = c.todo !== undefined && c.ok ? ' (TODO check passes now: drop its TODO)' : '';
  return { mark, text: `${c.label}${extra === '' ? '' : `  ${extra}`}${todo}${fixed}` };
}

export class ConsolePrinter implements Printer {
  readonly #write: (s: string) => void;
  readonly #s: (style: Style, s: string) => string;

  constructor(write: (s: string) => void, color: boolean) {
    this.#write = write;
    this.#s = styler(color);
  }

  text(s: string): void {
    this.#write(`${s}\n`);
  }

  runStart(setup: RunSetup, runDir: string): void {
    const s = this.#s;
    this.text(s('bold', `keepalived demo: the seed's nginx HA pair (section 4.6) — ${setup.label}`));
    this.text(`  lb01 runs ${setup.impls.lb01}, lb02 runs ${setup.impls.lb02}; VIP 192.0.2.250`);
    this.text(s('dim', `  lab: ${runDir}`));
  }

  step(atMs: number, index: number, title: string): void {
    const head = `━━ ${index}. ${title} `;
    this.text(`\n${this.#s('dim', elapsed(atMs))} ${this.#s('bold', head.padEnd(78, '━'))}`);
  }

  note(atMs: number, text: string): void {
    this.#indent(atMs, this.#s('dim', '·'), text);
  }

  event(atMs: number, text: string): void {
    this.#indent(atMs, this.#s('cyan', '▶'), this.#s('cyan', text));
  }

  check(atMs: number, c: Check, sinceEventMs: number | undefined): void {
    const { mark, text } = checkLine(c, sinceEventMs);
    const style: Style = c.ok ? 'green' : c.todo !== undefined ? 'yellow' : 'red';
    this.#indent(atMs, this.#s(style, mark), c.ok ? text : this.#s(style, text));
  }

  stepEnd(r: StepResult): void {
    const s = this.#s;
    const parts = [`VIP on ${r.vipHolders.join(' + ') || 'nobody'}`, `client: ${r.client}`];
    if (r.outage !== undefined) {
      parts.push(
        r.outage.ms === 0
          ? 'outage: none (every request answered)'
          : `outage ${fmtMs(r.outage.ms)}${r.outage.recoveredWith === undefined ? ' (not over)' : ` (then "${r.outage.recoveredWith}")`}`,
      );
    }
    this.text(`${' '.repeat(12)}${s('blue', '→')} ${parts.join(' · ')}`);
  }

  #indent(atMs: number, mark: string, text: string): void {
    const [first, ...rest] = text.split('\n');
    this.text(`${this.#s('dim', elapsed(atMs))}   ${mark} ${first ?? ''}`);
    for (const r of rest) this.text(`${' '.repeat(15)}${r}`);
  }
}

/** Prints nothing (the test runs the demo quietly and reads the results). */
export class SilentPrinter implements Printer {
  runStart(): void {}
  step(): void {}
  note(): void {}
  event(): void {}
  check(): void {}
  stepEnd(): void {}
  text(): void {}
}
