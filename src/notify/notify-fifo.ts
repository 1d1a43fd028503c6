/**
 * A notify FIFO as keepalived's fifo_open keeps it (lib/notify.c): created with mkfifo when
 * missing (mode 0644, owner set when configured), its notify_fifo_script started (with the FIFO's
 * path appended to its arguments) before the
 * FIFO is opened, opened read-write and non-blocking so that writes never wait for a reader;
 * a full FIFO loses lines rather than stall the daemon. The FIFO we created is unlinked at close.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, constants, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { NotifyFifo, ScriptCommand } from '../config/model/global.js';

export interface FifoIds {
  readonly uid: number;
  readonly gid: number;
}

export class NotifyFifoWriter {
  readonly path: string;
  #fd: number | undefined;
  #created = false;
  #script: ChildProcess | undefined;
  #lost = 0;

  constructor(
    fifo: NotifyFifo,
    opts: {
      readonly script?: ScriptCommand;
      readonly owner?: FifoIds;
      readonly scriptIds?: FifoIds;
      readonly log: (text: string) => void;
    },
  ) {
    this.path = fifo.path;
    if (!existsSync(fifo.path)) {
      // Node has no mkfifo(3); the coreutils command does exactly that, once, at start.
      const r = spawnSync('mkfifo', ['-m', '644', fifo.path]);
      if (r.status !== 0) {
        opts.log(`Unable to create notify fifo ${fifo.path}`);
        return;
      }
      this.#created = true;
      if (opts.owner !== undefined) {
        try {
          chownSync(fifo.path, opts.owner.uid, opts.owner.gid);
        } catch {
          opts.log(`Failed to set uid:gid for fifo ${fifo.path}`);
        }
      }
    }
    const [cmd, ...args] = opts.script?.args ?? [];
    if (cmd !== undefined) {
      // keepalived gives the script the FIFO's path as its last argument (vrrp.c add_script_param).
      const child = spawn(cmd, [...args, fifo.path], {
        detached: true,
        stdio: 'ignore',
        cwd: '/',
        ...(opts.scriptIds === undefined ? {} : { uid: opts.scriptIds.uid, gid: opts.scriptIds.gid }),
      });
      child.on('error', (e) => opts.log(`Failed to exec notify fifo script ${cmd}: ${e.message}`));
      this.#script = child;
    }
    try {
      this.#fd = openSync(fifo.path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (e) {
      opts.log(`Unable to open notify fifo ${fifo.path} - ${(e as Error).message}`);
      if (this.#created) unlinkSync(fifo.path);
      this.#created = false;
    }
  }

  /** Lines lost because the FIFO was full (nobody reading). */
  get lost(): number {
    return this.#lost;
  }

  write(line: string): void {
    if (this.#fd === undefined) return;
    try {
      writeSync(this.#fd, line);
    } catch {
      this.#lost++;
    }
  }

  close(): void {
    // Unlink first, so that a script reopening the FIFO in a loop cannot find it again.
    if (this.#created) {
      try {
        unlinkSync(this.path);
      } catch {
        // Already gone.
      }
      this.#created = false;
    }
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#script?.pid !== undefined && this.#script.exitCode === null) {
      try {
        process.kill(-this.#script.pid, 'SIGTERM');
      } catch {
        // It exited meanwhile.
      }
    }
  }
}
