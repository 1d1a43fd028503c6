/**
 * What global_defs asks of the machine besides interfaces: accounts (script_user and the
 * default script user), the number of online CPUs (cpu_affinity), host name resolution
 * (smtp_server), and the PATH search for bare script names. keepalived asks the system at
 * parse time; so do we, through these optional Environment capabilities, so tests can fake
 * them. Without them we read the same sources keepalived's libc reads (/etc/passwd,
 * /etc/group, /etc/hosts), which is what a host without NSS modules or DNS gives it too.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseIpv4, parseIpv6 } from '../../base/ip.js';
import type { Environment } from '../parser.js';

export interface Account {
  readonly uid: number;
  readonly gid: number;
}

/** Optional capabilities an Environment may provide (the parser's Environment lacks them). */
export interface GlobalEnvironment {
  /** getpwnam(): undefined when the user does not exist. */
  readonly user?: (name: string) => Account | undefined;
  /** getgrnam(): the gid, undefined when the group does not exist. */
  readonly group?: (name: string) => number | undefined;
  /** sysconf(_SC_NPROCESSORS_ONLN). */
  readonly onlineCpus?: () => number;
  /** getaddrinfo() succeeds for this name. */
  readonly resolvesHost?: (name: string) => boolean;
  /** The PATH keepalived searches for bare script names. */
  readonly path?: string;
}

function caps(env: Environment): GlobalEnvironment {
  return env as Environment & GlobalEnvironment;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'latin1').split('\n');
  } catch {
    return [];
  }
}

export function lookupUser(env: Environment, name: string): Account | undefined {
  const f = caps(env).user;
  if (f) return f(name);
  for (const l of readLines('/etc/passwd')) {
    const p = l.split(':');
    if (p[0] === name && p.length >= 4) return { uid: Number(p[2]), gid: Number(p[3]) };
  }
  return undefined;
}

export function lookupGroup(env: Environment, name: string): number | undefined {
  const f = caps(env).group;
  if (f) return f(name);
  for (const l of readLines('/etc/group')) {
    const p = l.split(':');
    if (p[0] === name && p.length >= 3) return Number(p[2]);
  }
  return undefined;
}

export function onlineCpus(env: Environment): number {
  return caps(env).onlineCpus?.() ?? Math.max(1, cpus().length);
}

/** inet_aton's forms (1 to 4 parts, decimal/octal/hex) that getaddrinfo also accepts. */
function isInetAton(s: string): boolean {
  const parts = s.split('.');
  if (parts.length > 4) return false;
  const limits = [2 ** 32, 2 ** 24, 2 ** 16, 2 ** 8];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    let v: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) v = p.length > 2 ? Number.parseInt(p.slice(2), 16) : 0;
    else if (/^0[0-7]*$/.test(p)) v = Number.parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) v = Number(p);
    else return false;
    const last = i === parts.length - 1;
    const max = last ? (limits[parts.length - 1] as number) : 256;
    if (v >= max) return false;
  }
  return true;
}

export function resolvesHost(env: Environment, name: string): boolean {
  const f = caps(env).resolvesHost;
  if (f) return f(name);
  if (name === '') return false;
  if (parseIpv4(name).ok || parseIpv6(name).ok || isInetAton(name)) return true;
  for (const l of readLines('/etc/hosts')) {
    const words = (l.split('#')[0] ?? '').trim().split(/\s+/);
    if (words.slice(1).includes(name)) return true;
  }
  return false;
}

/** find_path()/stat(): whether the script's file would be found (SC_ISSCRIPT). */
export function scriptFileFound(env: Environment, cmd: string): boolean {
  if (cmd.includes('/')) return env.fileExists(cmd);
  if (cmd === '') return false;
  const path = caps(env).path ?? process.env.PATH ?? '/bin:/usr/bin';
  for (const dir of path.split(':')) {
    if (env.fileExists(`${dir === '' ? '.' : dir}/${cmd}`)) return true;
  }
  return false;
}
