/**
 * One node of a netns lab: a namespace with lo and eth0 on the lab's switch. Everything it runs
 * goes through `ip netns exec` in a process group the lab tracks, so teardown reaches it.
 */
import { basename, join } from 'node:path';
import { canonicalIp } from '../base/ip.js';
import {
  type ExecOptions,
  type ExecResult,
  execGroup,
  LabProcess,
  type ProcessGroups,
  runGroup,
} from './lab-process.js';

/** The node's interface on the switch: the veth peer is created under this name inside the node. */
export const NODE_IF = 'eth0';

export interface NodeOptions {
  /** `A.B.C.D/len` from 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24 (RFC 5737). */
  readonly ipv4?: string;
  /** `2001:db8:…/len` (RFC 3849). */
  readonly ipv6?: string;
}

export interface SpawnOptions {
  /** Default: `<runDir>/<node>-<label>-<n>.log`. */
  readonly logFile?: string;
  /** Default: the command's basename. */
  readonly label?: string;
}

/** The `local` and `prefixlen` of every address in `ip -j addr show` output. */
function parseAddrJson(text: string): string[] {
  const data: unknown = JSON.parse(text === '' ? '[]' : text);
  const out: string[] = [];
  if (!Array.isArray(data)) return out;
  for (const link of data as unknown[]) {
    const info = (link as { addr_info?: unknown }).addr_info;
    if (!Array.isArray(info)) continue;
    for (const a of info as { local?: unknown; prefixlen?: unknown }[]) {
      if (typeof a.local === 'string') out.push(`${a.local}/${String(a.prefixlen)}`);
    }
  }
  return out;
}

/** Canonical text of the address part of `ip` or `ip/len` (so `2001:DB8:0::1` matches). */
function canonicalAddr(text: string): string {
  const addr = text.split('/')[0] ?? '';
  const c = canonicalIp(addr);
  return c.ok ? c.value : addr;
}

/**
 * A TCP connect probe (iputils ping is not among the lab's packages). The target's kernel
 * answers a SYN to a closed port with RST, so "refused" proves two-way reachability without
 * any server in the target; a timeout or an unreachable error means no path.
 */
const REACH_PROBE = `const [host, port, ms] = process.argv.slice(1);
const s = require('node:net').connect({ host, port: Number(port) });
s.setTimeout(Number(ms), () => process.exit(2));
s.on('connect', () => process.exit(0));
s.on('error', (e) => process.exit(e.code === 'ECONNREFUSED' ? 0 : 1));`;

/** What a node needs from its lab; kept narrow so LabNode cannot reach into teardown. */
export interface NodeHost {
  readonly groups: ProcessGroups;
  readonly runDir: string;
  adopt(proc: LabProcess): void;
  assertAlive(): void;
}

export class LabNode {
  readonly name: string;
  /** The node's network namespace. */
  readonly ns: string;
  /** Its interface on the switch, inside `ns`. */
  readonly ifname = NODE_IF;
  /** The switch-side end of its veth (in the switch namespace); partition rules name it. */
  readonly port: string;
  /** Addresses as given, with prefix length. */
  readonly ipv4: string | undefined;
  readonly ipv6: string | undefined;
  readonly #host: NodeHost;
  #spawned = 0;

  constructor(host: NodeHost, name: string, ns: string, opts: NodeOptions) {
    this.#host = host;
    this.name = name;
    this.ns = ns;
    this.port = `p-${name}`;
    this.ipv4 = opts.ipv4;
    this.ipv6 = opts.ipv6;
  }

  /** Runs `cmd` inside the node and collects its output; a non-zero exit is not an error. */
  async exec(cmd: string, args: readonly string[] = [], opts: ExecOptions = {}): Promise<ExecResult> {
    this.#host.assertAlive();
    return await execGroup(this.#host.groups, ['ip', 'netns', 'exec', this.ns, cmd, ...args], opts);
  }

  /** Like exec, but a non-zero exit rejects; resolves with stdout. */
  async run(cmd: string, args: readonly string[] = [], opts: ExecOptions = {}): Promise<string> {
    this.#host.assertAlive();
    return await runGroup(this.#host.groups, ['ip', 'netns', 'exec', this.ns, cmd, ...args], opts);
  }

  /** Starts a long-running foreground process inside the node; the lab kills it at teardown. */
  spawn(cmd: string, args: readonly string[] = [], opts: SpawnOptions = {}): LabProcess {
    this.#host.assertAlive();
    const label = opts.label ?? basename(cmd);
    const logFile = opts.logFile ?? join(this.#host.runDir, `${this.name}-${label}-${++this.#spawned}.log`);
    const proc = new LabProcess(
      this.#host.groups,
      ['ip', 'netns', 'exec', this.ns, cmd, ...args],
      label,
      logFile,
    );
    this.#host.adopt(proc);
    return proc;
  }

  /** Every address on `dev` as `addr/len` (tentative ones included). */
  async addresses(dev: string = NODE_IF): Promise<string[]> {
    return parseAddrJson(await this.run('ip', ['-j', 'addr', 'show', 'dev', dev]));
  }

  /** Whether `ip` (optionally `ip/len`, then the length must match too) is on `dev`. */
  async hasAddress(ip: string, dev: string = NODE_IF): Promise<boolean> {
    const want = canonicalAddr(ip);
    const len = ip.includes('/') ? ip.split('/')[1] : undefined;
    return (await this.addresses(dev)).some(
      (a) => canonicalAddr(a) === want && (len === undefined || a.split('/')[1] === len),
    );
  }

  /** The MAC address of `dev`. */
  async mac(dev: string = NODE_IF): Promise<string> {
    const links = JSON.parse(await this.run('ip', ['-j', 'link', 'show', 'dev', dev])) as {
      address?: string;
    }[];
    return links[0]?.address ?? '';
  }

  /** The link-layer address of this node's neighbour entry for `ip` on `dev`, if it has one. */
  async neighbourMac(ip: string, dev: string = NODE_IF): Promise<string | undefined> {
    const entries = JSON.parse(await this.run('ip', ['-j', 'neigh', 'show', 'to', ip, 'dev', dev])) as {
      lladdr?: string;
    }[];
    return entries[0]?.lladdr;
  }

  /** Sets the node's interface administratively up or down (the switch sees carrier go). */
  async linkSet(state: 'up' | 'down', dev: string = NODE_IF): Promise<void> {
    await this.run('ip', ['link', 'set', 'dev', dev, state]);
  }

  /** A path in the lab's run directory (configs, pid files, logs). */
  path(file: string): string {
    return join(this.#host.runDir, file);
  }

  /** Whether a TCP SYN from here to `ip` gets an answer within `timeoutMs` (see REACH_PROBE). */
  async canReach(ip: string, opts: { timeoutMs?: number } = {}): Promise<boolean> {
    const ms = opts.timeoutMs ?? 1000;
    const r = await this.exec(process.execPath, ['-e', REACH_PROBE, canonicalAddr(ip), '9', String(ms)], {
      timeoutMs: ms + 10_000,
    });
    return r.code === 0;
  }
}
