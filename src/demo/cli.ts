/**
 * `npm run demo`: plays the seed's nginx HA pair in a netns lab and shows what happened: each
 * step as it runs, then the timeline chart, the outage per step (side by side with --compare),
 * the HTML report's path. Exit status 0 when every check held, 1 when one failed, 2 on a usage
 * error. The lab is always torn down, Ctrl-C included, unless --keep leaves it up at the end.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { REPO_ROOT } from '../testing/config-compare.js';
import { sweepStaleLabs } from '../testing/lab-cleanup.js';
import { renderChart, renderOutageBars } from './chart.js';
import { type DemoArgs, parseDemoArgs, USAGE } from './cli-args.js';
import { renderHtml } from './html-report.js';
import { ConsolePrinter, styler } from './printer.js';
import { comparisonTable, failures } from './report.js';
import { type KeptLab, runDemo, setupFor } from './run.js';
import type { StepSpec } from './timeline.js';
import type { DemoRun } from './types.js';

const out = (s: string): void => {
  process.stdout.write(s);
};

function keepInstructions(k: KeptLab): string {
  const ns = (n: string): string => `${k.prefix}-${n}`;
  const lines = [
    '',
    `The lab is still up (--keep): namespaces ${k.prefix}-{client,lb01,lb02,sw}, files in ${k.runDir}`,
    `  ip netns exec ${ns('client')} curl -s http://192.0.2.250/`,
    `  ip -n ${ns('lb01')} addr show eth0; ip -n ${ns('client')} neigh`,
    `  tail -f ${k.runDir}/lb01/keepalived.log`,
    '  a shell on a load balancer (its own ps, hostname and systemctl stand-in):',
  ];
  for (const m of k.machines) {
    lines.push(`    nsenter -t ${m.initPid} -a env PATH=${m.binDir}:$PATH bash     # ${m.name}`);
  }
  lines.push('Clean up:  npm run demo -- --cleanup   (any later demo or test run sweeps it too)');
  return lines.join('\n');
}

/** Resolves before each step once Enter is pressed (--step); a closed stdin stops pausing. */
function stepper(): { pause: (next: StepSpec) => Promise<void>; close: () => void } {
  let rl: Interface | undefined = createInterface({ input: process.stdin, terminal: false });
  const lines: (() => void)[] = [];
  rl.on('line', () => lines.shift()?.());
  rl.on('close', () => {
    rl = undefined;
    for (const l of lines.splice(0)) l();
  });
  return {
    pause: (next) =>
      rl === undefined
        ? Promise.resolve()
        : new Promise<void>((res) => {
            out(`\n  — press Enter for: ${next.title} — `);
            lines.push(res);
          }),
    close: () => rl?.close(),
  };
}

async function main(args: DemoArgs): Promise<number> {
  if (args.cleanup) {
    sweepStaleLabs();
    out('removed every lab whose demo or test run has ended\n');
    return 0;
  }
  const color = args.color ?? (process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined);
  const s = styler(color);
  const width = Math.max(40, Math.min(140, (process.stdout.columns ?? 110) - 14));
  if (/\bnginx\b/.test(REPO_ROOT)) {
    out(
      `warning: ${REPO_ROOT} contains the word "nginx": the seed's check_n.sh (ps -ef | grep nginx) will see it in keepalived's command line\n`,
    );
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      // The lab's own handler (registered when the lab was made) tears it down; exit also does.
      out(`\n${sig}: the lab is torn down, nothing is left behind\n`);
      process.exit(130);
    });
  }
  const pauser = args.step ? stepper() : undefined;
  const runs: DemoRun[] = [];
  let kept: KeptLab | undefined;
  try {
    for (const [i, name] of args.runs.entries()) {
      if (i > 0) out('\n\n');
      const outcome = await runDemo(setupFor(name), {
        print: new ConsolePrinter(out, color),
        ...(pauser === undefined ? {} : { pause: pauser.pause }),
        keep: args.keep && i === args.runs.length - 1,
      });
      runs.push(outcome.run);
      kept = outcome.kept;
    }
  } finally {
    pauser?.close();
  }
  for (const r of runs) {
    out(
      `\n${s('bold', `Timeline — ${r.setup.label} (lb01 ${r.setup.impls.lb01}, lb02 ${r.setup.impls.lb02})`)}\n`,
    );
    out(`${renderChart(r, { width, color })}\n`);
  }
  out(
    `\n${s('bold', 'Outage per step: time the client got no answer')}\n${renderOutageBars(runs, { width, color })}\n`,
  );
  out(`\n${comparisonTable(runs, color)}\n`);
  const failed = runs.flatMap((r) => failures(r).map((f) => `${r.setup.label}: ${f}`));
  if (failed.length > 0) out(`\n${s('red', 'Checks that did not hold:')}\n${failed.join('\n')}\n`);
  const html = resolve(args.html ?? join(tmpdir(), 'keepalived-ts-demo.html'));
  writeFileSync(html, renderHtml(runs));
  out(`\nHTML report: ${html}\n`);
  if (args.json !== undefined) {
    writeFileSync(resolve(args.json), `${JSON.stringify({ runs }, null, 1)}\n`);
    out(`timeline as JSON: ${resolve(args.json)}\n`);
  }
  if (kept !== undefined) out(`${keepInstructions(kept)}\n`);
  const ok = runs.every((r) => r.failed === 0);
  out(ok ? s('green', '\nEvery check held.\n') : s('red', `\n${failed.length} checks did not hold.\n`));
  return ok ? 0 : 1;
}

const parsed = parseDemoArgs(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`demo: ${parsed.error}\n${USAGE}\n`);
  process.exitCode = 2;
} else if (parsed.args.help) {
  out(`${USAGE}\n`);
} else {
  try {
    process.exitCode = await main(parsed.args);
  } catch (e: unknown) {
    process.stderr.write(`demo: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  }
  // Children the lab left up (--keep) must not hold the process open.
  process.exit();
}
