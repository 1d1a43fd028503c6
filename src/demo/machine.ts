/**
 * A lab node that behaves like a machine of its own, not just a network namespace: its own
 * process table (PID namespace with a fresh /proc), its own hostname (UTS namespace) and a
 * mount namespace to hold that /proc. The seed's scripts need this: check_n.sh decides whether
 * nginx runs with `ps -ef | grep nginx`, which in a bare network namespace would see the other
 * node's nginx, and notify.sh's mail names `hostname`.
 *
 * The namespaces are held by a small init (bash as PID 1, which reaps orphans such as a
 * daemonised nginx that exited, so `ps` never shows a defunct nginx). Every command then runs
 * through `nsenter` into the init's namespaces, inside the node's network namespace. Killing the
 * init (the lab does, at teardown) makes the kernel kill everything left in the machine.
 */
import { readFileSync } from 'node:fs';
import type { ExecOptions, ExecResult, LabNode, LabProcess, SpawnOptions } from '../testing/netns-lab.js';
import { pollUntil } from '../testing/netns-lab.js';

/** PATH as systemd gives a service (what keepalived and its scripts see on a Debian host). */
export const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Ignores the signals a stray `kill` inside the machine could send it; reaps adopted orphans. */
const INIT_SCRIPT = 'hostname "$1"; trap "" TERM INT HUP; while :; do sleep 3600 & wait $!; done';

export interface MachineEnv {
  /** Directories put before SERVICE_PATH (the lab's stand-ins for systemctl and mail). */
  readonly pathPrefix?: readonly string[];
}

export class Machine {
  readonly node: LabNode;
  readonly hostname: string;
  /** The init's pid as the lab (the host's PID namespace) sees it. */
  readonly initPid: number;
  readonly #init: LabProcess;
  readonly #env: readonly string[];

  private constructor(node: LabNode, hostname: string, init: LabProcess, initPid: number, env: MachineEnv) {
    this.node = node;
    this.hostname = hostname;
    this.#init = init;
    this.initPid = initPid;
    const path = [...(env.pathPrefix ?? []), SERVICE_PATH].join(':');
    this.#env = ['env', '-i', `PATH=${path}`, 'LANG=C.UTF-8', 'HOME=/root', 'TERM=dumb'];
  }

  /** Starts the machine's init in `node` and resolves once its namespaces can be entered. */
  static async boot(node: LabNode, hostname: string, env: MachineEnv = {}): Promise<Machine> {
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(hostname)) throw new Error(`machine: bad hostname "${hostname}"`);
    const init = node.spawn(
      'unshare',
      ['--pid', '--mount', '--uts', '--fork', '--mount-proc', 'bash', '-c', INIT_SCRIPT, 'init', hostname],
      { label: 'init' },
    );
    // `ip netns exec` execs unshare in place, so the init (bash, PID 1 inside) is unshare's child.
    const initPid = await pollUntil(
      () => {
        if (!init.running) throw new Error(`machine init exited:\n${init.tail()}`);
        const kids = readFileSync(`/proc/${init.pid}/task/${init.pid}/children`, 'utf8').trim();
        const pid = Number(kids.split(' ')[0]);
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
      },
      { what: `the init of machine ${hostname}`, timeoutMs: 5000, intervalMs: 10 },
    );
    const m = new Machine(node, hostname, init, initPid, env);
    await pollUntil(async () => (await m.exec('hostname')).stdout.trim() === hostname, {
      what: `hostname ${hostname} inside the machine`,
      timeoutMs: 5000,
      intervalMs: 20,
    });
    return m;
  }

  get name(): string {
    return this.node.name;
  }

  /** `ip netns exec NS nsenter -t INIT -m -u -p -- env -i PATH=… cmd args…` */
  #argv(cmd: string, args: readonly string[]): string[] {
    return ['-t', String(this.initPid), '-m', '-u', '-p', '--', ...this.#env, cmd, ...args];
  }

  /** Runs `cmd` inside the machine; a non-zero exit is not an error. */
  exec(cmd: string, args: readonly string[] = [], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.node.exec('nsenter', this.#argv(cmd, args), opts);
  }

  /** Like exec, but a non-zero exit rejects; resolves with stdout. */
  run(cmd: string, args: readonly string[] = [], opts: ExecOptions = {}): Promise<string> {
    return this.node.run('nsenter', this.#argv(cmd, args), opts);
  }

  /** A long-running foreground process inside the machine, tracked (and killed) by the lab. */
  spawn(cmd: string, args: readonly string[] = [], opts: SpawnOptions = {}): LabProcess {
    return this.node.spawn('nsenter', this.#argv(cmd, args), {
      ...opts,
      label: opts.label ?? cmd.split('/').pop() ?? cmd,
    });
  }

  /** Whether the machine's init still runs (it only ends with the lab). */
  get running(): boolean {
    return this.#init.running;
  }
}
