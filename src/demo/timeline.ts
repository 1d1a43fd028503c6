/**
 * Runs the demo's steps one after the other on a DemoLab. A step acts (the event), then states
 * what must follow as checks; each check is printed as it settles, with the time since the event.
 * After each step the runner looks at the VIP (`ip -n NS addr`), sums up what the client got and,
 * for steps that move the VIP, measures the outage.
 */
import { pollUntil } from '../testing/netns-lab.js';
import type { LoadBalancer } from './load-balancer.js';
import type { Printer } from './printer.js';
import { lastAnswers, outageAfter, probesBetween, summariseAnswers } from './probes.js';
import type { DemoLab } from './topology.js';
import type { Check, LbName, StepResult } from './types.js';

export interface CheckOptions {
  readonly detail?: string;
  /** The keepalived behaviour this check expects is a known gap of keepalived-ts (see Check.todo). */
  readonly todo?: string | undefined;
}

export interface StepSpec {
  readonly id: string;
  readonly title: string;
  /** The step moves (or could move) the VIP: outage and takeover are measured and compared. */
  readonly failover?: boolean;
  run(ctx: StepContext): Promise<void>;
}

export class StepContext {
  readonly demo: DemoLab;
  readonly lb01: LoadBalancer;
  readonly lb02: LoadBalancer;
  readonly notes: string[] = [];
  readonly checks: Check[] = [];
  eventMs: number | undefined;
  eventText: string | undefined;
  takeoverMs: number | undefined;
  readonly #print: Printer;

  constructor(demo: DemoLab, print: Printer) {
    this.demo = demo;
    this.lb01 = demo.lbs.lb01;
    this.lb02 = demo.lbs.lb02;
    this.#print = print;
  }

  lb(name: LbName): LoadBalancer {
    return this.demo.lbs[name];
  }

  /** Something done or explained, printed as it happens. */
  note(text: string): void {
    this.notes.push(text);
    this.#print.note(this.demo.now(), text);
  }

  /** Marks the step's event; later checks print the time since it. Returns run-relative ms. */
  event(text: string): number {
    const at = this.demo.now();
    this.eventMs = at;
    this.eventText = text;
    this.#print.event(at, text);
    return at;
  }

  /**
   * The step's event done by `action`: marked when the action starts. An action that takes long
   * (a busy machine: every command here starts processes) is said so, since the times after it
   * include its duration.
   */
  async act<T>(text: string, action: () => Promise<T>): Promise<T> {
    const at = this.event(text);
    const result = await action();
    const took = this.demo.now() - at;
    if (took > SLOW_ACTION_MS)
      this.note(`(that took ${fmtS(took)}: the machine is busy; the times below include it)`);
    return result;
  }

  /** Records and prints a check; returns `ok`. */
  check(label: string, ok: boolean, opts: CheckOptions = {}): boolean {
    const c: Check = {
      label,
      ok,
      ...(opts.detail === undefined ? {} : { detail: opts.detail }),
      ...(opts.todo === undefined ? {} : { todo: opts.todo }),
    };
    this.checks.push(c);
    const now = this.demo.now();
    this.#print.check(now, c, this.eventMs === undefined ? undefined : now - this.eventMs);
    return ok;
  }

  /** Polls `probe` until it holds or `timeoutMs` passes; a check either way. */
  async expect(
    label: string,
    probe: () => boolean | Promise<boolean>,
    timeoutMs: number,
    opts: CheckOptions = {},
  ): Promise<boolean> {
    let ok = true;
    try {
      await pollUntil(probe, { what: label, timeoutMs, intervalMs: 25 });
    } catch {
      ok = false;
    }
    return this.check(label, ok, opts);
  }

  /** Waits for a daemon log line after `since`; a check; resolves with its run-relative time. */
  async expectLog(
    lb: LoadBalancer,
    label: string,
    pattern: string | RegExp,
    since: number,
    timeoutMs: number,
    opts: CheckOptions = {},
  ): Promise<number | undefined> {
    const line = await lb.waitLog(pattern, since, timeoutMs);
    const at = line === undefined ? undefined : this.demo.record.at(line.atMs);
    const detail =
      opts.detail ??
      (at !== undefined && this.eventMs !== undefined ? `+${fmtS(at - this.eventMs)}` : undefined);
    this.check(label, line !== undefined, { ...opts, ...(detail === undefined ? {} : { detail }) });
    return at;
  }

  /** The VIP is on exactly `holders` (`ip -n NS addr`), within `timeoutMs`. */
  expectVip(holders: readonly LbName[], timeoutMs = 3000, opts: CheckOptions = {}): Promise<boolean> {
    const want = [...holders].sort().join('+') || 'nobody';
    return this.expect(
      `VIP 192.0.2.250 on ${want}`,
      async () => ((await this.demo.vipHolders()).join('+') || 'nobody') === want,
      timeoutMs,
      opts,
    );
  }

  /** The client's last three requests all got `page`, within `timeoutMs`. */
  expectClient(page: string, timeoutMs = 5000, opts: CheckOptions = {}): Promise<boolean> {
    const from = this.demo.now();
    return this.expect(
      `client gets "${page}"`,
      () => {
        const last = lastAnswers(this.demo.prober.probes, 3);
        return last.length === 3 && last.every((p) => p.ok && p.answer === page && p.startMs >= from - 200);
      },
      timeoutMs,
      opts,
    );
  }

  /** The client's neighbour entry for the VIP is `lb`'s MAC, within `timeoutMs`. */
  async expectNeighbour(lb: LbName, timeoutMs = 3000, opts: CheckOptions = {}): Promise<boolean> {
    const mac = await this.lb(lb).mac();
    return this.expect(
      `client's neighbour entry for the VIP is ${lb}'s MAC ${mac}`,
      async () => (await this.demo.clientNeighbour()) === mac,
      timeoutMs,
      opts,
    );
  }

  /** A systemctl call on `lb` since `mark` (a count of calls) whose line has every word given. */
  systemctlCalled(lb: LoadBalancer, mark: number, ...words: string[]): boolean {
    return lb
      .systemctlCalls()
      .slice(mark)
      .some((l) => words.every((w) => l.includes(w)));
  }

  /** `todo` for a check on `lb` when it runs keepalived-ts; undefined for keepalived. */
  todoIfOurs(lb: LoadBalancer, feature: string): string | undefined {
    return lb.impl === 'keepalived-ts' ? feature : undefined;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

export const fmtS = (ms: number): string => `${(Math.abs(ms) < 5 ? 0 : ms / 1000).toFixed(2)} s`;

/** An event's command that takes longer than this is reported. */
const SLOW_ACTION_MS = 300;

export interface RunStepsOptions {
  readonly print: Printer;
  /** Called between steps (--step: wait for Enter). */
  readonly pause?: (next: StepSpec) => Promise<void>;
  /** Only the first n steps (tests of the runner). */
  readonly limit?: number;
}

/** How long the client is watched after a step's last check, so its summary shows the new state. */
const SETTLE_MS = 400;

export async function runSteps(
  demo: DemoLab,
  steps: readonly StepSpec[],
  opts: RunStepsOptions,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const [i, spec] of steps.slice(0, opts.limit ?? steps.length).entries()) {
    if (i > 0 && opts.pause !== undefined) await opts.pause(spec);
    const startMs = demo.now();
    opts.print.step(startMs, i + 1, spec.title);
    const ctx = new StepContext(demo, opts.print);
    try {
      await spec.run(ctx);
    } catch (e: unknown) {
      ctx.check(`step ran to its end`, false, { detail: e instanceof Error ? e.message : String(e) });
    }
    await ctx.sleep(SETTLE_MS);
    const endMs = demo.now();
    const from = ctx.eventMs ?? startMs;
    const probes = probesBetween(demo.prober.probes, from, endMs);
    const outage =
      spec.failover === true && ctx.eventMs !== undefined
        ? (outageAfter(demo.prober.probes, ctx.eventMs, endMs) ?? {
            fromMs: ctx.eventMs,
            toMs: ctx.eventMs,
            ms: 0,
            recoveredWith: undefined,
            failed: 0,
          })
        : undefined;
    const result: StepResult = {
      index: i + 1,
      id: spec.id,
      title: spec.title,
      startMs,
      eventMs: ctx.eventMs,
      event: ctx.eventText,
      endMs,
      notes: ctx.notes,
      checks: ctx.checks,
      vipHolders: await demo.vipHolders(),
      client: summariseAnswers(probes),
      outage,
      takeoverMs: ctx.takeoverMs,
    };
    opts.print.stepEnd(result);
    results.push(result);
  }
  return results;
}
