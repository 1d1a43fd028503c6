/**
 * bfd_instance (keepalived 2.2.7 bfd/bfd_parser.c init_bfd_keywords). keepalived installs a
 * different root handler in each process: the BFD process reads the session (bfd-instance.ts),
 * the VRRP process records a name to track with its weight, the checker process just the name.
 * Every process reads `vrrp` / `checker` (which processes get the session's events), so a
 * BFD meant for one process only cannot be tracked by the other.
 */
import { formatIp } from '../../base/ip.js';
import type { BfdConfig, BfdInstanceConfig, TrackedBfdConfig } from '../model/bfd.js';
import { BFD_LIMITS } from '../model/bfd.js';
import type { Keyword, ParseContext, Pass, RootKeyword, Words } from '../parser.js';
import type { SectionModule } from '../section.js';
import { readInt } from '../values.js';
import { bfdInstanceKeywords, endInstance, startInstance } from './bfd-instance.js';
import { BFD } from './bfd-state.js';

export { BFD } from './bfd-state.js';

/**
 * The bfd_instance called `name` as this pass's process can track it: in the VRRP pass with
 * its weight (vrrp_instance track_bfd), in the checker pass (BFD_CHECK). Undefined when it was
 * not declared (before this point), or is reserved for the other process by `vrrp` / `checker`.
 */
export function findTrackedBfd(ctx: ParseContext, name: string): TrackedBfdConfig | undefined {
  return ctx.state(BFD).tracked.find((t) => t.name === name);
}

function eventKeywords(): Keyword[] {
  return [
    {
      name: 'vrrp',
      handler: (ctx) => {
        ctx.state(BFD).events.vrrp = true;
      },
    },
    {
      name: 'checker',
      handler: (ctx) => {
        ctx.state(BFD).events.checker = true;
      },
    },
  ];
}

/** Keywords another process's handler reads (ignore_handler): no value needed, nothing said. */
const SESSION_KEYWORDS = [
  'source_ip',
  'neighbor_ip',
  'neighbour_ip',
  'min_rx',
  'min_tx',
  'idle_tx',
  'multiplier',
  'passive',
  'ttl',
  'hoplimit',
  'max_hops',
];
const ignored = (names: readonly string[]): Keyword[] => names.map((name) => ({ name }));

// ---- VRRP process (bfd_vrrp_handler, alloc_vrrp_tracked_bfd) ----

function startVrrpTracked(ctx: ParseContext, w: Words): void {
  const draft = ctx.state(BFD);
  const name = w.at(1);
  if (name.length > BFD_LIMITS.nameMaxLen) {
    ctx.report('general-error', `BFD name ${name} too long`);
    ctx.skipBlock(true);
    return;
  }
  if (draft.tracked.some((t) => t.name === name)) {
    ctx.report('general-error', `BFD ${name} already specified`);
    ctx.skipBlock(true);
    return;
  }
  draft.tracked.push({ name, weight: 0, weightReverse: false });
  draft.events = { vrrp: false, checker: false };
}

function vrrpWeight(ctx: ParseContext, w: Words): void {
  const draft = ctx.state(BFD);
  const t = draft.tracked[draft.tracked.length - 1];
  if (!t) return;
  const v = readInt(ctx, w.at(1), BFD_LIMITS.weightMin, BFD_LIMITS.weightMax, true);
  if (v === undefined) {
    ctx.report(
      'general-error',
      `Configuration error: BFD instance ${t.name} weight value ${w.at(1)} not valid (must be in range [${BFD_LIMITS.weightMin}-${BFD_LIMITS.weightMax}]), ignoring`,
    );
  } else t.weight = v;
  if (w.has(2)) {
    if (w.at(2) !== 'reverse') {
      ctx.report(
        'general-error',
        `Configuration error: BFD instance ${t.name} unknown weight option ${w.at(2)}`,
      );
    } else t.weightReverse = true;
  }
}

/** Drops the name just read when `vrrp` / `checker` reserve it for the other process. */
function endTracked(which: 'vrrp' | 'checker') {
  return (ctx: ParseContext): void => {
    const draft = ctx.state(BFD);
    const { vrrp, checker } = draft.events;
    if ((vrrp || checker) && !draft.events[which]) draft.tracked.pop();
  };
}

// ---- checker process (bfd_checker_handler) ----

function startCheckerTracked(ctx: ParseContext, w: Words): void {
  const draft = ctx.state(BFD);
  // keepalived's checker crashes on a missing name; the VRRP process reports it as missing.
  const name = w.at(1);
  if (draft.tracked.some((t) => t.name === name)) {
    ctx.report('general-error', `BFD ${name} already specified`);
    ctx.skipBlock(true);
    return;
  }
  draft.tracked.push({ name, weight: 0, weightReverse: false });
  draft.events = { vrrp: false, checker: false };
}

function rootFor(pass: Pass): RootKeyword {
  switch (pass) {
    case 'vrrp':
      return {
        name: 'bfd_instance',
        section: 'bfd',
        handler: startVrrpTracked,
        sub: [...ignored(SESSION_KEYWORDS), { name: 'weight', handler: vrrpWeight }, ...eventKeywords()],
        close: endTracked('vrrp'),
      };
    case 'checker':
      return {
        name: 'bfd_instance',
        section: 'bfd',
        handler: startCheckerTracked,
        sub: [...ignored([...SESSION_KEYWORDS, 'weight']), ...eventKeywords()],
        close: endTracked('checker'),
      };
    default:
      // The BFD process; in the parent pass the block is inactive and skipped whole.
      return {
        name: 'bfd_instance',
        section: 'bfd',
        handler: startInstance,
        sub: [...bfdInstanceKeywords, ...eventKeywords()],
        close: endInstance,
      };
  }
}

const ROOTS: Record<Pass, readonly RootKeyword[]> = {
  parent: [rootFor('parent')],
  checker: [rootFor('checker')],
  vrrp: [rootFor('vrrp')],
  bfd: [rootFor('bfd')],
};

function build(ctx: ParseContext): BfdConfig {
  const instances: BfdInstanceConfig[] = [];
  for (const b of ctx.state(BFD).instances) {
    if (!b.neighbor) continue;
    instances.push({
      name: b.name,
      neighborIp: formatIp(b.neighbor),
      family: b.neighbor.family,
      sourceIp: b.source ? formatIp(b.source) : undefined,
      minRxUs: b.minRxUs,
      minTxUs: b.minTxUs,
      idleTxUs: b.idleTxUs,
      multiplier: b.multiplier,
      passive: b.passive,
      ttl: b.ttl,
      maxHops: b.maxHops,
      weight: b.weight,
      weightReverse: b.weightReverse,
      notifyVrrp: b.notifyVrrp,
      notifyChecker: b.notifyChecker,
    });
  }
  return { instances };
}

export const bfdSection: SectionModule<BfdConfig> = {
  name: 'bfd',
  roots: (pass) => ROOTS[pass],
  build,
};
