/**
 * keepalived's state dumps on signals: SIGUSR1 writes keepalived.data, SIGUSR2
 * keepalived.stats (in $TMPDIR or /tmp), from a snapshot the VRRP worker sends back. The
 * signal only asks; the file is written when the answer arrives, as keepalived's VRRP child
 * queues a thread event. SIGRTMAX-1 (STATS_CLEAR) and SIGRTMIN+2 (JSON) are not handled:
 * Node cannot listen for real-time signals.
 */
import { formatDataFile, type InstanceDump } from '../status/vrrp-data-file.js';
import { formatStatsFile } from '../status/vrrp-stats-file.js';
import { writeDumpFile } from '../sys/dump-file.js';
import type { DumpKind, ToWorker } from './worker-protocol.js';

export const DUMP_SIGNALS = { SIGUSR1: 'data', SIGUSR2: 'stats' } as const satisfies Record<string, DumpKind>;

const FILE: Record<DumpKind, string> = { data: 'keepalived.data', stats: 'keepalived.stats' };

/** keepalived's log line for the signal, then the request to the worker. */
export function requestDump(what: DumpKind, log: (text: string) => void, send: (m: ToWorker) => void): void {
  log(`Printing VRRP ${what} for process(${process.pid}) on signal`);
  send({ type: 'dump', what });
}

/** The worker's answer written out; failures logged with keepalived's wording. */
export function writeDump(
  what: DumpKind,
  instances: readonly InstanceDump[],
  log: (text: string) => void,
): void {
  const text =
    what === 'data'
      ? formatDataFile(instances)
      : formatStatsFile(instances.map((d) => ({ name: d.params.name, stats: d.stats })));
  try {
    writeDumpFile(FILE[what], text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    log(`Can't open ${FILE[what]} (${err.errno === undefined ? '' : -err.errno}: ${err.message})`);
  }
}
