/**
 * Child processes of a test lab. Each one is started in a process group of its own (detached),
 * so teardown can kill it together with whatever it forked without touching anything else, and
 * a terminal's Ctrl-C reaches us first, so we decide the order of cleanup.
 * execFile-style argv only: nothing is ever parsed by a shell.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants } from 'node:os';

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ExecResult {
  /** The exit code, or 128 + the signal number when a signal ended it (as a shell reports). */
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Default 10 s. On expiry the whole group is killed and exec rejects. */
  readonly timeoutMs?: number;
  /** Written to stdin (e.g. `ip -batch -`, `nft -f -`); stdin is closed otherwise. */
  readonly input?: string;
}

/**
 * The process groups a lab started and has not yet seen end. A group id is the pid of its
 * leader; while the leader is unreaped (or any member lives) the kernel cannot hand that id to
 * another process, so killing `-pgid` here can only reach processes we started.
 */
export class ProcessGroups {
  readonly #live = new Set<number>();
  add(pgid: number): void {
    this.#live.add(pgid);
  }
  delete(pgid: number): void {
    this.#live.delete(pgid);
  }
  killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
    for (const pgid of this.#live) killGroup(pgid, signal);
  }
  get size(): number {
    return this.#live.size;
  }
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function killGroup(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pgid, signal);
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

function describeArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Runs a command to completion in its own process group and collects its output. */
export function execGroup(
  groups: ProcessGroups,
  argv: readonly [string, ...string[]],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd, args, {
      detached: true,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid === undefined) {
      child.once('error', (e) => reject(new Error(`cannot start ${describeArgv(argv)}: ${e.message}`)));
      return;
    }
    groups.add(pid);
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(pid);
    }, timeoutMs);
    child.once('exit', () => {
      // Nothing a lab command forks may outlive it (see LabProcess); the id is still reserved.
      killGroup(pid);
      groups.delete(pid);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        reject(new Error(`${describeArgv(argv)} did not finish within ${timeoutMs} ms; stderr: ${stderr}`));
      } else {
        resolve({ code: exitCode(code, signal), signal, stdout, stderr });
      }
    });
  });
}

/** Like execGroup, but a non-zero exit is an error naming the command and its stderr. */
export async function runGroup(
  groups: ProcessGroups,
  argv: readonly [string, ...string[]],
  opts: ExecOptions = {},
): Promise<string> {
  const r = await execGroup(groups, argv, opts);
  if (r.code !== 0) throw new Error(`${describeArgv(argv)} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

export interface LogLine {
  /** 0-based position among all lines this process has printed (not just the kept tail). */
  readonly seq: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** performance.now() when the line arrived: failover timings are measured on it. */
  readonly atMs: number;
}

export interface WaitLineOptions {
  readonly timeoutMs?: number;
  /** Only lines with `seq >= since` count, e.g. `proc.lineCount` taken before a failover. */
  readonly since?: number;
}

/** How many lines a LabProcess keeps in memory; the log file has them all. */
const TAIL_LINES = 2000;

/**
 * A long-running process in a lab node. Output is split into lines, appended to `logFile`
 * synchronously (so an abrupt exit loses nothing) and its tail kept for assertions.
 * A process is expected to stay in the foreground: when the leader exits, anything left in
 * its group is killed, so a forked-off daemon cannot survive its test.
 */
export class LabProcess {
  readonly pid: number;
  readonly label: string;
  readonly logFile: string;
  readonly #tail: LogLine[] = [];
  #count = 0;
  #status: ExitStatus | undefined;
  readonly #exited: Promise<ExitStatus>;
  /** Called on every new line and at exit; waitForLine registers here. */
  readonly #watchers = new Set<() => void>();

  constructor(groups: ProcessGroups, argv: readonly [string, ...string[]], label: string, logFile: string) {
    const [cmd, ...args] = argv;
    this.label = label;
    this.logFile = logFile;
    const fd = openSync(logFile, 'a');
    writeSync(fd, `# ${describeArgv(argv)}\n`);
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) {
      closeSync(fd);
      throw new Error(`cannot start ${describeArgv(argv)}`);
    }
    const pid = child.pid;
    this.pid = pid;
    groups.add(pid);
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      const emit = (text: string): void => {
        writeSync(fd, `${new Date().toISOString()} ${stream === 'stdout' ? 'O' : 'E'} ${text}\n`);
        this.#tail.push({ seq: this.#count++, stream, text, atMs: performance.now() });
        if (this.#tail.length > TAIL_LINES) this.#tail.shift();
        for (const w of this.#watchers) w();
      };
      const s = child[stream];
      s.setEncoding('utf8');
      s.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const p of parts) emit(p);
      });
      s.on('end', () => {
        if (partial !== '') emit(partial);
        partial = '';
      });
    }
    child.once('exit', () => {
      killGroup(pid);
      groups.delete(pid);
    });
    this.#exited = new Promise((resolve) => {
      // 'close' comes after both pipes are drained, so every line is in before waiters wake.
      child.once('close', (code, signal) => {
        closeSync(fd);
        this.#status = { code, signal };
        for (const w of this.#watchers) w();
        resolve(this.#status);
      });
    });
  }

  /** The exit status once the process has ended and its output is drained. */
  get status(): ExitStatus | undefined {
    return this.#status;
  }
  get running(): boolean {
    return this.#status === undefined;
  }
  /** Total lines printed so far (a `since` mark for waitForLine). */
  get lineCount(): number {
    return this.#count;
  }
  /** The kept tail of stdout and stderr, interleaved in arrival order. */
  get lines(): readonly LogLine[] {
    return this.#tail;
  }
  get stdoutLines(): readonly string[] {
    return this.#tail.filter((l) => l.stream === 'stdout').map((l) => l.text);
  }
  get stderrLines(): readonly string[] {
    return this.#tail.filter((l) => l.stream === 'stderr').map((l) => l.text);
  }
  /** The last `n` lines as text, for error messages. */
  tail(n = 30): string {
    return this.#tail
      .slice(-n)
      .map((l) => l.text)
      .join('\n');
  }

  /** Signals the leader only, as a service manager would; it is up to it to stop its children. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.#status !== undefined) return false;
    try {
      return process.kill(this.pid, signal);
    } catch {
      return false;
    }
  }

  /** Signals the whole group (leader and everything it forked). */
  killGroup(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.#status === undefined) killGroup(this.pid, signal);
  }

  /** Resolves with the exit status; rejects, naming the process and its last output, on timeout. */
  waitExit(timeoutMs = 5000): Promise<ExitStatus> {
    if (this.#status !== undefined) return Promise.resolve(this.#status);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`${this.label} (pid ${this.pid}) still running after ${timeoutMs} ms:\n${this.tail()}`),
        );
      }, timeoutMs);
      void this.#exited.then((s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  /** `signal` to the leader, then SIGKILL to the group if it has not exited within `timeoutMs`. */
  async stop(opts: { timeoutMs?: number; signal?: NodeJS.Signals } = {}): Promise<ExitStatus> {
    if (this.#status !== undefined) return this.#status;
    this.kill(opts.signal ?? 'SIGTERM');
    try {
      return await this.waitExit(opts.timeoutMs ?? 5000);
    } catch {
      this.killGroup('SIGKILL');
      return await this.waitExit(5000);
    }
  }

  /**
   * The first line (from `since` on) that contains `pattern` or matches it. Rejects when the
   * deadline passes or the process exits first, with the last output in the message.
   */
  async waitForLine(pattern: string | RegExp, opts: WaitLineOptions = {}): Promise<string> {
    return (await this.waitForLogLine(pattern, opts)).text;
  }

  /** waitForLine, resolving with the whole line: its arrival time and position too. */
  waitForLogLine(pattern: string | RegExp, opts: WaitLineOptions = {}): Promise<LogLine> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const since = opts.since ?? 0;
    const matches = (t: string): boolean =>
      typeof pattern === 'string' ? t.includes(pattern) : t.search(pattern) >= 0;
    let next = since;
    return new Promise((resolve, reject) => {
      const done = (f: () => void): void => {
        clearTimeout(timer);
        this.#watchers.delete(check);
        f();
      };
      const check = (): void => {
        for (const l of this.#tail) {
          if (l.seq < next) continue;
          next = l.seq + 1;
          if (matches(l.text)) {
            done(() => resolve(l));
            return;
          }
        }
        if (this.#status !== undefined) {
          const s = this.#status;
          done(() =>
            reject(
              new Error(
                `${this.label} exited (${s.code ?? s.signal}) before printing ${pattern}:\n${this.tail()}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done(() =>
          reject(new Error(`${this.label} printed no ${pattern} within ${timeoutMs} ms:\n${this.tail()}`)),
        );
      }, timeoutMs);
      this.#watchers.add(check);
      check();
    });
  }
}
