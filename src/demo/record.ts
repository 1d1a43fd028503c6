/**
 * The run's clock and its record of changes (daemon states, VIPs, links), filled by the log and
 * address followers as lines arrive, read by the steps, the chart and the report.
 */
import type { DaemonState, LabNodeState, LbName, LinkChange, StateChange, VipChange } from './types.js';

export class RunRecord {
  /** performance.now() at time 0 of the run. */
  readonly originMs: number;
  /** Date.now() at time 0: places wall-clock stamps (mail files) on the run's timeline. */
  readonly wallOriginMs: number;
  readonly states: StateChange[] = [];
  readonly vips: VipChange[] = [];
  readonly links: LinkChange[] = [];
  /** Called before a read, so the followers have handed over every line that has arrived. */
  beforeRead: () => void = () => {};

  constructor(originMs = performance.now()) {
    this.originMs = originMs;
    this.wallOriginMs = Date.now() - (performance.now() - originMs);
  }

  /** Run-relative ms now. */
  now(): number {
    return performance.now() - this.originMs;
  }

  /** Run-relative ms of a performance.now() reading. */
  at(perfMs: number): number {
    return perfMs - this.originMs;
  }

  state(node: LbName, atMs: number, state: DaemonState): void {
    if (this.#last(node) !== state) this.states.push({ node, atMs, state });
  }

  vip(node: LbName, atMs: number, present: boolean): void {
    const last = [...this.vips].reverse().find((v) => v.node === node);
    if ((last?.present ?? false) !== present) this.vips.push({ node, atMs, present });
  }

  link(node: LbName, atMs: number, up: boolean): void {
    this.links.push({ node, atMs, up });
  }

  #last(node: LbName): DaemonState {
    return [...this.states].reverse().find((s) => s.node === node)?.state ?? 'DOWN';
  }

  /** When `node` last entered `state` (run-relative ms), if it did. */
  lastEntered(node: LbName, state: DaemonState): number | undefined {
    this.beforeRead();
    return [...this.states].reverse().find((s) => s.node === node && s.state === state)?.atMs;
  }

  /** The node's last recorded state (DOWN before its daemon first started). */
  stateOf(node: LbName): DaemonState {
    this.beforeRead();
    return this.#last(node);
  }

  /** A snapshot of every node's state, for "both MASTER" checks. */
  snapshot(): LabNodeState {
    return { lb01: this.stateOf('lb01'), lb02: this.stateOf('lb02') };
  }
}
