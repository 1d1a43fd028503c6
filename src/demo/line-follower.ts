/**
 * Hands every line of a LabProcess to a handler exactly once, in order, with its arrival time.
 * A LabProcess keeps only its last lines in memory; the follower drains them often enough (and on
 * demand, before anything reads the collected data) that a long demo loses none.
 */
import type { LabProcess, LogLine } from '../testing/netns-lab.js';

export class LineFollower {
  readonly proc: LabProcess;
  readonly #handle: (line: LogLine) => void;
  #next = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(proc: LabProcess, handle: (line: LogLine) => void, everyMs = 100) {
    this.proc = proc;
    this.#handle = handle;
    this.#timer = setInterval(() => this.drain(), everyMs);
    this.#timer.unref();
  }

  /** Handles the lines that arrived since the last call. */
  drain(): void {
    for (const l of this.proc.lines) {
      if (l.seq < this.#next) continue;
      this.#next = l.seq + 1;
      this.#handle(l);
    }
  }

  /** Drains a last time and stops the timer (the process may go on). */
  close(): void {
    this.drain();
    clearInterval(this.#timer);
  }
}
