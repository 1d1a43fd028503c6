/**
 * The reference implementation in a lab: Debian's keepalived 2.2.7 run in the foreground in a
 * lab node, with its own config and pid files in the lab's run directory, so interop tests can
 * put it on the same segment as keepalived-ts. Also `keepalived -t`, for the config tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { KEEPALIVED_TS } from './config-compare.js';
import type { LabNode } from './lab-node.js';
import type { ExitStatus, LabProcess } from './lab-process.js';
import { pollUntil } from './poll.js';

export const KEEPALIVED = '/usr/sbin/keepalived';
/** Which daemon a lab node runs: the reference or ours, with the same command line. */
export type Implementation = 'keepalived' | 'keepalived-ts';

export interface RefKeepalivedOptions {
  /** Names the files: `<node>-<label>.conf`, `.pid`, `-vrrp.pid`, `-check.pid`. Default `keepalived`. */
  readonly label?: string;
  /** Appended to the command line, e.g. `['-P']` for VRRP only or `['-i', 'id']`. */
  readonly extraArgs?: readonly string[];
  /** How long to wait for the parent's pid file (the sign that it read its config). Default 10 s. */
  readonly startTimeoutMs?: number;
  /** Default 'keepalived'. */
  readonly impl?: Implementation;
  /** Extra environment, e.g. TMPDIR for where the SIGUSR1 / SIGUSR2 dumps go. */
  readonly env?: Readonly<Record<string, string>>;
}

function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

export class RefKeepalived {
  readonly node: LabNode;
  readonly confPath: string;
  readonly pidFile: string;
  readonly vrrpPidFile: string;
  readonly checkPidFile: string;
  readonly proc: LabProcess;

  private constructor(
    node: LabNode,
    paths: { conf: string; pid: string; vrrp: string; check: string },
    proc: LabProcess,
  ) {
    this.node = node;
    this.confPath = paths.conf;
    this.pidFile = paths.pid;
    this.vrrpPidFile = paths.vrrp;
    this.checkPidFile = paths.check;
    this.proc = proc;
  }

  /**
   * Writes `config` to the run directory and starts `keepalived -n -l -D -f CONF -p PID
   * -r VRRP_PID -c CHECK_PID` in `node`; resolves once the parent has written its pid file.
   * Rejects (with keepalived's output) if it exits first.
   */
  static async start(node: LabNode, config: string, opts: RefKeepalivedOptions = {}): Promise<RefKeepalived> {
    const stem = node.path(`${node.name}-${opts.label ?? opts.impl ?? 'keepalived'}`);
    const paths = {
      conf: `${stem}.conf`,
      pid: `${stem}.pid`,
      vrrp: `${stem}-vrrp.pid`,
      check: `${stem}-check.pid`,
    };
    // keepalived will not start while a pid file names a live process; a stale one from an
    // earlier start under the same label must go.
    for (const f of [paths.pid, paths.vrrp, paths.check]) rmSync(f, { force: true });
    writeFileSync(paths.conf, config);
    const args = ['-n', '-l', '-D', '-f', paths.conf, '-p', paths.pid, '-r', paths.vrrp, '-c', paths.check];
    const command = opts.impl === 'keepalived-ts' ? KEEPALIVED_TS : KEEPALIVED;
    const argv = [...args, ...(opts.extraArgs ?? [])];
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
    // env(1) execs the daemon: the pid the lab knows stays the daemon's.
    const proc = node.spawn(
      env.length === 0 ? command : '/usr/bin/env',
      env.length === 0 ? argv : [...env, command, ...argv],
      {
        label: opts.label ?? opts.impl ?? 'keepalived',
      },
    );
    const ref = new RefKeepalived(node, paths, proc);
    try {
      await pollUntil(() => !proc.running || readPid(paths.pid) !== undefined, {
        what: `keepalived's pid file ${paths.pid}`,
        timeoutMs: opts.startTimeoutMs ?? 10_000,
        intervalMs: 20,
      });
      if (!proc.running)
        throw new Error(`keepalived exited at start (${proc.status?.code}):\n${proc.tail()}`);
    } catch (e: unknown) {
      await ref.stop();
      throw e;
    }
    return ref;
  }

  /** The VRRP child's pid, once keepalived has started it. */
  vrrpPid(): number | undefined {
    return readPid(this.vrrpPidFile);
  }

  /** The health-checker child's pid, when one runs (only with virtual servers configured). */
  checkerPid(): number | undefined {
    return readPid(this.checkPidFile);
  }

  /**
   * SIGTERM to the parent (keepalived stops its children, drops its VIPs, sends priority 0),
   * SIGKILL to the whole group if it has not exited within `timeoutMs`; then the pid files go.
   * Idempotent.
   */
  async stop(opts: { timeoutMs?: number } = {}): Promise<ExitStatus> {
    const status = await this.proc.stop({ timeoutMs: opts.timeoutMs ?? 10_000 });
    for (const f of [this.pidFile, this.vrrpPidFile, this.checkPidFile]) rmSync(f, { force: true });
    return status;
  }
}

/** Starts the reference keepalived in `node` (see RefKeepalived.start). */
export function startKeepalived(
  node: LabNode,
  config: string,
  opts: RefKeepalivedOptions = {},
): Promise<RefKeepalived> {
  return RefKeepalived.start(node, config, opts);
}

export interface ConfigTestOptions {
  /** Network namespace to run in (interfaces named in the config are checked there). */
  readonly ns?: string;
  /** `-i ID`: selects `@ID` lines. */
  readonly configId?: string;
  readonly timeoutMs?: number;
}

/** `keepalived -t -f FILE [-i ID]`, optionally inside a namespace. */
export function keepalivedConfigTest(
  confPath: string,
  opts: ConfigTestOptions = {},
): { status: number; stderr: string } {
  if (!existsSync(KEEPALIVED)) throw new Error(`${KEEPALIVED} is not installed`);
  const args = ['-t', '-f', confPath, ...(opts.configId === undefined ? [] : ['-i', opts.configId])];
  const [cmd, argv] =
    opts.ns === undefined ? [KEEPALIVED, args] : ['ip', ['netns', 'exec', opts.ns, KEEPALIVED, ...args]];
  const r = spawnSync(cmd, argv, {
    encoding: 'latin1',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 << 20,
  });
  if (r.error !== undefined && r.status === null && r.signal === null) throw r.error;
  // A signal (e.g. the timeout's SIGTERM) is reported as a shell would: 128 + number.
  const signo = r.signal === null ? 0 : (constants.signals[r.signal] ?? 0);
  return { status: r.status ?? 128 + signo, stderr: r.stderr ?? '' };
}
