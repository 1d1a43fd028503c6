/**
 * track_file / vrrp_track_file (keepalived 2.2.7 trackers/track_file.c, add_track_file_keywords).
 * Active in the checker and VRRP passes; each pass keeps its own list, as each process does, and
 * the VRRP instances, sync groups and FILE_CHECKs look the files up by name in that list.
 */

import { TRACK_FILE_LIMITS, type TrackFileConfig, type TrackFileMonitorConfig } from '../model/track-file.js';
import type { Environment, ParseContext, RootKeyword, Words } from '../parser.js';
import { StateKey } from '../parser.js';
import type { SectionModule } from '../section.js';
import { readInt } from '../values.js';

/** Every track file whose block named a file, in order (names may repeat: the first wins). */
export const TRACK_FILES = new StateKey<TrackFileConfig[]>('track_file', () => []);

interface TrackFileDraft {
  name: string;
  file: string | undefined;
  weight: number;
  weightReverse: boolean;
  init: 'none' | 'create' | 'overwrite';
  initValue: number;
}

/** keepalived's cur_track_file: the block being read. */
const CURRENT = new StateKey<{ draft: TrackFileDraft | undefined }>('track_file.current', () => ({
  draft: undefined,
}));

/**
 * What stat(2) says a path is. Not (yet) part of every Environment: without it, an existing
 * path is taken for a regular file, which only loses one -t diagnostic.
 */
export interface PathKindLookup {
  readonly pathKind?: (path: string) => 'file' | 'directory' | 'other' | undefined;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** The track file called `name` in this pass (keepalived's find_tracked_file_by_name). */
export function findTrackFile(ctx: ParseContext, name: string): TrackFileConfig | undefined {
  return ctx.state(TRACK_FILES).find((f) => f.name === name);
}

/**
 * One line of a vrrp_instance's or vrrp_sync_group's `track_file { NAME [weight N [reverse|noreverse]] }`
 * (keepalived's vrrp_alloc_track_file), checked against the monitors already in that block.
 * Returns the monitor to add, or undefined after reporting why the line is ignored.
 */
export function readTrackFileMonitor(
  ctx: ParseContext,
  owner: string,
  words: readonly string[],
  already: readonly TrackFileMonitorConfig[],
): TrackFileMonitorConfig | undefined {
  const tracked = words[0] ?? '';
  const file = findTrackFile(ctx, tracked);
  if (!file) {
    ctx.report('general-error', `(${owner}) track file ${tracked} not found, ignoring...`);
    return undefined;
  }
  if (already.some((m) => m.name === tracked)) {
    ctx.report('general-error', `(${owner}) duplicate track_file ${tracked} - ignoring`);
    return undefined;
  }
  let weight = file.weight;
  let weightReverse = file.weightReverse;
  const option = words[1];
  if (option !== undefined) {
    if (option !== 'weight') {
      ctx.report('general-error', `(${owner}) unknown track file option ${option} - ignoring`);
      return undefined;
    }
    const value = words[2];
    if (value === undefined) {
      ctx.report(
        'general-error',
        `(${owner}) weight without value specified for track file ${tracked} - ignoring`,
      );
      return undefined;
    }
    const w = readInt(ctx, value, -254, 254, true);
    if (w === undefined) {
      ctx.report(
        'general-error',
        `(${owner}) weight for track file ${tracked} must be in [-254..254] inclusive. Ignoring...`,
      );
    } else weight = w;
    const rev = words[3];
    if (rev === 'reverse') weightReverse = true;
    else if (rev === 'noreverse') weightReverse = false;
    else if (rev !== undefined) {
      ctx.report('general-error', `(${owner}) unknown track file ${tracked} weight option ${rev} - ignoring`);
      return undefined;
    }
  }
  return { name: tracked, weight, weightReverse };
}

function current(ctx: ParseContext): TrackFileDraft | undefined {
  return ctx.state(CURRENT).draft;
}

function startTrackFile(ctx: ParseContext, w: Words): void {
  ctx.state(CURRENT).draft = {
    name: w.at(1),
    file: undefined,
    weight: TRACK_FILE_LIMITS.weightDefault,
    weightReverse: false,
    init: 'none',
    initValue: 0,
  };
}

function fileHandler(ctx: ParseContext, w: Words): void {
  const tf = current(ctx);
  if (w.length < 2) {
    ctx.report('general-error', 'track file file name missing');
    return;
  }
  if (!tf) return;
  if (tf.file !== undefined) {
    ctx.report('general-error', `File already set for track file ${tf.name} - ignoring ${w.at(1)}`);
    return;
  }
  tf.file = w.at(1);
}

function weightHandler(ctx: ParseContext, w: Words): void {
  const tf = current(ctx);
  if (!tf) return;
  if (w.length < 2) {
    ctx.report('general-error', `No weight specified for track file ${tf.name} - ignoring`);
    return;
  }
  // keepalived takes a weight of 1 (the default) as "not set yet".
  if (tf.weight !== TRACK_FILE_LIMITS.weightDefault) {
    ctx.report('general-error', `Weight already set for track file ${tf.name} - ignoring ${w.at(1)}`);
    return;
  }
  const weight = readInt(ctx, w.at(1), TRACK_FILE_LIMITS.weightMin, TRACK_FILE_LIMITS.weightMax, true);
  if (weight === undefined) {
    ctx.report(
      'general-error',
      `Weight (${w.at(1)}) for track_file ${tf.name} must be between [-254..254] inclusive. Ignoring...`,
    );
  }
  tf.weight = weight ?? TRACK_FILE_LIMITS.weightDefault;
  if (w.has(2)) {
    if (w.at(2) === 'reverse') tf.weightReverse = true;
    else ctx.report('general-error', `track_file ${tf.name} unknown weight option ${w.at(2)}`);
  }
}

function initFileHandler(ctx: ParseContext, w: Words): void {
  const tf = current(ctx);
  if (!tf) return;
  tf.init = 'create';
  tf.initValue = 0;
  for (let i = 1; i < w.length; i++) {
    const raw = w.at(i);
    const word = raw.replace(/^[ \t\f\n\r\v]+/, '');
    if (/^[0-9-]/.test(word)) {
      let value = readInt(ctx, raw, INT_MIN, INT_MAX);
      if (value === undefined) {
        ctx.report('general-error', `Track file ${tf.name} init value ${word} is invalid`);
        value = 0;
      } else if (value < TRACK_FILE_LIMITS.weightMin || value > TRACK_FILE_LIMITS.weightMax) {
        ctx.report(
          'general-error',
          `Track file ${tf.name} init value ${value} is outside sensible range [-254, 254]`,
        );
      }
      tf.initValue = value;
    } else if (word === 'overwrite') tf.init = 'overwrite';
    else ctx.report('general-error', `Unknown track file init option ${word}`);
  }
}

function endTrackFile(ctx: ParseContext): void {
  const tf = current(ctx);
  if (!tf) return;
  if (tf.file === undefined) {
    // keepalived keeps this draft as its "current" file: harmless, the next block replaces it.
    ctx.report('general-error', `No file set for track_file ${tf.name} - ignoring`);
    return;
  }
  ctx.state(CURRENT).draft = undefined;
  ctx.state(TRACK_FILES).push({
    name: tf.name,
    file: tf.file,
    weight: tf.weight,
    weightReverse: tf.weightReverse,
    initFile: tf.init === 'none' ? undefined : { value: tf.initValue, overwrite: tf.init === 'overwrite' },
  });
  if (tf.init === 'none') return;
  const env: Environment & PathKindLookup = ctx.env;
  const kind = env.pathKind ? env.pathKind(tf.file) : env.fileExists(tf.file) ? 'file' : undefined;
  // An existing file is left alone unless `overwrite`; the daemon writes the value, never -t.
  if (kind === undefined || tf.init === 'create') return;
  if (kind !== 'file') {
    ctx.report('general-error', `Cannot initialise track file ${tf.name} - it is not a regular file`);
  }
}

const sub = [
  { name: 'file', handler: fileHandler },
  { name: 'weight', handler: weightHandler },
  { name: 'init_file', handler: initFileHandler },
];

const roots: RootKeyword[] = [
  { name: 'track_file', section: 'track_file', handler: startTrackFile, sub, close: endTrackFile },
  // Deprecated since 2.0.20; keepalived only logs that (no config error, not shown by -t).
  { name: 'vrrp_track_file', section: 'track_file', handler: startTrackFile, sub, close: endTrackFile },
];

export const trackFileSection: SectionModule<readonly TrackFileConfig[]> = {
  name: 'track_file',
  roots: () => roots,
  build: (ctx) => ctx.state(TRACK_FILES),
};
