/**
 * vrrp_sync_group and track_group blocks (keepalived vrrp/vrrp_parser.c), and the checks
 * keepalived makes on them once the VRRP process has read everything (vrrp_sync.c
 * vrrp_sync_set_group, vrrp.c sync_group_tracking_init, vrrp_static_track.c).
 */
import type { ScriptCommand } from '../model/global.js';
import type { TrackedWeight } from '../model/vrrp-extras.js';
import {
  type Handler,
  type Keyword,
  type ParseContext,
  type RootKeyword,
  StateKey,
  type Words,
} from '../parser.js';
import { parseTrueFalse } from '../values.js';
import { parseScriptCommand } from './global-script-user.js';
import { readTrackFileMonitor } from './track-file.js';
import { type SyncGroupDraft, type TrackGroupDraft, VRRP_TRACKING } from './vrrp-script-state.js';
import {
  parseTrackBfdLine,
  parseTrackInterfaceLine,
  parseTrackProcessLine,
  parseTrackScriptLine,
} from './vrrp-sync-track.js';

/** The sync group being read (undefined after a refused vrrp_sync_group line). */
const CURRENT = new StateKey<{ group: SyncGroupDraft | undefined; track: TrackGroupDraft | undefined }>(
  'vrrp_sync_group.current',
  () => ({ group: undefined, track: undefined }),
);

function withGroup(fn: (ctx: ParseContext, w: Words, g: SyncGroupDraft) => void) {
  return (ctx: ParseContext, w: Words): void => {
    const g = ctx.state(CURRENT).group;
    if (g) fn(ctx, w, g);
  };
}

/** `vrrp_sync_group NAME` / `track_group NAME`: exactly one name, not used before. */
function groupName(ctx: ParseContext, w: Words, what: string, taken: (name: string) => boolean, dup: string) {
  if (w.length !== 2) {
    ctx.report('general-error', `${what} must have a name - skipping`);
    ctx.skipBlock(true);
    return undefined;
  }
  const name = w.at(1);
  if (taken(name)) {
    ctx.report('general-error', `${dup} ${name} already defined`);
    ctx.skipBlock(true);
    return undefined;
  }
  return name;
}

function startSyncGroup(ctx: ParseContext, w: Words): void {
  const st = ctx.state(VRRP_TRACKING);
  const cur = ctx.state(CURRENT);
  cur.group = undefined;
  const name = groupName(
    ctx,
    w,
    'vrrp_sync_group',
    (n) => st.syncGroups.some((g) => g.name === n),
    'vrrp sync group',
  );
  if (name === undefined) return;
  const g: SyncGroupDraft = {
    name,
    instances: undefined,
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
    trackProcesses: [],
    trackBfds: [],
    smtpAlert: undefined,
    trackingWeight: false,
    notifyPriorityChanges: undefined,
    valid: true,
  };
  st.syncGroups.push(g);
  cur.group = g;
}

/** read_value_block(): all the words of a `group { ... }` block, flattened. */
function readNames(ctx: ParseContext, w: Words): string[] {
  return ctx.readValueBlock(w).flat();
}

function trackBlock(
  pick: (g: SyncGroupDraft) => TrackedWeight[],
  parse: (
    ctx: ParseContext,
    owner: string,
    words: readonly string[],
    already: readonly TrackedWeight[],
  ) => TrackedWeight | undefined,
): Handler {
  return withGroup((ctx, w, g) => {
    ctx.forEachValueLine(w.words, (words) => {
      const list = pick(g);
      const t = parse(ctx, g.name, words, list);
      if (t) list.push(t);
    });
  });
}

type NotifyKey = 'notifyBackup' | 'notifyMaster' | 'notifyFault' | 'notifyStop' | 'notify';

function notifyHandler(key: NotifyKey, keyword: string): Handler {
  return withGroup((ctx, w, g) => {
    if (g[key]) {
      ctx.report(
        'general-error',
        `vrrp group ${g.name}: ${keyword} script already specified - ignoring ${w.at(1)}`,
      );
      return;
    }
    const s: ScriptCommand | undefined = parseScriptCommand(ctx, w);
    if (s) g[key] = s;
  });
}

const syncGroupKeywords: Keyword[] = [
  {
    name: 'group',
    handler: withGroup((ctx, w, g) => {
      if (g.instances) {
        ctx.report('general-error', `Group list already specified for sync group ${g.name}`);
        ctx.skipBlock(true);
        return;
      }
      const names = readNames(ctx, w);
      if (names.length === 0) {
        ctx.report('general-error', `Warning - sync group ${g.name} has empty group block`);
        return;
      }
      g.instances = names;
    }),
  },
  { name: 'track_interface', handler: trackBlock((g) => g.trackInterfaces, parseTrackInterfaceLine) },
  { name: 'track_script', handler: trackBlock((g) => g.trackScripts, parseTrackScriptLine) },
  {
    name: 'track_file',
    handler: withGroup((ctx, w, g) => {
      ctx.forEachValueLine(w.words, (words) => {
        const t = readTrackFileMonitor(ctx, g.name, words, g.trackFiles);
        if (t) g.trackFiles.push(t);
      });
    }),
  },
  { name: 'track_process', handler: trackBlock((g) => g.trackProcesses, parseTrackProcessLine) },
  { name: 'track_bfd', handler: trackBlock((g) => g.trackBfds, parseTrackBfdLine) },
  { name: 'notify_backup', handler: notifyHandler('notifyBackup', 'notify_backup') },
  { name: 'notify_master', handler: notifyHandler('notifyMaster', 'notify_master') },
  { name: 'notify_fault', handler: notifyHandler('notifyFault', 'notify_fault') },
  { name: 'notify_stop', handler: notifyHandler('notifyStop', 'notify_stop') },
  { name: 'notify', handler: notifyHandler('notify', 'notify') },
  {
    name: 'smtp_alert',
    handler: withGroup((ctx, w, g) => {
      let v: boolean | undefined = true;
      if (w.length >= 2) {
        v = parseTrueFalse(w.at(1));
        if (v === undefined) {
          ctx.report('general-error', `Invalid vrrp_group smtp_alert parameter ${w.at(1)}`);
          return;
        }
      }
      g.smtpAlert = v;
    }),
  },
  {
    name: 'global_tracking',
    handler: withGroup((ctx, _w, g) => {
      ctx.report(
        'general-error',
        `(${g.name}) global_tracking is deprecated. Use track_interface/script/file on the sync group`,
      );
      g.trackingWeight = true;
    }),
  },
  {
    name: 'sync_group_tracking_weight',
    handler: withGroup((_ctx, _w, g) => {
      g.trackingWeight = true;
    }),
  },
  {
    name: 'notify_priority_changes',
    handler: withGroup((ctx, w, g) => {
      let v: boolean | undefined = true;
      if (w.length >= 2) {
        v = parseTrueFalse(w.at(1));
        if (v === undefined) {
          ctx.report(
            'general-error',
            `(${g.name}) Invalid value '${w.at(1)}' for sync group notify_priority_changes specified`,
          );
          return;
        }
      }
      g.notifyPriorityChanges = v;
    }),
  },
];

function startTrackGroup(ctx: ParseContext, w: Words): void {
  const st = ctx.state(VRRP_TRACKING);
  const cur = ctx.state(CURRENT);
  cur.track = undefined;
  const name = groupName(
    ctx,
    w,
    'track_group',
    (n) => st.trackGroups.some((g) => g.name === n),
    'track_group',
  );
  if (name === undefined) return;
  const g: TrackGroupDraft = { name, instances: undefined };
  st.trackGroups.push(g);
  cur.track = g;
}

const trackGroupKeywords: Keyword[] = [
  {
    name: 'group',
    handler: (ctx, w) => {
      const g = ctx.state(CURRENT).track;
      if (!g) return;
      if (g.instances) {
        // keepalived's wording (it says sync group here too).
        ctx.report('general-error', `Group list already specified for sync group ${g.name}`);
        ctx.skipBlock(true);
        return;
      }
      const names = readNames(ctx, w);
      if (names.length === 0) {
        ctx.report('general-error', `Warning - track group ${g.name} has empty group block`);
        return;
      }
      g.instances = names;
    },
  },
];

export const vrrpSyncRoots: RootKeyword[] = [
  { name: 'track_group', section: 'vrrp', handler: startTrackGroup, sub: trackGroupKeywords },
  { name: 'vrrp_sync_group', section: 'vrrp', handler: startSyncGroup, sub: syncGroupKeywords },
];

/** What the sync group checks need of a vrrp_instance (the instance parser's draft). */
export interface InstanceView {
  readonly name: string;
  readonly wantState?: string;
  readonly priority?: number;
}

const VRRP_PRIO_OWNER = 255;

/**
 * vrrp_complete_init()'s sync group part: groups without members are removed, members must
 * exist and belong to one group only. Returns the instance names of each valid group.
 */
export function validateSyncGroups(ctx: ParseContext, instances: readonly InstanceView[]): void {
  // The first instance of a name, as a scan would find it.
  const byName = new Map<string, InstanceView>();
  for (const i of instances) if (!byName.has(i.name)) byName.set(i.name, i);
  const st = ctx.state(VRRP_TRACKING);
  const member = new Set<string>();
  for (const g of st.syncGroups) {
    if (!g.instances) {
      ctx.reportGlobal('general-error', `Sync group ${g.name} has no virtual router(s). removing`);
      g.valid = false;
      continue;
    }
    const kept: string[] = [];
    let state: 'INIT' | 'MASTER' | 'BACKUP' = 'INIT';
    for (const name of g.instances) {
      const inst = byName.get(name);
      if (!inst) {
        ctx.reportGlobal(
          'general-error',
          `Virtual router ${name} specified in sync group ${g.name} doesn't exist - ignoring`,
        );
        continue;
      }
      if (member.has(name)) {
        ctx.reportGlobal(
          'general-error',
          `Virtual router ${name} cannot exist in more than one sync group; ignoring ${g.name}`,
        );
        continue;
      }
      member.add(name);
      kept.push(name);
      if (state === 'MASTER' && inst.wantState === 'BACKUP')
        ctx.reportGlobal(
          'general-error',
          `Sync group ${g.name} has some member(s) as address owner and some not as address owner. This won't work.`,
        );
      if (state !== 'BACKUP')
        state = inst.wantState === 'MASTER' && inst.priority === VRRP_PRIO_OWNER ? 'MASTER' : 'BACKUP';
    }
    g.instances = kept;
    if (kept.length === 0) {
      ctx.reportGlobal(
        'general-error',
        `Sync group ${g.name}, no matching virtual router found in group declaration - removing`,
      );
      g.valid = false;
      continue;
    }
    if (kept.length === 1)
      ctx.reportGlobal(
        'general-error',
        `Sync group ${g.name} has only 1 virtual router(s) - this probably isn't what you want`,
      );
  }
}

/**
 * sync_group_tracking_init(): a group with an address owner (priority 255) among its members
 * cannot have weighted tracking; the weights are cleared.
 */
export function validateSyncGroupTracking(ctx: ParseContext, instances: readonly InstanceView[]): void {
  const st = ctx.state(VRRP_TRACKING);
  for (const g of st.syncGroups) {
    if (!g.valid || !g.instances || g.instances.length === 0) continue;
    const names = g.instances;
    const hasOwner = instances.some((i) => names.includes(i.name) && i.priority === VRRP_PRIO_OWNER);
    if (!hasOwner) continue;
    const clear = <T extends TrackedWeight>(list: T[], what: string, verb: string): T[] =>
      list.map((t) => {
        if (!t.weight) return t;
        ctx.reportGlobal(
          'general-error',
          `(${g.name}) Cannot have weighted track ${what} '${t.name}' with member having priority ${VRRP_PRIO_OWNER} - ${verb}`,
        );
        return { ...t, weight: 0 };
      });
    g.trackScripts = clear(g.trackScripts, 'script', 'clearing weight');
    g.trackFiles = clear(g.trackFiles, 'file', 'setting weight 0');
    g.trackProcesses = clear(g.trackProcesses, 'process', 'setting weight 0');
    g.trackBfds = clear(g.trackBfds, 'bfd', 'setting weight 0');
    g.trackInterfaces = clear(g.trackInterfaces, 'interface', 'clearing weight');
  }
}
