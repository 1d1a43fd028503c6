/**
 * One run of the demo: builds the lab for a setup (which daemon on which node), plays the
 * timeline, collects the record and tears the lab down, or leaves it up (--keep).
 */

import type { Implementation } from '../testing/keepalived-ref.js';
import { unregisterLab } from '../testing/lab-cleanup.js';
import { alertMail, allMails, readOutbox } from './mails.js';
import type { Printer } from './printer.js';
import { TIMELINE } from './steps.js';
import { runSteps, type StepSpec } from './timeline.js';
import { DemoLab } from './topology.js';
import { type DemoRun, LB_NODES, type RunSetup } from './types.js';

export type SetupName = 'keepalived-ts' | 'keepalived' | 'mixed';

export function setupFor(name: SetupName): RunSetup {
  const both = (impl: Implementation): RunSetup => ({ label: impl, impls: { lb01: impl, lb02: impl } });
  if (name === 'mixed') return { label: 'mixed', impls: { lb01: 'keepalived-ts', lb02: 'keepalived' } };
  return both(name);
}

export interface RunOptions {
  readonly print: Printer;
  readonly pause?: (next: StepSpec) => Promise<void>;
  /** Leave the lab up at the end; the result then names it. */
  readonly keep?: boolean;
  /** The steps to play (default: the whole timeline). */
  readonly steps?: readonly StepSpec[];
}

/** What --keep leaves up, for the instructions printed at the end. */
export interface KeptLab {
  readonly runDir: string;
  readonly prefix: string;
  readonly machines: readonly { readonly name: string; readonly initPid: number; readonly binDir: string }[];
}

export interface RunOutcome {
  readonly run: DemoRun;
  readonly kept: KeptLab | undefined;
}

export async function runDemo(setup: RunSetup, opts: RunOptions): Promise<RunOutcome> {
  const demo = await DemoLab.create(setup);
  let kept: KeptLab | undefined;
  try {
    opts.print.runStart(setup, demo.runDir);
    const startedAt = new Date(demo.record.wallOriginMs).toISOString();
    const steps = await runSteps(demo, opts.steps ?? TIMELINE, {
      print: opts.print,
      ...(opts.pause === undefined ? {} : { pause: opts.pause }),
    });
    for (const n of LB_NODES) demo.lbs[n].drain();
    const probes = [...demo.prober.probes];
    const durationMs = demo.now();
    const checks = steps.flatMap((s) => s.checks);
    const run: DemoRun = {
      setup,
      startedAt,
      durationMs,
      steps,
      states: [...demo.record.states],
      vips: [...demo.record.vips],
      links: [...demo.record.links],
      probes,
      mails: allMails(
        readOutbox(demo.lbs.lb01.layout.mailDir, demo.record.wallOriginMs),
        demo.catcher.mails().map((m) => alertMail(m, demo.record.wallOriginMs)),
      ),
      failed: checks.filter((c) => !c.ok && c.todo === undefined).length,
      todos: checks.filter((c) => !c.ok && c.todo !== undefined).length,
    };
    if (opts.keep === true) {
      await demo.stopWatching();
      unregisterLab(demo.lab);
      kept = {
        runDir: demo.runDir,
        prefix: demo.lab.prefix,
        machines: LB_NODES.map((n) => ({
          name: n,
          initPid: demo.lbs[n].machine.initPid,
          binDir: demo.lbs[n].layout.binDir,
        })),
      };
    }
    return { run, kept };
  } finally {
    if (kept === undefined) await demo.destroy();
  }
}
