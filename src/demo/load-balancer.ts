/**
 * One load balancer of the seed's pair (lb01 or lb02): a lab machine with nginx and keepalived
 * (or keepalived-ts), driven the way an operator drives it (`systemctl` inside the machine,
 * `kill`), and watched: the daemon's log followed line by line (states, exits), its addresses
 * followed with `ip monitor` (the VIP coming and going).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { KEEPALIVED_TS } from '../testing/config-compare.js';
import type { Implementation } from '../testing/keepalived-ref.js';
import { KEEPALIVED } from '../testing/keepalived-ref.js';
import type { ExecResult, Lab, LabNode, LabProcess, LogLine } from '../testing/netns-lab.js';
import { daemonArgs, type NodeLayout, nodeLayout, setDaemon, writeNodeFiles } from './lab-files.js';
import { LineFollower } from './line-follower.js';
import { Machine } from './machine.js';
import type { RunRecord } from './record.js';
import { ALERT_RCPT, type DaemonState, LB_ADDR, type LbName, MAIL_ADDR, PAGE, VIP } from './types.js';

const SEED_CONFIG: Readonly<Record<LbName, string>> = {
  lb01: 'seed-4.6-master.conf',
  lb02: 'seed-4.6-slave.conf',
};

/** The state a daemon's log line announces, if any (keepalived's and ours read alike). */
export function stateOfLogLine(text: string): DaemonState | undefined {
  const m = /\) Entering (MASTER|BACKUP|FAULT) STATE/.exec(text);
  if (m) return m[1] as DaemonState;
  if (/: Starting (?:Keepalived|keepalived-ts) v/.test(text)) return 'INIT';
  if (text.startsWith('### keepalived exited')) return 'DOWN';
  return undefined;
}

export class LoadBalancer {
  readonly name: LbName;
  readonly node: LabNode;
  readonly machine: Machine;
  readonly layout: NodeLayout;
  /** The config as the lab adapted it from the seed (script paths, the lab's mail server). */
  readonly seedConfig: string;
  readonly #log: LabProcess;
  readonly #followers: LineFollower[];
  #impl: Implementation;

  private constructor(
    name: LbName,
    node: LabNode,
    machine: Machine,
    layout: NodeLayout,
    seedConfig: string,
    impl: Implementation,
    record: RunRecord,
  ) {
    this.name = name;
    this.node = node;
    this.machine = machine;
    this.layout = layout;
    this.seedConfig = seedConfig;
    this.#impl = impl;
    this.#log = node.spawn('tail', ['-F', '-n', '+1', layout.keepalivedLog], { label: 'keepalived-log' });
    const addrs = node.spawn('ip', ['-o', 'monitor', 'address', 'dev', node.ifname], { label: 'ip-monitor' });
    const vipRe = new RegExp(` inet ${VIP.replace(/\./g, '\\.')}/`);
    this.#followers = [
      new LineFollower(this.#log, (l) => {
        const s = stateOfLogLine(l.text);
        if (s !== undefined) record.state(name, record.at(l.atMs), s);
      }),
      new LineFollower(addrs, (l) => {
        if (vipRe.test(l.text)) record.vip(name, record.at(l.atMs), !l.text.startsWith('Deleted'));
      }),
    ];
  }

  static async create(
    lab: Lab,
    name: LbName,
    impl: Implementation,
    record: RunRecord,
  ): Promise<LoadBalancer> {
    const node = await lab.addNode(name, { ipv4: `${LB_ADDR[name]}/24` });
    const layout = nodeLayout(lab.runDir, name);
    const seedConfig = writeNodeFiles(layout, {
      seedConfig: SEED_CONFIG[name],
      page: PAGE[name],
      mail: { node: name, server: MAIL_ADDR, rcpt: ALERT_RCPT },
    });
    const machine = await Machine.boot(node, name, { pathPrefix: [layout.binDir] });
    const lb = new LoadBalancer(name, node, machine, layout, seedConfig, impl, record);
    lb.impl = impl;
    return lb;
  }

  get impl(): Implementation {
    return this.#impl;
  }

  /** Which daemon the next `systemctl start keepalived` runs. */
  set impl(impl: Implementation) {
    this.#impl = impl;
    const argv = impl === 'keepalived' ? [KEEPALIVED] : [process.execPath, KEEPALIVED_TS];
    setDaemon(this.layout, [...argv, ...daemonArgs(this.layout)]);
  }

  /** Replaces the config the daemon reads at its next start. */
  writeConfig(text: string): void {
    writeFileSync(this.layout.conf, text);
  }

  systemctl(action: string, unit: 'keepalived' | 'nginx'): Promise<ExecResult> {
    return this.machine.exec('systemctl', [action, unit], { timeoutMs: 20_000 });
  }

  async #must(action: string, unit: 'keepalived' | 'nginx'): Promise<void> {
    const r = await this.systemctl(action, unit);
    if (r.code !== 0) {
      throw new Error(`${this.name}: systemctl ${action} ${unit} exited ${r.code}: ${r.stderr.trim()}`);
    }
  }

  startKeepalived(): Promise<void> {
    return this.#must('start', 'keepalived');
  }
  stopKeepalived(): Promise<void> {
    return this.#must('stop', 'keepalived');
  }
  startNginx(): Promise<void> {
    return this.#must('start', 'nginx');
  }
  stopNginx(): Promise<void> {
    return this.#must('stop', 'nginx');
  }

  async isActive(unit: 'keepalived' | 'nginx'): Promise<boolean> {
    return (await this.systemctl('is-active', unit)).code === 0;
  }

  /** `kill -9` of every keepalived process, by the pids in its pid files: no priority-0 advert. */
  async killKeepalived(): Promise<void> {
    const pids = new Set<string>();
    for (const f of [this.layout.pidFile, this.layout.vrrpPidFile, this.layout.checkPidFile]) {
      const pid = readPid(f);
      if (pid !== undefined) pids.add(pid);
    }
    if (pids.size === 0) throw new Error(`${this.name}: no keepalived pid to kill`);
    await this.machine.exec('kill', ['-9', ...pids]);
  }

  /** nginx dies: `kill -9` of its process group (master and workers), by the pid in its pid file. */
  async killNginx(): Promise<void> {
    const pid = readPid(this.layout.nginxPid);
    if (pid === undefined) throw new Error(`${this.name}: nginx is not running`);
    await this.machine.run('kill', ['-9', '--', `-${pid}`]);
  }

  async hasVip(): Promise<boolean> {
    return await this.node.hasAddress(VIP);
  }

  async mac(): Promise<string> {
    return (await this.node.run('cat', [`/sys/class/net/${this.node.ifname}/address`])).trim();
  }

  /** A mark for waitLog: lines from here on. */
  mark(): number {
    return this.#log.lineCount;
  }

  /** The daemon's first log line from `since` on that matches, or undefined at the deadline. */
  async waitLog(pattern: string | RegExp, since: number, timeoutMs: number): Promise<LogLine | undefined> {
    try {
      return await this.#log.waitForLogLine(pattern, { since, timeoutMs });
    } catch {
      return undefined;
    }
  }

  /** The daemon's log lines from `since` on (text only). */
  logSince(since: number): string[] {
    return this.#log.lines.filter((l) => l.seq >= since).map((l) => l.text);
  }

  /** The systemctl calls made on this node so far, one line each. */
  systemctlCalls(): string[] {
    try {
      return readFileSync(this.layout.systemctlLog, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  /** Stops following (the processes go with the lab). */
  close(): void {
    for (const f of this.#followers) f.close();
  }

  drain(): void {
    for (const f of this.#followers) f.drain();
  }
}

function readPid(file: string): string | undefined {
  try {
    const t = readFileSync(file, 'utf8').trim();
    return /^[0-9]+$/.test(t) ? t : undefined;
  } catch {
    return undefined;
  }
}
