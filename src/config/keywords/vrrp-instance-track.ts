/**
 * What a vrrp_instance tracks: track_interface, track_script, track_file, track_process and
 * track_bfd blocks (keepalived 2.2.7 vrrp/vrrp_track.c alloc_track_*, trackers/track_file.c).
 * Each line names a tracked object and may override its weight.
 */
import type { Keyword, ParseContext } from '../parser.js';
import { readInt } from '../values.js';
import { BFD } from './bfd-state.js';
import { readTrackFileMonitor } from './track-file.js';
import { interfaceAvailable } from './vrrp-address.js';
import type { VrrpInstanceDraft } from './vrrp-instance-draft.js';
import { type InstanceHandler, kw } from './vrrp-instance-keywords.js';
import { VRRP_TRACKING } from './vrrp-tracking.js';

/** alloc_track_if(): `IFNAME [weight N [reverse]]`. */
function trackInterfaceLine(ctx: ParseContext, words: readonly string[], v: VrrpInstanceDraft): void {
  const name = words[0] ?? '';
  if (!interfaceAvailable(ctx, name)) {
    ctx.report('general-error', `(${v.name}) tracked interface ${name} doesn't exist`);
    return;
  }
  if (v.trackIfs.some((t) => t.name === name)) {
    ctx.report('general-error', `(${v.name}) duplicate track_interface ${name} - ignoring`);
    return;
  }
  let weight = 0;
  let reverse = false;
  if (words.length >= 2) {
    if (words[1] !== 'weight') {
      ctx.report(
        'general-error',
        `(${v.name}) unknown track_interface ${name} option ${words[1]} - ignoring`,
      );
      return;
    }
    if (words.length === 2) {
      ctx.report(
        'general-error',
        `(${v.name}) weight without value specified for track_interface ${name} - ignoring`,
      );
      return;
    }
    const wt = readInt(ctx, words[2] as string, -254, 254, true);
    if (wt === undefined) {
      ctx.report(
        'general-error',
        `(${v.name}) weight ${words[2]} for ${name} must be between [-253..253] inclusive. Ignoring...`,
      );
    } else if (wt === -254 || wt === 254) {
      ctx.report('general-error', `(${v.name}) weight for ${name} cannot be +/-254. Setting to +/-253`);
      weight = wt < 0 ? -253 : 253;
    } else weight = wt;
    if (words.length >= 4) {
      if (words[3] === 'reverse') reverse = true;
      else
        ctx.report(
          'general-error',
          `(${v.name}) unknown track_interace ${name} weight option ${words[3]} - ignoring`,
        );
    }
  }
  v.trackIfs.push({ name, weight, weightReverse: reverse, exists: ctx.env.interfaces.exists(name) });
}

/** The shared shape of track_script / track_process / track_bfd lines (vrrp_track.c). */
interface TrackedKind {
  /** Words in messages: "track script", "track process", "track bfd". */
  readonly what: string;
  readonly find: (ctx: ParseContext, name: string) => { weight: number; weightReverse: boolean } | undefined;
  readonly list: (v: VrrpInstanceDraft) => { name: string; weight: number; weightReverse: boolean }[];
  readonly dupWord: string;
  readonly range: [number, number];
  readonly badWeight: (v: string, name: string, value: string) => string;
  readonly unknownOption: (v: string, name: string, opt: string) => string;
  readonly badReverse: (v: string, name: string, opt: string) => string;
  /** track_bfd drops the line on an unknown reverse option; the others keep it. */
  readonly badReverseDrops: boolean;
  /** track_script turns ±254 into ±253. */
  readonly clamp254: boolean;
}

function trackedLine(
  ctx: ParseContext,
  words: readonly string[],
  v: VrrpInstanceDraft,
  k: TrackedKind,
): void {
  const name = words[0] ?? '';
  const obj = k.find(ctx, name);
  if (!obj) {
    ctx.report('general-error', `(${v.name}) ${k.what} ${name} not found, ignoring...`);
    return;
  }
  const list = k.list(v);
  if (list.some((t) => t.name === name)) {
    ctx.report('general-error', `(${v.name}) duplicate ${k.dupWord} ${name} - ignoring`);
    return;
  }
  let weight = obj.weight;
  let reverse = obj.weightReverse;
  if (words.length >= 2) {
    if (words[1] !== 'weight') {
      ctx.report('general-error', k.unknownOption(v.name, name, words[1] as string));
      return;
    }
    if (words.length === 2) {
      ctx.report(
        'general-error',
        `(${v.name}) weight without value specified for ${k.what} ${name} - ignoring`,
      );
      return;
    }
    const wt = readInt(ctx, words[2] as string, k.range[0], k.range[1], true);
    if (wt === undefined) ctx.report('general-error', k.badWeight(v.name, name, words[2] as string));
    else if (k.clamp254 && (wt === 254 || wt === -254)) {
      ctx.report('general-error', `(${v.name}) weight for ${name} cannot be +/-254. Setting to +/-253`);
      weight = wt < 0 ? -253 : 253;
    } else weight = wt;
    if (words.length >= 4) {
      if (words[3] === 'reverse') reverse = true;
      else if (words[3] === 'noreverse') reverse = false;
      else {
        ctx.report('general-error', k.badReverse(v.name, name, words[3] as string));
        if (k.badReverseDrops) return;
      }
    }
  }
  list.push({ name, weight, weightReverse: reverse });
}

const SCRIPT: TrackedKind = {
  what: 'track script',
  find: (ctx, n) => ctx.state(VRRP_TRACKING).scripts.get(n),
  list: (v) => v.trackScripts,
  dupWord: 'track_script',
  range: [-254, 254],
  badWeight: (i, n) => `(${i}) track script ${n}: weight must be between [-253..253] inclusive, ignoring...`,
  unknownOption: (i, _n, o) => `(${i}) unknown track script option ${o} - ignoring`,
  badReverse: (i, n, o) => `(${i}) unknown track_script ${n} weight option ${o} - ignoring`,
  badReverseDrops: false,
  clamp254: true,
};

const PROCESS: TrackedKind = {
  what: 'track process',
  find: (ctx, n) => ctx.state(VRRP_TRACKING).processes.get(n),
  list: (v) => v.trackProcesses,
  dupWord: 'track_process',
  range: [-254, 254],
  badWeight: (i, n) => `(${i}) weight for track process ${n} must be in [-254..254] inclusive. Ignoring...`,
  unknownOption: (i, _n, o) => `(${i}) unknown track process option ${o} - ignoring`,
  badReverse: (i, n, o) => `(${i}) unknown track_process ${n} weight option ${o} - ignoring`,
  badReverseDrops: false,
  clamp254: false,
};

const TRACK_BFD: TrackedKind = {
  what: 'track bfd',
  find: (ctx, n) => ctx.state(BFD).tracked.find((t) => t.name === n),
  list: (v) => v.trackBfds,
  dupWord: 'track_bfd',
  range: [-253, 253],
  badWeight: (i, n) => `(${i}) weight for track bfd ${n} must be in [-253..253] inclusive. Ignoring...`,
  unknownOption: (i, n, o) => `(${i}) unknown track bfd ${n} option ${o} - ignoring`,
  badReverse: (i, n, o) => `(${i}) unknown track bfd ${n} weight option ${o} - ignoring`,
  badReverseDrops: true,
  clamp254: false,
};

/** A `KEYWORD { lines }` value block whose lines each go to `line`. */
export function block(
  name: string,
  line: (ctx: ParseContext, words: string[], v: VrrpInstanceDraft) => void,
  pre?: InstanceHandler,
): Keyword {
  return kw(name, (ctx, w, v) => {
    pre?.(ctx, w, v);
    ctx.forEachValueLine(w.words, (words) => line(ctx, words, v));
  });
}

export const trackInstanceKeywords: readonly Keyword[] = [
  block('track_interface', trackInterfaceLine),
  block('track_script', (ctx, words, v) => trackedLine(ctx, words, v, SCRIPT)),
  block('track_file', (ctx, words, v) => {
    const m = readTrackFileMonitor(ctx, v.name, words, v.trackFiles);
    if (m) v.trackFiles.push({ name: m.name, weight: m.weight, weightReverse: m.weightReverse });
  }),
  block('track_process', (ctx, words, v) => trackedLine(ctx, words, v, PROCESS)),
  block('track_bfd', (ctx, words, v) => trackedLine(ctx, words, v, TRACK_BFD)),
];
