/**
 * One line of a `track_interface` / `track_script` / `track_process` / `track_bfd` block, as
 * keepalived's alloc_track_if / alloc_track_script / alloc_track_process / alloc_track_bfd
 * (vrrp/vrrp_track.c) read it for a vrrp_instance or a vrrp_sync_group named `owner`. Each
 * returns the entry to add to `already`, or undefined after reporting why the line is ignored.
 */
import type { TrackedWeight } from '../model/vrrp-extras.js';
import type { ParseContext } from '../parser.js';
import { readInt } from '../values.js';
import { findTrackedBfd } from './bfd.js';
import { interfaceAvailable } from './vrrp-address.js';
import { VRRP_TRACKING } from './vrrp-script-state.js';

interface WeightSpec {
  /** Range read_int_strvec accepts. */
  readonly min: number;
  readonly max: number;
  /** What a line without `weight` (or with a refused one) gets. */
  readonly defaultWeight: number;
  readonly defaultReverse: boolean;
  /** ±254 is accepted but lowered to ±253 (interfaces and scripts). */
  readonly clamp254: boolean;
  /** `noreverse` is understood (not for interfaces). */
  readonly noreverse: boolean;
  /** An unknown option after the weight drops the line (bfd) rather than being ignored. */
  readonly badOptionDrops: boolean;
  readonly unknownOption: (opt: string) => string;
  readonly noValue: string;
  readonly badWeight: (value: string) => string;
  readonly badReverse: (opt: string) => string;
}

function readWeight(
  ctx: ParseContext,
  owner: string,
  tracked: string,
  words: readonly string[],
  spec: WeightSpec,
): { weight: number; weightReverse: boolean } | undefined {
  let weight = spec.defaultWeight;
  let weightReverse = spec.defaultReverse;
  const option = words[1];
  if (option === undefined) return { weight, weightReverse };
  if (option !== 'weight') {
    ctx.report('general-error', `(${owner}) ${spec.unknownOption(option)} - ignoring`);
    return undefined;
  }
  const value = words[2];
  if (value === undefined) {
    ctx.report('general-error', `(${owner}) ${spec.noValue} - ignoring`);
    return undefined;
  }
  const w = readInt(ctx, value, spec.min, spec.max, true);
  if (w === undefined) ctx.report('general-error', `(${owner}) ${spec.badWeight(value)}`);
  else if (spec.clamp254 && (w === 254 || w === -254)) {
    ctx.report('general-error', `(${owner}) weight for ${tracked} cannot be +/-254. Setting to +/-253`);
    weight = w > 0 ? 253 : -253;
  } else weight = w;
  const rev = words[3];
  if (rev === 'reverse') weightReverse = true;
  else if (rev === 'noreverse' && spec.noreverse) weightReverse = false;
  else if (rev !== undefined) {
    ctx.report('general-error', `(${owner}) ${spec.badReverse(rev)} - ignoring`);
    if (spec.badOptionDrops) return undefined;
  }
  return { weight, weightReverse };
}

/** alloc_track_if(): `IFNAME [weight N [reverse]]`. */
export function parseTrackInterfaceLine(
  ctx: ParseContext,
  owner: string,
  words: readonly string[],
  already: readonly TrackedWeight[],
): TrackedWeight | undefined {
  const name = words[0] ?? '';
  if (!interfaceAvailable(ctx, name)) {
    ctx.report('general-error', `(${owner}) tracked interface ${name} doesn't exist`);
    return undefined;
  }
  if (already.some((t) => t.name === name)) {
    ctx.report('general-error', `(${owner}) duplicate track_interface ${name} - ignoring`);
    return undefined;
  }
  const w = readWeight(ctx, owner, name, words, {
    min: -254,
    max: 254,
    defaultWeight: 0,
    defaultReverse: false,
    clamp254: true,
    noreverse: false,
    badOptionDrops: false,
    unknownOption: (o) => `unknown track_interface ${name} option ${o}`,
    noValue: `weight without value specified for track_interface ${name}`,
    badWeight: (v) => `weight ${v} for ${name} must be between [-253..253] inclusive. Ignoring...`,
    badReverse: (o) => `unknown track_interace ${name} weight option ${o}`,
  });
  return w && { name, ...w };
}

/** alloc_track_script(): `SCRIPT [weight N [reverse|noreverse]]`, defaults from the script. */
export function parseTrackScriptLine(
  ctx: ParseContext,
  owner: string,
  words: readonly string[],
  already: readonly TrackedWeight[],
): TrackedWeight | undefined {
  const name = words[0] ?? '';
  const script = ctx.state(VRRP_TRACKING).scripts.get(name);
  if (!script) {
    ctx.report('general-error', `(${owner}) track script ${name} not found, ignoring...`);
    return undefined;
  }
  if (already.some((t) => t.name === name)) {
    ctx.report('general-error', `(${owner}) duplicate track_script ${name} - ignoring`);
    return undefined;
  }
  const w = readWeight(ctx, owner, name, words, {
    min: -254,
    max: 254,
    defaultWeight: script.weight,
    defaultReverse: script.weightReverse,
    clamp254: true,
    noreverse: true,
    badOptionDrops: false,
    unknownOption: (o) => `unknown track script option ${o}`,
    noValue: `weight without value specified for track script ${name}`,
    badWeight: () => `track script ${name}: weight must be between [-253..253] inclusive, ignoring...`,
    badReverse: (o) => `unknown track_script ${name} weight option ${o}`,
  });
  return w && { name, ...w };
}

/** alloc_track_process(): `PROCESS [weight N [reverse|noreverse]]`. */
export function parseTrackProcessLine(
  ctx: ParseContext,
  owner: string,
  words: readonly string[],
  already: readonly TrackedWeight[],
): TrackedWeight | undefined {
  const name = words[0] ?? '';
  const proc = ctx.state(VRRP_TRACKING).processes.get(name);
  if (!proc) {
    ctx.report('general-error', `(${owner}) track process ${name} not found, ignoring...`);
    return undefined;
  }
  if (already.some((t) => t.name === name)) {
    ctx.report('general-error', `(${owner}) duplicate track_process ${name} - ignoring`);
    return undefined;
  }
  const w = readWeight(ctx, owner, name, words, {
    min: -254,
    max: 254,
    defaultWeight: proc.weight,
    defaultReverse: proc.weightReverse,
    clamp254: false,
    noreverse: true,
    badOptionDrops: false,
    unknownOption: (o) => `unknown track process option ${o}`,
    noValue: `weight without value specified for track process ${name}`,
    badWeight: () => `weight for track process ${name} must be in [-254..254] inclusive. Ignoring...`,
    badReverse: (o) => `unknown track_process ${name} weight option ${o}`,
  });
  return w && { name, ...w };
}

/** alloc_track_bfd(): `BFD [weight N [reverse|noreverse]]`. */
export function parseTrackBfdLine(
  ctx: ParseContext,
  owner: string,
  words: readonly string[],
  already: readonly TrackedWeight[],
): TrackedWeight | undefined {
  const name = words[0] ?? '';
  const bfd = findTrackedBfd(ctx, name);
  if (!bfd) {
    ctx.report('general-error', `(${owner}) track bfd ${name} not found, ignoring...`);
    return undefined;
  }
  if (already.some((t) => t.name === name)) {
    ctx.report('general-error', `(${owner}) duplicate track_bfd ${name} - ignoring`);
    return undefined;
  }
  const w = readWeight(ctx, owner, name, words, {
    min: -253,
    max: 253,
    defaultWeight: bfd.weight,
    defaultReverse: bfd.weightReverse,
    clamp254: false,
    noreverse: true,
    badOptionDrops: true,
    unknownOption: (o) => `unknown track bfd ${name} option ${o}`,
    noValue: `weight without value specified for track bfd ${name}`,
    badWeight: () => `weight for track bfd ${name} must be in [-253..253] inclusive. Ignoring...`,
    badReverse: (o) => `unknown track bfd ${name} weight option ${o}`,
  });
  return w && { name, ...w };
}
