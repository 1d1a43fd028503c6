/**
 * The process table from /proc, for track_process (src/track/process-tracker.ts): each
 * process's pid, parent, comm and zombie state from /proc/PID/stat, and /proc/PID/cmdline when
 * a full_command tracker needs it, as keepalived's read_procs reads them.
 *
 * keepalived learns of forks, execs and exits from the kernel's process connector
 * (NETLINK_CONNECTOR, CN_IDX_PROC) after one such scan. That socket only works in the initial
 * network namespace (measured: PROC_CN_MCAST_LISTEN is refused with ECONNREFUSED in any other,
 * so keepalived started inside a namespace never sees a process unless `net_namespace` makes it
 * open the socket first). keepalived-ts runs in namespaces and containers, so it rescans /proc
 * every PROC_SCAN_INTERVAL_MS instead: detection takes up to that long (the connector: 3.5 ms
 * median), at about 20 µs of CPU per process per scan, 30 µs with cmdline (bench/RESULTS.md).
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import type { ProcessInfo } from '../track/process-match.js';

/** How often the process table is read while any track_process is in use. */
export const PROC_SCAN_INTERVAL_MS = 200;

/** /proc/PID/stat fits the comm (<= 15 bytes) and the first fields in far less. */
const STAT_BYTES = 512;

export interface ProcScanOptions {
  /** Read /proc/PID/cmdline (some tracker uses full_command). */
  readonly cmdline: boolean;
  /** Bytes of cmdline that can matter (the longest `process` plus parameters, plus 2). */
  readonly cmdlineBytes: number;
  readonly procDir?: string;
}

/** Reads up to buf.length bytes of a file; undefined when it cannot be read (process gone). */
function readInto(path: string, buf: Buffer): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    return readSync(fd, buf, 0, buf.length, 0);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** "PID (comm) S PPID ...": comm may hold spaces and parentheses; the last ')' ends it. */
export function parseStat(text: string): { comm: string; state: string; ppid: number } | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  return { comm: text.slice(open + 1, close), state: rest[0] ?? '', ppid: Number(rest[1] ?? 0) };
}

export function scanProcesses(opts: ProcScanOptions): ProcessInfo[] {
  const dir = opts.procDir ?? '/proc';
  const statBuf = Buffer.alloc(STAT_BYTES);
  const cmdBuf = Buffer.alloc(Math.max(1, opts.cmdlineBytes));
  const out: ProcessInfo[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 0x31 || c > 0x39) continue;
    const n = readInto(`${dir}/${name}/stat`, statBuf);
    if (n === undefined) continue;
    const stat = parseStat(statBuf.toString('utf8', 0, n));
    if (stat === undefined) continue;
    let cmdline: Uint8Array | undefined;
    if (opts.cmdline) {
      const m = readInto(`${dir}/${name}/cmdline`, cmdBuf);
      if (m === undefined) continue;
      cmdline = Buffer.from(cmdBuf.subarray(0, m));
    }
    out.push({ pid: Number(name), ppid: stat.ppid, comm: stat.comm, zombie: stat.state === 'Z', cmdline });
  }
  return out;
}
