/**
 * What makes lab teardown guaranteed: a registry of live labs torn down synchronously on
 * process exit and on SIGINT/SIGTERM/SIGHUP, synchronous namespace teardown (the exit path
 * cannot await), and a sweep of labs whose owner died by SIGKILL, run when a new lab starts.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Run directories are `<tmpdir>/<RUN_DIR_PREFIX><lab prefix>[-<name>]`. */
export const RUN_DIR_PREFIX = 'keepalived-ts-lab-';
const OWNER_FILE = 'owner.json';

export interface Teardown {
  /** Must be idempotent and must not throw. */
  destroySync(): void;
}

const live = new Set<Teardown>();
let installed = false;

export function registerLab(lab: Teardown): void {
  live.add(lab);
  if (installed) return;
  installed = true;
  process.on('exit', destroyAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
}

export function unregisterLab(lab: Teardown): void {
  live.delete(lab);
}

function destroyAllSync(): void {
  for (const lab of live) lab.destroySync();
  live.clear();
}

function onSignal(sig: NodeJS.Signals): void {
  destroyAllSync();
  // A listener replaces the default action. When ours is the only one, restore the default and
  // re-raise, so the run still dies of the signal (exit status, parent's view) as it would have.
  if (process.listenerCount(sig) === 1) {
    process.removeListener(sig, onSignal);
    process.kill(process.pid, sig);
  }
}

function quietSync(argv: readonly string[]): string {
  try {
    return execFileSync('ip', argv, {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return '';
  }
}

/** Names of all named network namespaces (`ip netns list` prints `name (id: N)`). */
export function listNetns(): string[] {
  return quietSync(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n !== '');
}

/**
 * SIGKILLs every process inside namespace `ns`, then deletes it (which deletes its veths and
 * nft tables). Only namespaces a lab created are passed here, so everything inside was started
 * by the lab, including grandchildren that left their process group.
 */
export function teardownNetnsSync(ns: string): void {
  for (const pid of quietSync(['netns', 'pids', ns]).split('\n')) {
    const n = Number(pid);
    if (!Number.isInteger(n) || n <= 1 || n === process.pid) continue;
    try {
      process.kill(n, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  quietSync(['netns', 'del', ns]);
}

/** Field 22 of /proc/PID/stat: start time in clock ticks; with the pid it names one process. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

interface Owner {
  readonly prefix: string;
  readonly pid: number;
  readonly startTime: string;
}

/** Records that this process owns the lab in `runDir`, for sweepStaleLabs. */
export function writeOwner(runDir: string, prefix: string): void {
  const owner: Owner = { prefix, pid: process.pid, startTime: processStartTime(process.pid) ?? '' };
  writeFileSync(join(runDir, OWNER_FILE), JSON.stringify(owner));
}

/** The lab is gone (or was kept with KEEP_LAB and needs no sweeping). */
export function clearOwner(runDir: string, keepDir: boolean): void {
  rmSync(keepDir ? join(runDir, OWNER_FILE) : runDir, { recursive: true, force: true });
}

function readOwner(runDir: string): Owner | undefined {
  try {
    const o: unknown = JSON.parse(readFileSync(join(runDir, OWNER_FILE), 'utf8'));
    if (typeof o !== 'object' || o === null) return undefined;
    const { prefix, pid, startTime } = o as Record<string, unknown>;
    if (typeof prefix !== 'string' || !/^kt[0-9a-f]{6}$/.test(prefix)) return undefined;
    if (typeof pid !== 'number' || typeof startTime !== 'string' || startTime === '') return undefined;
    return { prefix, pid, startTime };
  } catch {
    return undefined;
  }
}

/**
 * Tears down labs whose owning process no longer exists (killed with SIGKILL, so no handler
 * ran). Ownership is the run dir's owner.json; a live owner is never touched, and a namespace
 * is only deleted when its name starts with that lab's own random prefix.
 */
export function sweepStaleLabs(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(RUN_DIR_PREFIX));
  } catch {
    return;
  }
  let namespaces: string[] | undefined;
  for (const entry of entries) {
    const runDir = join(tmpdir(), entry);
    const owner = readOwner(runDir);
    if (owner === undefined) continue;
    if (processStartTime(owner.pid) === owner.startTime) continue;
    namespaces ??= listNetns();
    const mine = namespaces.filter((ns) => ns.startsWith(`${owner.prefix}-`));
    // Nodes first, the switch last: deleting a node removes its veth from the switch too.
    for (const ns of mine.sort((a, b) => Number(a.endsWith('-sw')) - Number(b.endsWith('-sw')))) {
      teardownNetnsSync(ns);
    }
    clearOwner(runDir, process.env['KEEP_LAB'] === '1');
  }
}
