/**
 * bfd_instance as the BFD process reads it (keepalived 2.2.7 bfd/bfd_parser.c bfd_handler and
 * its sub-handlers, bfd_data.c alloc_bfd): the session parameters and the checks made when the
 * block ends. `-t` runs nothing else for BFD (start_bfd returns right after the parse).
 */
import { formatIp, type IpAddr, parseIpv4, parseIpv6 } from '../../base/ip.js';
import { BFD_LIMITS } from '../model/bfd.js';
import type { Handler, Keyword, ParseContext, Words } from '../parser.js';
import { readDecimal, readInt, readUnsigned, type ValueReport } from '../values.js';
import { BFD, type BfdInstanceDraft, lastInstance, removeInstance } from './bfd-state.js';

const L = BFD_LIMITS;

/**
 * keepalived's inet_stosockaddr: a ':' anywhere makes it IPv6; a `-range` or `/prefix` suffix
 * is dropped; the rest must be what inet_pton accepts.
 */
export function parseSockaddr(text: string): IpAddr | undefined {
  const family = text.includes(':') ? 6 : 4;
  const dash = text.indexOf('-');
  const cut = dash >= 0 ? dash : text.indexOf('/');
  const ip = cut >= 0 ? text.slice(0, cut) : text;
  const r = family === 6 ? parseIpv6(ip) : parseIpv4(ip);
  return r.ok ? { family, bytes: r.value } : undefined;
}

function sameAddr(a: IpAddr, b: IpAddr): boolean {
  return a.family === b.family && a.bytes.equals(b.bytes);
}

export function startInstance(ctx: ParseContext, w: Words): void {
  const draft = ctx.state(BFD);
  const name = w.at(1);
  if (name.length > L.nameMaxLen) {
    ctx.report(
      'general-error',
      `Configuration error: BFD instance ${name} name too long (maximum length is ${L.nameMaxLen} characters) - ignoring`,
    );
    ctx.skipBlock(true);
    return;
  }
  if (draft.instances.some((b) => b.name === name)) {
    ctx.report('general-error', `Configuration error: BFD instance ${name} already configured - ignoring`);
    ctx.skipBlock(true);
    return;
  }
  draft.instances.push({
    name,
    neighbor: undefined,
    source: undefined,
    minRxUs: L.minRxDefaultMs * 1000,
    minTxUs: L.minTxDefaultMs * 1000,
    idleTxUs: L.idleTxDefaultMs * 1000,
    multiplier: L.multiplierDefault,
    passive: false,
    ttl: 0,
    maxHops: 0,
    weight: 0,
    weightReverse: false,
    notifyVrrp: false,
    notifyChecker: false,
  });
  draft.events = { vrrp: false, checker: false };
}

/** Runs `f` on the instance being read; there is always one inside a bfd_instance block. */
function onInstance(f: (ctx: ParseContext, w: Words, b: BfdInstanceDraft) => void): Handler {
  return (ctx: ParseContext, w: Words): void => {
    const b = lastInstance(ctx.state(BFD));
    if (b) f(ctx, w, b);
  };
}

const neighborIp = onInstance((ctx, w, b) => {
  const draft = ctx.state(BFD);
  // keepalived crashes on a missing value here; we report it as missing instead.
  const text = w.at(1);
  if (text === 'neighbour_ip') draft.neighborWord = 'neighbour';
  const addr = parseSockaddr(text);
  if (!addr) {
    ctx.report(
      'general-error',
      `Configuration error: BFD instance ${b.name} has malformed ${draft.neighborWord} address ${text}, ignoring instance`,
    );
    removeInstance(draft, b);
    ctx.skipBlock(false);
    return;
  }
  b.neighbor = addr;
});

const sourceIp = onInstance((ctx, w, b) => {
  const addr = parseSockaddr(w.at(1));
  if (!addr) {
    ctx.report(
      'general-error',
      `Configuration error: BFD instance ${b.name} has malformed source address ${w.at(1)}, ignoring`,
    );
  } else b.source = addr;
});

/**
 * min_rx / min_tx / idle_tx: milliseconds with up to 3 decimals. Values above 10 s are only
 * logged by keepalived as not sensible (not shown by -t), so not reported here.
 */
function interval(key: 'minRxUs' | 'minTxUs' | 'idleTxUs', keyword: string, minMs: number): Handler {
  return onInstance((ctx, w, b) => {
    const us = readDecimal(ctx, w.at(1), minMs * 1000, L.intervalMaxMs * 1000, 3);
    if (us === undefined) {
      ctx.report(
        'general-error',
        `Configuration error: BFD instance ${b.name} ${keyword} value ${w.at(1)} is not valid (must be in range [${minMs}-${L.intervalMaxMs}]), ignoring`,
      );
      return;
    }
    b[key] = us;
  });
}

const multiplier = onInstance((ctx, w, b) => {
  const v = readUnsigned(ctx, w.at(1), L.multiplierMin, L.multiplierMax);
  if (v === undefined) {
    ctx.report(
      'general-error',
      `Configuration error: BFD instance ${b.name} multiplier value ${w.at(1)} not valid (must be in range [${L.multiplierMin}-${L.multiplierMax}]), ignoring`,
    );
  } else b.multiplier = v;
});

const ttl = onInstance((ctx, w, b) => {
  const v = readUnsigned(ctx, w.at(1), 1, L.ttlMax);
  if (v === undefined) {
    ctx.report(
      'general-error',
      `Configuration error: BFD instance ${b.name} ttl/hoplimit value ${w.at(1)} not valid (must be in range [1-${L.ttlMax}]), ignoring`,
    );
  } else b.ttl = v;
});

const maxHops = onInstance((ctx, w, b) => {
  const v = readInt(ctx, w.at(1), -1, L.ttlMax);
  if (v === undefined) {
    ctx.report(
      'general-error',
      `Configuration error: BFD instance ${b.name} max_hops value ${w.at(1)} not valid (must be in range [-1-${L.ttlMax}]), ignoring`,
    );
  } else b.maxHops = v & 0xff; // an 8-bit field: -1 becomes 255, "no hop check"
});

/**
 * The BFD process ignores `weight` (the VRRP process reports on it); it is read here without
 * diagnostics so that the model carries each instance's default tracking weight.
 */
const silentWeight = onInstance((ctx, w, b) => {
  const quiet: ValueReport = { report: () => {}, testMode: ctx.testMode };
  const text = w.words[1];
  if (text === undefined) return;
  const v = readInt(quiet, text, L.weightMin, L.weightMax, true);
  if (v !== undefined) b.weight = v;
  if (w.words[2] === 'reverse') b.weightReverse = true;
});

/** bfd_end_handler: the instance is dropped unless it has a usable, unique neighbour. */
export function endInstance(ctx: ParseContext): void {
  const draft = ctx.state(BFD);
  const b = lastInstance(draft);
  if (!b) return;
  const nbrWord = draft.neighborWord;
  const nbr = b.neighbor;
  if (!nbr) {
    ctx.report(
      'general-error',
      `Configuration error: BFD instance ${b.name} has no ${nbrWord} address set, disabling instance`,
    );
    removeInstance(draft, b);
    return;
  }
  if (b.source && b.source.family !== nbr.family) {
    ctx.report(
      'general-error',
      `Configuration error: BFD instance ${b.name} source address ${formatIp(b.source)} and ${nbrWord} address ${formatIp(nbr)} are not of the same family, disabling instance`,
    );
    removeInstance(draft, b);
    return;
  }
  // find_bfd_by_addr: same neighbour, and either side without a source, or the same source.
  const dup = draft.instances.find(
    (o) =>
      o !== b &&
      o.neighbor !== undefined &&
      sameAddr(o.neighbor, nbr) &&
      (!o.source || !b.source || sameAddr(o.source, b.source)),
  );
  if (dup) {
    ctx.report(
      'general-error',
      b.source
        ? `Configuration error: BFD instance ${b.name} has duplicate source/${nbrWord} address ${formatIp(b.source)}/${formatIp(nbr)}, ignoring instance`
        : `Configuration error: BFD instance ${b.name} has duplicate ${nbrWord} address ${formatIp(nbr)}, ignoring instance`,
    );
    removeInstance(draft, b);
    return;
  }
  if (!b.ttl) b.ttl = nbr.family === 4 ? L.ttlDefaultV4 : L.hopLimitDefaultV6;
  if (b.maxHops > b.ttl) {
    ctx.report(
      'general-error',
      `BFD instance ${b.name}: max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit`,
    );
    b.maxHops = b.ttl;
  }
  const specified = draft.events.vrrp || draft.events.checker;
  b.notifyVrrp = !specified || draft.events.vrrp;
  b.notifyChecker = !specified || draft.events.checker;
}

const passive = onInstance((_ctx, _w, b) => {
  b.passive = true;
});

/** The BFD process's sub-keywords; `vrrp` / `checker` are shared by all processes. */
export const bfdInstanceKeywords: readonly Keyword[] = [
  { name: 'source_ip', handler: sourceIp },
  { name: 'neighbor_ip', handler: neighborIp },
  { name: 'neighbour_ip', handler: neighborIp },
  { name: 'min_rx', handler: interval('minRxUs', 'min_rx', L.minRxMinMs) },
  { name: 'min_tx', handler: interval('minTxUs', 'min_tx', L.minTxMinMs) },
  { name: 'idle_tx', handler: interval('idleTxUs', 'idle_tx', L.idleTxMinMs) },
  { name: 'multiplier', handler: multiplier },
  { name: 'passive', handler: passive },
  { name: 'ttl', handler: ttl },
  { name: 'hoplimit', handler: ttl },
  { name: 'max_hops', handler: maxHops },
  { name: 'weight', handler: silentWeight },
];
