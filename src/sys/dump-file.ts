/**
 * Writes keepalived's dump files (keepalived.data, keepalived.stats) as its fopen_safe() does:
 * in $TMPDIR when that is an absolute path, else /tmp; through a new 0600 file created
 * exclusively beside the target and renamed over it, so nobody can plant a symlink in the
 * world-writable directory or read the file while it is written.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** keepalived's set_tmp_dir(): $TMPDIR if it starts with '/', else /tmp. */
export function dumpDir(env: NodeJS.ProcessEnv = process.env): string {
  const t = env.TMPDIR;
  return t?.startsWith('/') ? t : '/tmp';
}

/** Writes `text` to `name` in the dump directory; returns the path. Throws on I/O errors. */
export function writeDumpFile(name: string, text: string, dir: string = dumpDir()): string {
  const path = join(dir, name);
  const tmp = `${path}${randomBytes(6).toString('base64url').slice(0, 6)}`;
  try {
    writeFileSync(tmp, text, { flag: 'wx', mode: 0o600 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return path;
}
