/**
 * Watches track files (track_file / vrrp_track_file) as keepalived 2.2.7 does
 * (trackers/track_file.c init_track_files, process_inotify, process_track_file), through
 * inotify on each file's directory, so a file may be created, rewritten, renamed over or
 * deleted at any time:
 *  - at start each path is resolved (realpath); a missing file is fine if its directory
 *    exists ("Track file directory for NAME does not exist - removing" otherwise, and the file
 *    is dropped, so instances ignore it; other errors: "track file NAME is not accessible -
 *    ignoring"). An existing file is read at once; a missing one counts as 0.
 *  - a change re-reads the file (src/track/file-value.ts); a deleted or renamed-away file
 *    counts as 0; an invalid number is logged and the previous value kept.
 * One difference: keepalived listens for IN_CLOSE_WRITE (a writer has finished), which Node's
 * fs.watch does not offer; it reports each IN_MODIFY instead, and a shell's `echo 5 > FILE`
 * truncates before it writes. So a change is read once the directory has been quiet for
 * SETTLE_MS: reading at the first event would see the empty file (0) for an instant, a
 * spurious FAULT (weight 0) or priority dip that keepalived never shows.
 */
import {
  closeSync,
  constants,
  type FSWatcher,
  openSync,
  readSync,
  realpathSync,
  statSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TrackFileConfig } from '../config/model/track-file.js';
import { TRACK_FILE_READ_BYTES, trackFileValue } from '../track/file-value.js';

/** Quiet time after the last event for a file before it is read (see above). */
export const SETTLE_MS = 15;

export interface TrackFileWatcherOptions {
  readonly log: (line: string) => void;
  /** A watched file's value changed (not called for the initial read). */
  readonly onChange: (name: string, value: number) => void;
  readonly settleMs?: number;
}

interface Watched {
  readonly name: string;
  /** The resolved path. */
  readonly path: string;
  value: number;
  timer: NodeJS.Timeout | undefined;
}

const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException)?.code;

/**
 * init_file [VALUE] [overwrite] (track_file_end_handler): at start, not on reload, write VALUE
 * to a missing file, or with `overwrite` to a regular one.
 */
export function initTrackFile(tf: TrackFileConfig, log: (line: string) => void, reload: boolean): void {
  if (tf.initFile === undefined) return;
  try {
    const st = statSync(tf.file);
    if (!tf.initFile.overwrite) return;
    if (!st.isFile()) {
      log(`Cannot initialise track file ${tf.name} - it is not a regular file`);
      return;
    }
    if (reload) return;
  } catch {
    // Missing (or unreadable): keepalived writes it.
  }
  try {
    writeFileSync(tf.file, `${tf.initFile.value}\n`);
  } catch {
    log(`Unable to initialise track file ${tf.name}`);
  }
}

/** keepalived's path resolution; undefined = dropped (logged). */
function resolvePath(
  tf: TrackFileConfig,
  log: (line: string) => void,
): { path: string; exists: boolean } | undefined {
  try {
    return { path: realpathSync(tf.file), exists: true };
  } catch (e) {
    if (errCode(e) !== 'ENOENT') {
      log(`track file ${tf.name} is not accessible - ignoring`);
      return undefined;
    }
  }
  try {
    const dir = realpathSync(tf.file.includes('/') ? dirname(tf.file) : '.');
    if (statSync(dir).isDirectory()) return { path: join(dir, basename(tf.file)), exists: false };
  } catch {
    // Falls through to the log line.
  }
  log(`Track file directory for ${tf.name} does not exist - removing`);
  return undefined;
}

export class TrackFileWatcher {
  readonly #opts: TrackFileWatcherOptions;
  readonly #files = new Map<string, Watched>();
  readonly #watchers: FSWatcher[] = [];
  readonly #buf = Buffer.alloc(TRACK_FILE_READ_BYTES);
  #started = false;

  /** Resolves and reads each file now; watching starts with start(). */
  constructor(files: readonly TrackFileConfig[], opts: TrackFileWatcherOptions) {
    this.#opts = opts;
    for (const tf of files) {
      const r = resolvePath(tf, opts.log);
      if (r === undefined) continue;
      const w: Watched = { name: tf.name, path: r.path, value: 0, timer: undefined };
      if (r.exists) {
        const v = this.#read(w);
        if (v !== undefined) w.value = v;
      }
      this.#files.set(tf.name, w);
    }
  }

  /** The file's current value; undefined for a file that was dropped at start. */
  value(name: string): number | undefined {
    return this.#files.get(name)?.value;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const byDir = new Map<string, Watched[]>();
    for (const w of this.#files.values()) {
      const dir = dirname(w.path);
      byDir.set(dir, [...(byDir.get(dir) ?? []), w]);
    }
    for (const [dir, files] of byDir) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, filename) => {
          const name = filename?.toString();
          for (const w of files) if (name === undefined || name === basename(w.path)) this.#changed(w);
        });
        watcher.on('error', (e) => this.#opts.log(`track file watch on ${dir} failed: ${e.message}`));
        this.#watchers.push(watcher);
      } catch (e) {
        this.#opts.log(`Unable to monitor track files in ${dir}: ${(e as Error).message}`);
      }
    }
  }

  stop(): void {
    for (const w of this.#watchers) w.close();
    this.#watchers.length = 0;
    for (const f of this.#files.values()) clearTimeout(f.timer);
  }

  #changed(w: Watched): void {
    clearTimeout(w.timer);
    w.timer = setTimeout(() => {
      w.timer = undefined;
      const v = this.#read(w);
      if (v === undefined || v === w.value) return;
      w.value = v;
      this.#opts.onChange(w.name, v);
    }, this.#opts.settleMs ?? SETTLE_MS);
  }

  /** The file's value: 0 when it cannot be opened, undefined when invalid (logged). */
  #read(w: Watched): number | undefined {
    let len = 0;
    try {
      // O_NONBLOCK, as keepalived: a FIFO put there must not hang the daemon.
      const fd = openSync(w.path, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        len = readSync(fd, this.#buf, 0, TRACK_FILE_READ_BYTES, null);
      } finally {
        closeSync(fd);
      }
    } catch {
      return 0;
    }
    const r = trackFileValue(this.#buf.subarray(0, len));
    if (r.ok) return r.value;
    this.#opts.log(`Invalid number ${r.shown} read from ${w.path} - ignoring`);
    return undefined;
  }
}
