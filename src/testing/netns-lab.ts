/**
 * A lab of network namespaces for multi-node integration tests (root, Linux, iproute2, nft).
 *
 *   <prefix>-sw    the switch: bridge br0, one port `p-<node>` per node, IPv6 off so the switch
 *                  itself never talks; partition rules live here (nft bridge family)
 *   <prefix>-<n>   one namespace per node: lo + eth0 (the veth peer of p-<n>), DAD off
 *
 * `prefix` is `kt` + 6 random hex digits, so concurrent labs (node --test-concurrency) never
 * share a name, and every name stays within IFNAMSIZ (15). Nothing is created in the caller's
 * namespace: no link, no nft table, no address, so nothing leaves the lab.
 * Teardown is guaranteed by lab-cleanup.ts (exit and signal handlers, sweep of dead owners).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePrefix } from '../base/ip.js';
import {
  clearOwner,
  listNetns,
  RUN_DIR_PREFIX,
  registerLab,
  sweepStaleLabs,
  type Teardown,
  teardownNetnsSync,
  unregisterLab,
  writeOwner,
} from './lab-cleanup.js';
import { LabNode, NODE_IF, type NodeOptions } from './lab-node.js';
import { type ExecOptions, type LabProcess, ProcessGroups, runGroup } from './lab-process.js';
import { pollUntil } from './poll.js';

export { LabNode, NODE_IF, type NodeOptions, type SpawnOptions } from './lab-node.js';
export type { ExecOptions, ExecResult, ExitStatus, LogLine, WaitLineOptions } from './lab-process.js';
export { LabProcess } from './lab-process.js';
export { type PollOptions, PollTimeoutError, pollUntil } from './poll.js';

export interface LabOptions {
  /** A label for the run directory and diagnostics, e.g. the test name. */
  readonly name?: string;
}

/** Node names keep `<prefix>-<name>` (8 + 1 + 6) within 15 characters. */
const NODE_NAME = /^[a-z][a-z0-9]{0,5}$/;
const BRIDGE = 'br0';

/** Refuses addresses outside the documentation ranges: a lab must never look like a real net. */
function checkDocPrefix(cidr: string, family: 4 | 6): string {
  const p = parsePrefix(cidr);
  if (!p.ok || !cidr.includes('/') || p.value.addr.family !== family) {
    throw new Error(`lab: "${cidr}" is not an IPv${family} address with a prefix length`);
  }
  const b = p.value.addr.bytes;
  const doc =
    family === 4
      ? (b[0] === 192 && b[1] === 0 && b[2] === 2) ||
        (b[0] === 198 && b[1] === 51 && b[2] === 100) ||
        (b[0] === 203 && b[1] === 0 && b[2] === 113)
      : b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8;
  if (!doc) throw new Error(`lab: ${cidr} is outside the documentation ranges (RFC 5737 / RFC 3849)`);
  return cidr;
}

export class Lab implements Teardown {
  /** `kt` + 6 hex digits; every namespace of this lab starts with `<prefix>-`. */
  readonly prefix: string;
  readonly name: string;
  /** Per-run directory for logs, configs, pid files; removed at teardown unless KEEP_LAB=1. */
  readonly runDir: string;
  readonly switchNs: string;
  /** The nft table (bridge family, in the switch namespace) holding partition rules. */
  readonly nftTable: string;
  readonly #nodes = new Map<string, LabNode>();
  readonly #groups = new ProcessGroups();
  readonly #procs = new Set<LabProcess>();
  /** Every namespace this lab may have created, recorded before creation, switch first. */
  readonly #namespaces: string[] = [];
  #nftReady: Promise<void> | undefined;
  #destroying: Promise<void> | undefined;
  #torn = false;

  private constructor(prefix: string, name: string, runDir: string) {
    this.prefix = prefix;
    this.name = name;
    this.runDir = runDir;
    this.switchNs = `${prefix}-sw`;
    this.nftTable = prefix;
  }

  static async create(opts: LabOptions = {}): Promise<Lab> {
    sweepStaleLabs();
    const taken = listNetns();
    let prefix: string;
    do prefix = `kt${randomBytes(3).toString('hex')}`;
    while (taken.some((ns) => ns.startsWith(prefix)));
    const name = opts.name ?? '';
    const slug = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40);
    const runDir = join(tmpdir(), `${RUN_DIR_PREFIX}${prefix}${slug === '' ? '' : `-${slug}`}`);
    // Not recursive: the name is fresh, so an existing directory would be someone else's.
    mkdirSync(runDir, { mode: 0o700 });
    writeOwner(runDir, prefix);
    const lab = new Lab(prefix, name, runDir);
    registerLab(lab);
    try {
      const sw = lab.switchNs;
      lab.#namespaces.push(sw);
      await lab.#ip(['netns', 'add', sw]);
      // The switch only forwards: no IPv6 on its links means no RS/MLD/DAD of its own on the wire.
      await lab.#ip([
        'netns',
        'exec',
        sw,
        'sysctl',
        '-qw',
        'net.ipv6.conf.all.disable_ipv6=1',
        'net.ipv6.conf.default.disable_ipv6=1',
      ]);
      // No STP (ports forward at once) and no multicast snooping (VRRP multicast is flooded).
      await lab.#ip(['-n', sw, '-batch', '-'], {
        input: `link add ${BRIDGE} type bridge stp_state 0 mcast_snooping 0\nlink set ${BRIDGE} up\n`,
      });
    } catch (e: unknown) {
      await lab.destroy();
      throw e;
    }
    return lab;
  }

  get nodes(): ReadonlyMap<string, LabNode> {
    return this.#nodes;
  }

  /** A path inside the run directory. */
  path(file: string): string {
    return join(this.runDir, file);
  }

  /** Creates a node joined to the switch; resolves once its addresses are usable. */
  async addNode(name: string, opts: NodeOptions = {}): Promise<LabNode> {
    this.#assertAlive();
    if (!NODE_NAME.test(name) || name === 'sw') {
      throw new Error(`lab: node name "${name}" must match ${NODE_NAME} and not be "sw"`);
    }
    if (this.#nodes.has(name)) throw new Error(`lab: node "${name}" exists already`);
    const v4 = opts.ipv4 === undefined ? undefined : checkDocPrefix(opts.ipv4, 4);
    const v6 = opts.ipv6 === undefined ? undefined : checkDocPrefix(opts.ipv6, 6);
    const ns = `${this.prefix}-${name}`;
    const node = new LabNode(
      {
        groups: this.#groups,
        runDir: this.runDir,
        adopt: (p) => this.#procs.add(p),
        assertAlive: () => this.#assertAlive(),
      },
      name,
      ns,
      opts,
    );
    this.#nodes.set(name, node);
    this.#namespaces.push(ns);
    await this.#ip(['netns', 'add', ns]);
    // Both ends are created directly in their namespaces: never a name in the caller's netns.
    await this.#ip([
      '-n',
      this.switchNs,
      'link',
      'add',
      node.port,
      'type',
      'veth',
      'peer',
      'name',
      NODE_IF,
      'netns',
      ns,
    ]);
    // DAD off before eth0 comes up, so its link-local and global addresses are usable at once
    // (VRRPv3 over IPv6 sends from the link-local address).
    await node.run('sysctl', [
      '-qw',
      'net.ipv6.conf.all.accept_dad=0',
      'net.ipv6.conf.default.accept_dad=0',
      `net.ipv6.conf.${NODE_IF}.accept_dad=0`,
      // A link taken down and up (a simulated power cut) keeps its IPv6 addresses, as IPv4
      // does; by default the kernel deletes them all on down.
      'net.ipv6.conf.all.keep_addr_on_down=1',
    ]);
    await this.#ip(['-n', this.switchNs, 'link', 'set', node.port, 'master', BRIDGE, 'up']);
    const batch = ['link set lo up'];
    if (v4 !== undefined) batch.push(`addr add ${v4} dev ${NODE_IF}`);
    if (v6 !== undefined) batch.push(`addr add ${v6} dev ${NODE_IF} nodad`);
    batch.push(`link set ${NODE_IF} up`);
    await this.#ip(['-n', ns, '-batch', '-'], { input: `${batch.join('\n')}\n` });
    // The link-local address appears once both veth ends are up: then the node is on the wire.
    await pollUntil(async () => (await node.addresses()).find((a) => a.startsWith('fe80:')), {
      what: `a link-local address on ${ns} ${NODE_IF}`,
      timeoutMs: 5000,
      intervalMs: 20,
    });
    return node;
  }

  /**
   * Drops every frame from `a` to `b` and, unless `oneWay`, from `b` to `a`, at the switch
   * (nft bridge family, forward hook: both unicast and flooded multicast pass there per port).
   */
  async partition(a: LabNode, b: LabNode, opts: { oneWay?: boolean } = {}): Promise<void> {
    await this.#dropRule(['iifname', a.port, 'oifname', b.port]);
    if (opts.oneWay !== true) await this.#dropRule(['iifname', b.port, 'oifname', a.port]);
  }

  /** Cuts `node` off from every other node in both directions. */
  async isolate(node: LabNode): Promise<void> {
    await this.#dropRule(['iifname', node.port]);
    await this.#dropRule(['oifname', node.port]);
  }

  /** Removes every partition and isolation. */
  async heal(): Promise<void> {
    if (this.#nftReady === undefined) return;
    await this.#nftReady;
    await this.#nft(['flush', 'chain', 'bridge', this.nftTable, 'forward']);
  }

  async #dropRule(match: string[]): Promise<void> {
    this.#nftReady ??= (async () => {
      await this.#nft(['add', 'table', 'bridge', this.nftTable]);
      await this.#nft([
        'add',
        'chain',
        'bridge',
        this.nftTable,
        'forward',
        '{ type filter hook forward priority 0; policy accept; }',
      ]);
    })();
    await this.#nftReady;
    await this.#nft(['add', 'rule', 'bridge', this.nftTable, 'forward', ...match, 'counter', 'drop']);
  }

  #nft(args: string[]): Promise<string> {
    this.#assertAlive();
    return this.#ip(['netns', 'exec', this.switchNs, 'nft', ...args]);
  }

  /** The run directory and every process's status and last lines, for a failing test's report. */
  describe(lines = 20): string {
    const out = [`lab ${this.prefix} (${this.name}) run dir ${this.runDir}`];
    for (const p of this.#procs) {
      const s = p.status;
      out.push(
        `--- ${p.label} pid ${p.pid} ${s === undefined ? 'running' : `exited ${s.code ?? s.signal}`} log ${p.logFile}`,
        p.tail(lines),
      );
    }
    return out.join('\n');
  }

  async #ip(args: string[], opts: ExecOptions = {}): Promise<string> {
    return runGroup(this.#groups, ['ip', ...args], opts);
  }

  #assertAlive(): void {
    if (this.#destroying !== undefined || this.#torn) throw new Error(`lab ${this.prefix} is destroyed`);
  }

  /** Tears everything down; idempotent, and safe to call while another teardown runs. */
  destroy(): Promise<void> {
    this.#destroying ??= (async () => {
      this.#groups.killAll('SIGKILL');
      // Wait for our own children to be reaped, so no zombie outlives the lab.
      await Promise.allSettled([...this.#procs].map((p) => p.waitExit(5000)));
      this.destroySync();
    })();
    return this.#destroying;
  }

  /** The exit/signal path: synchronous, idempotent, never throws. */
  destroySync(): void {
    if (this.#torn) return;
    this.#torn = true;
    try {
      this.#groups.killAll('SIGKILL');
      // Nodes before the switch (reverse creation order).
      for (const ns of [...this.#namespaces].reverse()) teardownNetnsSync(ns);
      clearOwner(this.runDir, process.env['KEEP_LAB'] === '1');
    } catch {
      // Teardown must not throw from an exit handler; what is left the next sweep removes.
    } finally {
      unregisterLab(this);
    }
  }
}

/** The part of node:test's TestContext that withLab uses. */
export interface LabTestContext {
  readonly name: string;
  diagnostic(message: string): void;
}

/**
 * Runs `fn` with a fresh lab and destroys it afterwards, whatever happens. When `fn` fails,
 * the lab's processes and their last output go to the test's diagnostics first.
 */
export async function withLab<T>(
  t: LabTestContext | undefined,
  opts: LabOptions,
  fn: (lab: Lab) => Promise<T>,
): Promise<T> {
  const name = opts.name ?? t?.name;
  const lab = await Lab.create(name === undefined ? {} : { name });
  try {
    return await fn(lab);
  } catch (e: unknown) {
    t?.diagnostic(lab.describe());
    throw e;
  } finally {
    await lab.destroy();
  }
}
