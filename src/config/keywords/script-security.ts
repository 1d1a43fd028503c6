/**
 * keepalived's check_script_secure() (lib/notify.c): what a configured script is once looked
 * up on this machine. keepalived runs it after each process's parse; the result decides
 * whether a script is disabled, and whether `-t` reports a SECURITY VIOLATION (exit 6) because
 * scripts would run while enable_script_security is off. Any process's validation can use it.
 *
 * The file system is read through an optional Environment capability (`scriptFs`) so tests
 * can fake it; without it, node:fs is used, as keepalived uses stat(2)/realpath(3).
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import type { ScriptCommand } from '../model/global.js';
import type { Environment, ParseContext } from '../parser.js';
import { GLOBAL } from './global-draft.js';
import { lookupGroup, lookupUser } from './global-env.js';

/** keepalived's SC_* flags. */
export const SC = {
  insecure: 0x01,
  isScript: 0x02,
  inhibit: 0x04,
  notFound: 0x08,
  executable: 0x10,
  system: 0x40,
} as const;

export interface FileInfo {
  readonly uid: number;
  readonly gid: number;
  /** st_mode, including the file type bits. */
  readonly mode: number;
}

export interface ScriptFs {
  /** lstat(2); undefined when it fails. */
  lstat(path: string): FileInfo | undefined;
  /** stat(2); undefined when it fails. */
  stat(path: string): FileInfo | undefined;
  /** realpath(3); undefined when it fails. */
  realpath(path: string): string | undefined;
}

/** Optional Environment capabilities for script checks. */
export interface ScriptEnvironment {
  readonly scriptFs?: ScriptFs;
  /** keepalived's own uid/gid (root when run as a daemon). */
  readonly processIds?: { readonly uid: number; readonly gid: number };
  /** The PATH keepalived searches for bare script names. */
  readonly path?: string;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IWGRP = 0o020;
const S_IWOTH = 0o002;
const S_IXUSR = 0o100;
const S_IXGRP = 0o010;
const S_IXOTH = 0o001;

const nodeScriptFs: ScriptFs = {
  lstat: (p) => {
    try {
      const s = lstatSync(p);
      return { uid: s.uid, gid: s.gid, mode: s.mode };
    } catch {
      return undefined;
    }
  },
  stat: (p) => {
    try {
      const s = statSync(p);
      return { uid: s.uid, gid: s.gid, mode: s.mode };
    } catch {
      return undefined;
    }
  },
  realpath: (p) => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  },
};

function caps(env: Environment): ScriptEnvironment {
  return env as Environment & ScriptEnvironment;
}

function processIds(env: Environment): { uid: number; gid: number } {
  return caps(env).processIds ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** The uid/gid a script runs as: its `user [group]`, else keepalived_script, else ours. */
export function scriptIds(env: Environment, s: ScriptCommand): { uid: number; gid: number } {
  const name = s.runAs?.user ?? 'keepalived_script';
  const acct = lookupUser(env, name);
  if (!acct) return processIds(env);
  const group = s.runAs?.group;
  const gid = group !== undefined ? lookupGroup(env, group) : undefined;
  return { uid: acct.uid, gid: gid ?? acct.gid };
}

function isExecutable(f: FileInfo, uid: number, gid: number): boolean {
  if (uid === 0) return (f.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) !== 0;
  if (uid === f.uid) return (f.mode & S_IXUSR) !== 0;
  return gid === f.gid ? (f.mode & S_IXGRP) !== 0 : (f.mode & S_IXOTH) !== 0;
}

/** execve()'s PATH search for a bare name: the first regular file executable by uid/gid. */
function findInPath(
  env: Environment,
  fs: ScriptFs,
  file: string,
  uid: number,
  gid: number,
): string | undefined {
  if (file === '') return undefined;
  const path = caps(env).path ?? process.env.PATH ?? '/bin:/usr/bin';
  for (const dir of path.split(':')) {
    const candidate = dir === '' ? file : `${dir}/${file}`;
    const f = fs.stat(candidate);
    if (f && (f.mode & S_IFMT) === S_IFREG && isExecutable(f, uid, gid)) return candidate;
  }
  return undefined;
}

/** check_security(): every component of the path root-owned and not writable by others. */
function checkPathSecurity(fs: ScriptFs, filename: string, scriptSecurity: boolean): number {
  const parts: string[] = [];
  // "/", "/a", "/a/b", ..., the file itself (relative paths start with their first part).
  let idx = 0;
  for (;;) {
    const slash = filename.indexOf('/', idx);
    if (slash < 0) {
      parts.push(filename);
      break;
    }
    parts.push(slash === 0 ? '/' : filename.slice(0, slash));
    idx = slash + 1;
    if (idx >= filename.length) break;
  }
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const f = fs.lstat(parts[i] as string);
    if (!f) return SC.notFound;
    const type = f.mode & S_IFMT;
    if ((!last && type !== S_IFDIR) || (last && type !== S_IFREG && type !== S_IFLNK)) return SC.inhibit;
    const openDir = type === S_IFDIR && (f.mode & S_ISVTX) === 0;
    const writable = (f.gid !== 0 && (f.mode & S_IWGRP) !== 0) || (f.mode & S_IWOTH) !== 0;
    if (f.uid !== 0 || ((openDir || type === S_IFREG) && writable))
      return SC.insecure | (scriptSecurity ? SC.inhibit : 0);
  }
  return 0;
}

/** check_script_secure(): the SC_* flags of one script. */
export function checkScriptSecure(ctx: ParseContext, s: ScriptCommand): number {
  const env = ctx.env;
  const fs = caps(env).scriptFs ?? nodeScriptFs;
  let file = s.args[0];
  if (file === undefined) return 0;
  // `</path` only tests that a file can be opened: nothing is executed.
  if (/^<[ \t]*\//.test(file)) return SC.system;
  const { uid, gid } = scriptIds(env, s);
  if (!file.includes('/')) {
    const found = findInPath(env, fs, file, uid, gid);
    if (found === undefined) return SC.notFound;
    file = found;
  }
  const real = fs.realpath(file);
  if (real === undefined) return SC.notFound;
  // keepalived continues with the resolved path (symbolic links, /./, /../ removed).
  const info = fs.stat(real);
  if (!info) return SC.notFound;
  let flags: number = SC.isScript;
  let needProtection = false;
  if (isExecutable(info, uid, gid)) {
    flags |= SC.executable;
    needProtection =
      uid === 0 ||
      gid === 0 ||
      (info.uid === 0 && (info.mode & S_IXUSR) !== 0 && (info.mode & S_ISUID) !== 0) ||
      (info.gid === 0 && (info.mode & S_IXGRP) !== 0 && (info.mode & S_ISGID) !== 0);
  }
  if (!needProtection) return flags;
  const scriptSecurity = ctx.parentState(GLOBAL).enableScriptSecurity;
  return flags | checkPathSecurity(fs, real, scriptSecurity);
}

/**
 * check_notify_script_secure(): the flags, and whether the script stays (a notify script that
 * is inhibited, missing or not executable is dropped without a diagnostic).
 */
export function checkNotifyScript(
  ctx: ParseContext,
  s: ScriptCommand | undefined,
): { flags: number; keep: boolean } {
  if (!s) return { flags: 0, keep: false };
  const flags = checkScriptSecure(ctx, s);
  const keep = (flags & (SC.inhibit | SC.notFound)) === 0 && (flags & SC.executable) !== 0;
  return { flags, keep };
}

/** The SECURITY VIOLATION report, when scripts would run with script security off. */
export function reportScriptSecurity(ctx: ParseContext, flags: number, what: string): void {
  if (ctx.parentState(GLOBAL).enableScriptSecurity || (flags & SC.isScript) === 0) return;
  ctx.reportGlobal(
    'security',
    `SECURITY VIOLATION - ${what} are being executed but script_security not enabled.${
      flags & SC.insecure ? ' There are insecure scripts.' : ''
    }`,
  );
}
