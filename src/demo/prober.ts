/**
 * The client: curl from the client's namespace to http://VIP/, a new request every 50 ms
 * whether or not the previous ones have finished (so a request hanging on a dead address does
 * not blur the timeline), each printing one line when done. Short timeouts: a failover is
 * measured in hundreds of milliseconds.
 */
import type { LabNode, LabProcess } from '../testing/netns-lab.js';
import { LineFollower } from './line-follower.js';
import { parseProbeLine } from './probes.js';
import type { Probe } from './types.js';

/**
 * $1 URL, $2 µs between requests. One printf per request: lines never interleave. Requests start
 * on a fixed schedule (EPOCHREALTIME), waiting with bash's own `read -t` on a pipe nobody writes
 * (no sleep process per request); a loop that fell far behind skips ahead instead of bursting.
 */
const PROBE_LOOP = `exec {tick}<> <(:)
start=\${EPOCHREALTIME/./}
i=0
while :; do
  i=$((i + 1))
  {
    out=$(curl -s --connect-timeout 0.5 -m 1 -w '\\t%{exitcode}\\t%{http_code}\\t%{time_total}' "$1")
    printf 'P\\t%s\\t%s\\n' "$i" "\${out//$'\\n'/}"
  } &
  now=\${EPOCHREALTIME/./}
  gap=$((start + i * $2 - now))
  if ((gap < -4 * $2)); then start=$((now - i * $2)); fi
  if ((gap > 0)); then
    printf -v secs '%d.%06d' $((gap / 1000000)) $((gap % 1000000))
    read -t "$secs" -u "$tick"
  fi
done`;

export const PROBE_INTERVAL_MS = 50;

export class ClientProber {
  readonly url: string;
  readonly #proc: LabProcess;
  readonly #follower: LineFollower;
  readonly #probes: Probe[] = [];
  readonly #origin: number;

  /** `originMs`: the performance.now() that is time 0 of the run. */
  constructor(client: LabNode, url: string, originMs: number) {
    this.url = url;
    this.#origin = originMs;
    this.#proc = client.spawn('bash', ['-c', PROBE_LOOP, 'probe', url, String(PROBE_INTERVAL_MS * 1000)], {
      label: 'client-curl',
    });
    this.#follower = new LineFollower(this.#proc, (l) => {
      const p = parseProbeLine(l.text, l.atMs - this.#origin);
      if (p !== undefined) this.#probes.push(p);
    });
  }

  /** Every request so far (run-relative times), in the order they ended. */
  get probes(): readonly Probe[] {
    this.#follower.drain();
    return this.#probes;
  }

  /** The most recent finished request, if any. */
  get last(): Probe | undefined {
    return this.probes[this.#probes.length - 1];
  }

  /**
   * Kills the loop and its requests, the whole process group at once (a request forked while
   * only the loop was being killed would outlive it); again if one slipped through.
   */
  async stop(): Promise<void> {
    this.#follower.close();
    for (let i = 0; i < 5 && this.#proc.running; i++) {
      this.#proc.killGroup('SIGKILL');
      try {
        await this.#proc.waitExit(1500);
      } catch {
        // Still open: another round.
      }
    }
  }
}
