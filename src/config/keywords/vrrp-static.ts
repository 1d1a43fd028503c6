/**
 * static_ipaddress / static_routes / static_rules, garp_group, linkbeat_interfaces and
 * interface_up_down_delays root blocks (keepalived vrrp/vrrp_parser.c).
 */
import type { LinkbeatType } from '../model/vrrp-extras.js';
import {
  type Keyword,
  type ParseContext,
  type RootKeyword,
  StateKey,
  type Words,
  Words as WordsClass,
} from '../parser.js';
import { readDecimal, readTimerUs } from '../values.js';
import { GLOBAL } from './global-draft.js';
import { interfaceAvailable, parseIpAddressLine } from './vrrp-address.js';
import { parseRouteLine, parseRuleLine } from './vrrp-route.js';
import { type GarpGroupDraft, VRRP_TRACKING } from './vrrp-script-state.js';

const INT_MAX = 2147483647;
const TIMER_HZ = 1_000_000;

function trackGroupExists(ctx: ParseContext): (name: string) => boolean {
  return (name) => ctx.state(VRRP_TRACKING).trackGroups.some((g) => g.name === name);
}

const staticRoots: RootKeyword[] = [
  {
    name: 'static_ipaddress',
    section: 'vrrp',
    handler: (ctx, w) =>
      ctx.forEachValueLine(w.words, (words) => {
        const a = parseIpAddressLine(ctx, words, { isStatic: true, trackGroupExists: trackGroupExists(ctx) });
        if (a) ctx.state(VRRP_TRACKING).staticAddresses.push(a);
      }),
  },
  {
    name: 'static_routes',
    section: 'vrrp',
    handler: (ctx, w) =>
      ctx.forEachValueLine(w.words, (words) => {
        const r = parseRouteLine(ctx, words, { trackGroupExists: trackGroupExists(ctx) });
        if (r) ctx.state(VRRP_TRACKING).staticRoutes.push(r);
      }),
  },
  {
    name: 'static_rules',
    section: 'vrrp',
    handler: (ctx, w) =>
      ctx.forEachValueLine(w.words, (words) => {
        const r = parseRuleLine(ctx, words, { trackGroupExists: trackGroupExists(ctx) });
        if (r) ctx.state(VRRP_TRACKING).staticRules.push(r);
      }),
  },
];

// ---- garp_group ----

const CURRENT_GARP = new StateKey<{ group: GarpGroupDraft | undefined }>('garp_group.current', () => ({
  group: undefined,
}));

function withGarp(fn: (ctx: ParseContext, w: Words, g: GarpGroupDraft) => void) {
  return (ctx: ParseContext, w: Words): void => {
    const g = ctx.state(CURRENT_GARP).group;
    if (g) fn(ctx, w, g);
  };
}

function garpInterval(key: 'garpIntervalUs' | 'gnaIntervalUs', word: string) {
  return withGarp((ctx, w, g) => {
    const v = readDecimal(ctx, w.at(1), 0, INT_MAX, 6, true);
    if (v === undefined) {
      ctx.report('general-error', `garp_group ${word} '${w.at(1)}' invalid`);
      return;
    }
    // (keepalived only logs "The garp_interval is very large" from 1 s on.)
    g[key] = v;
  });
}

/** Gives `name` this garp group, as keepalived sets ifp->garp_delay. */
function assignGarp(ctx: ParseContext, g: GarpGroupDraft, name: string, dupName: () => string): void {
  const st = ctx.state(VRRP_TRACKING);
  if (!interfaceAvailable(ctx, name)) {
    ctx.report('general-error', `WARNING - interface ${name} specified for garp_group doesn't exist`);
    return;
  }
  if (st.garpInterfaces.has(name)) {
    ctx.report('general-error', `garp_group already specified for ${dupName()} - ignoring`);
    return;
  }
  st.garpInterfaces.set(name, g);
  g.interfaces.push(name);
}

const garpKeywords: Keyword[] = [
  { name: 'garp_interval', handler: garpInterval('garpIntervalUs', 'garp_interval') },
  { name: 'gna_interval', handler: garpInterval('gnaIntervalUs', 'gna_interval') },
  {
    name: 'interface',
    handler: withGarp((ctx, w, g) => {
      const name = w.at(1);
      assignGarp(ctx, g, name, () => name);
    }),
  },
  {
    name: 'interfaces',
    handler: withGarp((ctx, w, g) => {
      const names = ctx.readValueBlock(w).flat();
      if (names.length === 0) {
        ctx.report('general-error', 'Warning - empty garp_group interfaces block');
        return;
      }
      const st = ctx.state(VRRP_TRACKING);
      g.aggregationGroup = 1 + st.garpGroups.filter((o) => o !== g && o.aggregationGroup).length;
      // keepalived names the block's second word in the duplicate message; with one word
      // that is a missing parameter, which ends the parse.
      const vec = new WordsClass(names, names.join(' '), ctx);
      for (const name of names) assignGarp(ctx, g, name, () => vec.at(1));
    }),
  },
];

function endGarp(ctx: ParseContext): void {
  const g = ctx.state(CURRENT_GARP).group;
  if (!g || g.garpIntervalUs !== undefined || g.gnaIntervalUs !== undefined) return;
  ctx.report('general-error', `garp group ${g.aggregationGroup} does not have any delay set - removing`);
  const st = ctx.state(VRRP_TRACKING);
  for (const name of g.interfaces) if (st.garpInterfaces.get(name) === g) st.garpInterfaces.delete(name);
  st.garpGroups = st.garpGroups.filter((o) => o !== g);
}

/** if_get_by_ifname(name, dynamic_interfaces): without dynamic interfaces, no flag is set. */
function knownInterface(ctx: ParseContext, name: string): boolean {
  return ctx.env.interfaces.exists(name) || ctx.parentState(GLOBAL).dynamicInterfaces;
}

const LINKBEAT_TYPES: readonly LinkbeatType[] = ['MII', 'ETHTOOL', 'IOCTL'];

export const vrrpStaticRoots: RootKeyword[] = [
  ...staticRoots,
  {
    name: 'garp_group',
    section: 'vrrp',
    handler: (ctx) => {
      const g: GarpGroupDraft = {
        aggregationGroup: 0,
        garpIntervalUs: undefined,
        gnaIntervalUs: undefined,
        interfaces: [],
      };
      ctx.state(VRRP_TRACKING).garpGroups.push(g);
      ctx.state(CURRENT_GARP).group = g;
    },
    sub: garpKeywords,
    close: endGarp,
  },
  {
    name: 'linkbeat_interfaces',
    section: 'vrrp',
    handler: (ctx, w) =>
      ctx.forEachValueLine(w.words, (words) => {
        const name = words[0] ?? '';
        if (!knownInterface(ctx, name)) {
          ctx.report('fatal', `unknown interface ${name} specified for linkbeat interface`);
          return;
        }
        let type: LinkbeatType = 'default';
        const opt = words[1];
        if (opt !== undefined) {
          const t = LINKBEAT_TYPES.find((x) => x === opt);
          if (t) type = t;
          if (!t || words.length > 2)
            ctx.report('general-error', `extra characters ${opt} in linkbeat interface`);
        }
        ctx.state(VRRP_TRACKING).linkbeat.set(name, { interface: name, type });
      }),
  },
  {
    name: 'interface_up_down_delays',
    section: 'vrrp',
    handler: (ctx, w) =>
      ctx.forEachValueLine(w.words, (words) => {
        const name = words[0] ?? '';
        if (!knownInterface(ctx, name)) {
          ctx.report('fatal', `unknown interface ${name} specified for up/down delay`);
          return;
        }
        // Too few or too many values, or bad ones, are only logged by keepalived.
        if (words.length < 2) return;
        const down = readTimerUs(ctx, words[1] as string, 0, 255 * TIMER_HZ, true);
        if (down === undefined) return;
        let up = 0;
        if (words.length > 2) {
          const u = readTimerUs(ctx, words[2] as string, 0, 255 * TIMER_HZ, true);
          if (u === undefined) return;
          up = u;
        }
        ctx
          .state(VRRP_TRACKING)
          .interfaceDelays.set(name, { interface: name, downDelayUs: down, upDelayUs: up });
      }),
  },
];
