/**
 * The file-system port the config reader uses, so the reader is testable on an in-memory tree.
 * `nodeConfigFs` is the adapter on the real file system.
 */
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';

export interface FileInfo {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly executable: boolean;
  readonly size: number;
}

export interface ConfigFs {
  stat(path: string): FileInfo | undefined;
  readdir(path: string): string[] | undefined;
  /** access(2) R_OK: whether this process may read the file. */
  canRead(path: string): boolean;
  /** The file's bytes, or an error text such as "Permission denied". */
  readFile(path: string): Buffer | { error: string };
}

/** Larger config files are refused rather than read into memory. */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024 * 1024;

export const nodeConfigFs: ConfigFs = {
  stat(path) {
    try {
      const s = statSync(path);
      return {
        isFile: s.isFile(),
        isDirectory: s.isDirectory(),
        executable: (s.mode & 0o111) !== 0,
        size: s.size,
      };
    } catch {
      return undefined;
    }
  },
  readdir(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
  canRead(path) {
    try {
      accessSync(path, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  },
  readFile(path) {
    try {
      return readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const text =
        code === 'EACCES'
          ? 'Permission denied'
          : code === 'ENOENT'
            ? 'No such file or directory'
            : code === 'EISDIR'
              ? 'Is a directory'
              : String(code ?? e);
      return { error: text };
    }
  },
};

/** An in-memory tree for tests: paths are absolute, directories implied by file paths. */
export function memoryConfigFs(
  files: Record<string, string | Buffer>,
  unreadablePaths: string[] = [],
): ConfigFs {
  const unreadable = new Set(unreadablePaths);
  const dirs = new Set<string>(['/']);
  for (const p of Object.keys(files)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') || '/');
  }
  const norm = (p: string): string => p.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return {
    stat(path) {
      const p = norm(path);
      const f = files[p];
      if (f !== undefined) return { isFile: true, isDirectory: false, executable: false, size: f.length };
      if (dirs.has(p)) return { isFile: false, isDirectory: true, executable: false, size: 0 };
      return undefined;
    },
    readdir(path) {
      const p = norm(path);
      if (!dirs.has(p)) return undefined;
      const prefix = p === '/' ? '/' : p + '/';
      const names = new Set<string>();
      for (const q of [...Object.keys(files), ...dirs]) {
        if (q.startsWith(prefix) && q !== p) names.add(q.slice(prefix.length).split('/')[0] as string);
      }
      return [...names];
    },
    canRead(path) {
      return files[norm(path)] !== undefined && !unreadable.has(norm(path));
    },
    readFile(path) {
      if (unreadable.has(norm(path))) return { error: 'Permission denied' };
      const f = files[norm(path)];
      if (f === undefined) return { error: 'No such file or directory' };
      return typeof f === 'string' ? Buffer.from(f) : f;
    },
  };
}
