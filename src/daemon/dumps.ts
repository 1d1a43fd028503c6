/**
 * keepalived's state dumps on signals: SIGUSR1 writes keepalived.data, SIGUSR2
 * keepalived.stats, SIGRTMAX-1 (STATS_CLEAR) keepalived.stats and then zeroes the counters,
 * SIGRTMIN+2 keepalived.json (in $TMPDIR or /tmp), from a snapshot the VRRP worker sends back.
 * The signal only asks; the file is written when the answer arrives, as keepalived's VRRP
 * child queues a thread event. Node cannot name real-time signals: the addon catches those.
 */
import { formatDataFile, type InstanceDump } from '../status/vrrp-data-file.js';
import { formatJsonFile } from '../status/vrrp-json-file.js';
import { formatStatsFile } from '../status/vrrp-stats-file.js';
import { writeDumpFile } from '../sys/dump-file.js';
import type { DumpKind, ToWorker } from './worker-protocol.js';

export const DUMP_SIGNALS = { SIGUSR1: 'data', SIGUSR2: 'stats' } as const satisfies Record<string, DumpKind>;

/** The real-time ones, as offsets from this libc's SIGRTMIN / SIGRTMAX (keepalived's signals.h). */
export function realtimeDumpSignals(rt: { min: number; max: number }): ReadonlyMap<number, DumpKind> {
  return new Map<number, DumpKind>([
    [rt.min + 2, 'json'],
    [rt.max - 1, 'stats-clear'],
  ]);
}

const FILE: Record<DumpKind, string> = {
  data: 'keepalived.data',
  stats: 'keepalived.stats',
  'stats-clear': 'keepalived.stats',
  json: 'keepalived.json',
};

/** keepalived's log lines (vrrp_daemon.c's sigusr1_vrrp, sigusr2_vrrp, sigjson_vrrp). */
const LOG: Record<DumpKind, string> = {
  data: 'Printing VRRP data',
  stats: 'Printing VRRP stats',
  'stats-clear': 'Printing and clearing VRRP stats',
  json: 'Printing VRRP as json',
};

/** keepalived's log line for the signal, then the request to the worker. */
export function requestDump(what: DumpKind, log: (text: string) => void, send: (m: ToWorker) => void): void {
  log(`${LOG[what]} for process(${process.pid}) on signal`);
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
      : what === 'json'
        ? formatJsonFile(instances)
        : formatStatsFile(instances.map((d) => ({ name: d.params.name, stats: d.stats })));
  try {
    writeDumpFile(FILE[what], text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    log(`Can't open ${FILE[what]} (${err.errno === undefined ? '' : -err.errno}: ${err.message})`);
  }
}
