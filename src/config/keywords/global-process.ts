/**
 * global_defs keywords about keepalived's own processes: names, nice/real-time priorities,
 * CPU affinity, RLIMIT_RTTIME, memory locking (global_parser.c get_priority,
 * get_realtime_priority, get_cpu_affinity, get_rt_rlimit, save_process_name).
 */
import type { Handler, Keyword, ParseContext, Words } from '../parser.js';
import { readInt, readUnsigned } from '../values.js';
import { GLOBAL, type GlobalDraft } from './global-draft.js';
import { onlineCpus } from './global-env.js';
import { flag } from './global-util.js';

/** sched_get_priority_min/max(SCHED_RR) on Linux. */
export const SCHED_RR_MIN = 1;
export const SCHED_RR_MAX = 99;
/** The kernel's TASK_COMM_LEN: process names are cut to 15 characters. */
const TASK_COMM_LEN = 16;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const UINT32_MAX = 4294967295;

type NameKey = 'processName' | 'vrrpProcessName' | 'checkerProcessName' | 'bfdProcessName';

function saveProcessName(ctx: ParseContext, key: NameKey, name: string): void {
  let n = name;
  if (n.length >= TASK_COMM_LEN) {
    ctx.report('general-error', `Process name ${n} more than ${TASK_COMM_LEN - 1} characters, truncating`);
    n = n.slice(0, TASK_COMM_LEN - 1);
  }
  ctx.state(GLOBAL)[key] = n;
}

function processName(key: NameKey): Handler {
  return (ctx, w) => saveProcessName(ctx, key, w.at(1));
}

type Proc = 'vrrp' | 'checker' | 'bfd';
const NICE_KEY = { vrrp: 'vrrpPriority', checker: 'checkerPriority', bfd: 'bfdPriority' } as const;
const RT_KEY = { vrrp: 'vrrpRtPriority', checker: 'checkerRtPriority', bfd: 'bfdRtPriority' } as const;
const CPU_KEY = {
  vrrp: 'vrrpCpuAffinity',
  checker: 'checkerCpuAffinity',
  bfd: 'bfdCpuAffinity',
} as const;
const RLIMIT_KEY = {
  vrrp: 'vrrpRlimitRttime',
  checker: 'checkerRlimitRttime',
  bfd: 'bfdRlimitRttime',
} as const;
const NOSWAP_KEY = { vrrp: 'vrrpNoSwap', checker: 'checkerNoSwap', bfd: 'bfdNoSwap' } as const;

/** get_priority(): a nice value; any failure resets it to 0. */
function nice(ctx: ParseContext, w: Words, p: Proc): void {
  const g: GlobalDraft = ctx.state(GLOBAL);
  if (w.length < 2) {
    ctx.report('general-error', `No ${p} process priority specified`);
    g[NICE_KEY[p]] = 0;
    return;
  }
  const v = readInt(ctx, w.at(1), -20, 19, true);
  if (v === undefined) ctx.report('general-error', `Invalid ${p} process priority specified`);
  g[NICE_KEY[p]] = v ?? 0;
}

/** get_realtime_priority(): clamped to SCHED_RR's range with a message. */
function realtime(ctx: ParseContext, w: Words, p: Proc): void {
  if (w.length < 2) {
    ctx.report('general-error', `No ${p} process real-time priority specified`);
    return;
  }
  let v = readInt(ctx, w.at(1), INT_MIN, INT_MAX, true);
  if (v === undefined) {
    ctx.report('general-error', `${p} process real-time priority '${w.at(1)}' invalid`);
    return;
  }
  if (v < SCHED_RR_MIN) {
    ctx.report(
      'general-error',
      `${p} process real-time priority ${v} less than minimum ${SCHED_RR_MIN} - setting to minimum`,
    );
    v = SCHED_RR_MIN;
  } else if (v > SCHED_RR_MAX) {
    ctx.report(
      'general-error',
      `${p} process real-time priority ${v} greater than maximum ${SCHED_RR_MAX} - setting to maximum`,
    );
    v = SCHED_RR_MAX;
  }
  ctx.state(GLOBAL)[RT_KEY[p]] = v;
}

/** get_cpu_affinity(): one CPU id per word; the first bad one empties the set. */
function cpuAffinity(ctx: ParseContext, w: Words, p: Proc): void {
  if (w.length < 2) {
    ctx.report('general-error', `No ${p} cpu_id set specified`);
    return;
  }
  const max = onlineCpus(ctx.env) - 1;
  const set = new Set<number>();
  const g = ctx.state(GLOBAL);
  for (let i = 1; i < w.length; i++) {
    const v = readInt(ctx, w.at(i), 0, max, true);
    if (v === undefined) {
      ctx.report('general-error', `Invalid cpu_id:${w.at(i)} specified for ${p} process`);
      g[CPU_KEY[p]] = [];
      return;
    }
    set.add(v);
  }
  g[CPU_KEY[p]] = [...set].sort((a, b) => a - b);
}

/** get_rt_rlimit(): µs, at least 2 (keepalived halves it later). A failure stores 0. */
function rlimit(ctx: ParseContext, w: Words, p: Proc): void {
  // *_rlimit_rtime is deprecated: keepalived only logs that, -t prints nothing.
  const v = readUnsigned(ctx, w.at(1), 1, UINT32_MAX, true);
  if (v === undefined) ctx.report('general-error', `Invalid ${p} real-time limit - ${w.at(1)}`);
  ctx.state(GLOBAL)[RLIMIT_KEY[p]] = v === undefined ? 0 : Math.max(v, 2);
}

function schedulingKeywords(p: Proc): Keyword[] {
  return [
    { name: `${p}_priority`, handler: (ctx, w) => nice(ctx, w, p) },
    { name: `${p}_no_swap`, handler: flag(NOSWAP_KEY[p]) },
    { name: `${p}_rt_priority`, handler: (ctx, w) => realtime(ctx, w, p) },
    { name: `${p}_cpu_affinity`, handler: (ctx, w) => cpuAffinity(ctx, w, p) },
    { name: `${p}_rlimit_rttime`, handler: (ctx, w) => rlimit(ctx, w, p) },
    { name: `${p}_rlimit_rtime`, handler: (ctx, w) => rlimit(ctx, w, p) },
  ];
}

export const processKeywords: readonly Keyword[] = [
  {
    name: 'process_names',
    handler: (ctx) => {
      saveProcessName(ctx, 'vrrpProcessName', 'keepalived_vrrp');
      saveProcessName(ctx, 'checkerProcessName', 'keepalived_lvs');
      saveProcessName(ctx, 'bfdProcessName', 'keepalived_bfd');
    },
  },
  { name: 'process_name', handler: processName('processName') },
  { name: 'vrrp_process_name', handler: processName('vrrpProcessName') },
  { name: 'checker_process_name', handler: processName('checkerProcessName') },
  // Deprecated since 2.1.x: keepalived only logs it.
  { name: 'lvs_process_name', handler: processName('checkerProcessName') },
  { name: 'bfd_process_name', handler: processName('bfdProcessName') },
  {
    name: 'max_auto_priority',
    handler: (ctx, w) => {
      const g = ctx.state(GLOBAL);
      if (w.length < 2) {
        g.maxAutoPriority = SCHED_RR_MAX;
        return;
      }
      const v = readInt(ctx, w.at(1), -1, SCHED_RR_MAX, true);
      if (v === undefined) {
        ctx.report(
          'general-error',
          `max_auto_priority '${w.at(1)}' must be in [0, ${SCHED_RR_MAX}] (or -1 to disable) - ignoring`,
        );
        return;
      }
      g.maxAutoPriority = v;
    },
  },
  {
    name: 'min_auto_priority_delay',
    handler: (ctx, w) => {
      if (w.length < 2) {
        ctx.report('general-error', 'min_auto_priority_delay requires delay time');
        return;
      }
      const v = readInt(ctx, w.at(1), 1, 10_000_000, true);
      if (v === undefined) {
        ctx.report(
          'general-error',
          `min_auto_priority_delay '${w.at(1)}' must be in [1, 10000000] - ignoring`,
        );
        return;
      }
      ctx.state(GLOBAL).minAutoPriorityDelay = v;
    },
  },
  ...schedulingKeywords('vrrp'),
  ...schedulingKeywords('checker'),
  ...schedulingKeywords('bfd'),
];
