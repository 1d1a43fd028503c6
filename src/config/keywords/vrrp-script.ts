/**
 * vrrp_script and vrrp_track_process blocks (keepalived vrrp/vrrp_parser.c), with keepalived's
 * defaults (vrrp_data.c alloc_vrrp_script / alloc_vrrp_process), ranges and messages.
 */
import type { ScriptUser } from '../model/global.js';
import { VRRP_SCRIPT_DEFAULTS } from '../model/vrrp-extras.js';
import { type Keyword, type ParseContext, type RootKeyword, StateKey, type Words } from '../parser.js';
import { readDecimal, readInt, readUnsigned } from '../values.js';
import { defaultScriptUserOk, resolveUser } from './global-script-user.js';
import {
  addNamed,
  type ProcessDraft,
  removeNamed,
  type ScriptDraft,
  VRRP_TRACKING,
} from './vrrp-script-state.js';

const UINT_MAX = 4294967295;
const INT_MAX = 2147483647;
const TIMER_HZ = 1_000_000;

/** The block being read, and keepalived's per-block statics script_user_set / remove_script. */
interface Current {
  script: ScriptDraft | undefined;
  runAs: ScriptUser | undefined;
  userSet: boolean;
  remove: boolean;
  process: ProcessDraft | undefined;
}

const CURRENT = new StateKey<Current>('vrrp_script.current', () => ({
  script: undefined,
  runAs: undefined,
  userSet: false,
  remove: false,
  process: undefined,
}));

/** strtol's value of a word, as keepalived keeps it even when the number was refused. */
export function strtolValue(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(text);
  if (!m) return 0;
  const v = Number(m[1]);
  return Math.max(-2147483648, Math.min(2147483647, v));
}

function withScript(fn: (ctx: ParseContext, w: Words, s: ScriptDraft, cur: Current) => void) {
  return (ctx: ParseContext, w: Words): void => {
    const cur = ctx.state(CURRENT);
    if (cur.script) fn(ctx, w, cur.script, cur);
  };
}

function startScript(ctx: ParseContext, w: Words): void {
  const s: ScriptDraft = {
    name: w.at(1),
    script: undefined,
    intervalUs: VRRP_SCRIPT_DEFAULTS.intervalUs,
    timeoutUs: VRRP_SCRIPT_DEFAULTS.timeoutUs,
    weight: VRRP_SCRIPT_DEFAULTS.weight,
    weightReverse: false,
    rise: VRRP_SCRIPT_DEFAULTS.rise,
    fall: VRRP_SCRIPT_DEFAULTS.fall,
    initFail: false,
    insecure: false,
  };
  const st = ctx.state(VRRP_TRACKING);
  addNamed(st.scriptList, st.scripts, s);
  const cur = ctx.state(CURRENT);
  cur.script = s;
  cur.runAs = undefined;
  cur.userSet = false;
  cur.remove = false;
}

/** interval / timeout: whole seconds, 0 accepted (pre-2.0.7 configs) and raised to 1. */
function secondsHandler(kind: 'interval' | 'timeout') {
  return withScript((ctx, w, s) => {
    const v = readUnsigned(ctx, w.at(1), 0, Math.floor(UINT_MAX / TIMER_HZ), true);
    if (v === undefined) {
      ctx.report(
        'general-error',
        kind === 'interval'
          ? `(${s.name}): vrrp script interval '${w.at(1)}' must be between 1 and ${Math.floor(UINT_MAX / TIMER_HZ)} - ignoring`
          : `(${s.name}): vrrp script timeout '${w.at(1)}' invalid - ignoring`,
      );
      return;
    }
    let secs = v;
    if (secs === 0) {
      ctx.report('general-error', `(${s.name}): vrrp script ${kind} must be greater than 0, setting to 1`);
      secs = 1;
    }
    if (kind === 'interval') s.intervalUs = secs * TIMER_HZ;
    else s.timeoutUs = secs * TIMER_HZ;
  });
}

function riseFallHandler(kind: 'rise' | 'fall') {
  return withScript((ctx, w, s) => {
    const v = readUnsigned(ctx, w.at(1), 1, INT_MAX, true);
    if (v === undefined)
      ctx.report(
        'general-error',
        `(${s.name}): vrrp script ${kind} value '${w.at(1)}' invalid, defaulting to 1`,
      );
    s[kind] = v ?? 1;
  });
}

function endScript(ctx: ParseContext): void {
  const cur = ctx.state(CURRENT);
  const s = cur.script;
  if (!s) return;
  cur.script = undefined;
  if (!s.script || s.script.args.length === 0) {
    ctx.report('general-error', `No script set for vrrp_script ${s.name} - removing`);
    cur.remove = true;
  } else if (!cur.remove && !cur.userSet) {
    if (!defaultScriptUserOk(ctx)) {
      ctx.report('general-error', `Unable to set default user for vrrp script ${s.name} - removing`);
      cur.remove = true;
    }
  }
  if (cur.remove) {
    const st = ctx.state(VRRP_TRACKING);
    removeNamed(st.scriptList, st.scripts, s);
    return;
  }
  if (cur.runAs && s.script) s.script = { args: s.script.args, runAs: cur.runAs };
}

const scriptKeywords: Keyword[] = [
  {
    name: 'script',
    handler: withScript((ctx, w, s) => {
      // The whole line again, with quotes and escapes; word 1 is the command line.
      const line = ctx.quotedWords(w.raw);
      const cmd = line?.[1];
      if (cmd === undefined) return;
      const args = ctx.quotedWords(cmd);
      if (args) s.script = { args };
    }),
  },
  { name: 'interval', handler: secondsHandler('interval') },
  { name: 'timeout', handler: secondsHandler('timeout') },
  {
    name: 'weight',
    handler: withScript((ctx, w, s) => {
      const text = w.at(1);
      const v = readInt(ctx, text, -253, 253, true);
      if (v === undefined)
        ctx.report('general-error', `vrrp_script ${s.name} weight ${text} must be in [-253, 253]`);
      // keepalived stores the number even when it refused it.
      s.weight = v ?? strtolValue(text);
      if (w.length >= 3) {
        if (w.at(2) === 'reverse') s.weightReverse = true;
        else ctx.report('general-error', `vrrp_script ${s.name} unknown weight option ${w.at(2)}`);
      }
    }),
  },
  { name: 'rise', handler: riseFallHandler('rise') },
  { name: 'fall', handler: riseFallHandler('fall') },
  {
    name: 'user',
    handler: withScript((ctx, w, s, cur) => {
      const user = w.at(1);
      const group = w.has(2) ? w.at(2) : undefined;
      if (!resolveUser(ctx, user, group)) {
        const cmd = (s.script?.args ?? [])
          .map((a, i) => (i === 0 && /^[<>]/.test(a) ? a : `'${a}'`))
          .join(' ');
        ctx.report('general-error', `Unable to set uid/gid for script ${cmd}`);
        cur.remove = true;
      } else {
        cur.remove = false;
        cur.userSet = true;
        cur.runAs = group !== undefined ? { user, group } : { user };
      }
    }),
  },
  {
    name: 'init_fail',
    handler: withScript((_ctx, _w, s) => {
      s.initFail = true;
    }),
  },
];

// ---- vrrp_track_process ----

function withProcess(fn: (ctx: ParseContext, w: Words, p: ProcessDraft) => void) {
  return (ctx: ParseContext, w: Words): void => {
    const p = ctx.state(CURRENT).process;
    if (p) fn(ctx, w, p);
  };
}

function startProcess(ctx: ParseContext, w: Words): void {
  const p: ProcessDraft = {
    name: w.at(1),
    process: undefined,
    params: [],
    paramMatch: 'none',
    fullCommand: false,
    weight: 0,
    weightReverse: false,
    quorum: 1,
    quorumMax: UINT_MAX,
    terminateDelayUs: 0,
    forkDelayUs: 0,
  };
  const st = ctx.state(VRRP_TRACKING);
  addNamed(st.processList, st.processes, p);
  ctx.state(CURRENT).process = p;
}

function delayHandler(kind: 'delay' | 'terminate_delay' | 'fork_delay') {
  return withProcess((ctx, w, p) => {
    const v = readDecimal(ctx, w.at(1), 1, 3600 * TIMER_HZ, 6, true);
    if (v === undefined) {
      const prefix = kind === 'delay' ? '' : kind.replace('delay', '');
      ctx.report(
        'general-error',
        `${prefix}delay (${w.at(1)}) for vrrp_track_process ${p.name} must be between [0.000001..3600] inclusive. Ignoring...`,
      );
      return;
    }
    if (kind !== 'fork_delay') p.terminateDelayUs = v;
    if (kind !== 'terminate_delay') p.forkDelayUs = v;
  });
}

const processKeywords: Keyword[] = [
  {
    name: 'process',
    handler: withProcess((ctx, w, p) => {
      if (p.process !== undefined) {
        ctx.report('general-error', `Process already set for track process ${p.name} - ignoring ${w.at(1)}`);
        return;
      }
      // set_value(): word 1 (a missing one aborts the parse).
      p.process = w.at(1);
      if (w.length > 2) {
        p.params = w.words.slice(2);
        if (p.paramMatch === 'none') p.paramMatch = 'exact';
        p.fullCommand = true;
      }
    }),
  },
  {
    name: 'param_match',
    handler: withProcess((ctx, w, p) => {
      if (w.length === 1) p.paramMatch = 'exact';
      else if (w.at(1) === 'initial') p.paramMatch = 'initial';
      else if (w.at(1) === 'partial') p.paramMatch = 'partial';
      else {
        ctx.report('general-error', `Invalid param_match type ${w.at(1)} - ignoring`);
        return;
      }
      p.fullCommand = true;
    }),
  },
  {
    name: 'weight',
    handler: withProcess((ctx, w, p) => {
      if (w.length < 2) {
        ctx.report('general-error', `No weight specified for track process ${p.name} - ignoring`);
        return;
      }
      if (p.weight) {
        ctx.report('general-error', `Weight already set for track process ${p.name} - ignoring ${w.at(1)}`);
        return;
      }
      const v = readInt(ctx, w.at(1), -254, 254, true);
      if (v === undefined) {
        ctx.report(
          'general-error',
          `Weight (${w.at(1)}) for vrrp_track_process ${p.name} must be between [-254..254] inclusive. Ignoring...`,
        );
        return;
      }
      if (w.length >= 3) {
        if (w.at(2) === 'reverse') p.weightReverse = true;
        else ctx.report('general-error', `vrrp_track_process ${p.name} unknown weight option ${w.at(2)}`);
      }
      p.weight = v;
    }),
  },
  {
    name: 'quorum',
    handler: withProcess((ctx, w, p) => {
      const v = readUnsigned(ctx, w.at(1), 1, 65535, true);
      if (v === undefined) {
        ctx.report(
          'general-error',
          `Quorum (${w.at(1)}) for vrrp_track_process ${p.name} must be between [1..65535] inclusive. Ignoring...`,
        );
        return;
      }
      if (v > p.quorumMax) {
        ctx.report('general-error', 'Quorum is greater than quorum_max - ignoring');
        return;
      }
      p.quorum = v;
    }),
  },
  {
    name: 'quorum_max',
    handler: withProcess((ctx, w, p) => {
      const v = readUnsigned(ctx, w.at(1), 0, 65535, true);
      if (v === undefined) {
        ctx.report(
          'general-error',
          `quorum_max (${w.at(1)}) for vrrp_track_process ${p.name} must be between [0..65535] inclusive. Ignoring...`,
        );
        return;
      }
      // quorum_max 0 is allowed while quorum was not raised: the process must not run.
      if ((v || p.quorum > 1) && v < p.quorum) {
        ctx.report('general-error', 'quorum_max is less than quorum - ignoring');
        return;
      }
      p.quorumMax = v;
      if (v === 0) p.quorum = 0;
      else if (!p.quorum) p.quorum = 1;
    }),
  },
  { name: 'delay', handler: delayHandler('delay') },
  { name: 'terminate_delay', handler: delayHandler('terminate_delay') },
  { name: 'fork_delay', handler: delayHandler('fork_delay') },
  {
    name: 'full_command',
    handler: withProcess((_ctx, _w, p) => {
      p.fullCommand = true;
    }),
  },
];

function endProcess(ctx: ParseContext): void {
  const cur = ctx.state(CURRENT);
  const p = cur.process;
  cur.process = undefined;
  if (!p || p.process !== undefined) return;
  ctx.report('general-error', `track process '${p.name}' process name not specified`);
  const st = ctx.state(VRRP_TRACKING);
  removeNamed(st.processList, st.processes, p);
}

export const vrrpScriptRoots: RootKeyword[] = [
  { name: 'vrrp_script', section: 'vrrp', handler: startScript, sub: scriptKeywords, close: endScript },
  {
    name: 'vrrp_track_process',
    section: 'vrrp',
    handler: startProcess,
    sub: processKeywords,
    close: endProcess,
  },
];
