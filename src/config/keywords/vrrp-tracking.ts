/**
 * The VRRP section's other root blocks: vrrp_script, vrrp_track_process, vrrp_sync_group,
 * static_ipaddress / static_routes / static_rules, track_group, garp_group,
 * linkbeat_interfaces, interface_up_down_delays (keepalived vrrp/vrrp_parser.c), the checks
 * the VRRP process makes on them after its parse (vrrp.c vrrp_complete_init), and their model.
 * The tables live in vrrp-script.ts, vrrp-sync.ts and vrrp-static.ts.
 */
import type { ScriptCommand } from '../model/global.js';
import type { VrrpExtrasConfig } from '../model/vrrp-extras.js';
import type { ParseContext, RootKeyword } from '../parser.js';
import { GLOBAL } from './global-draft.js';
import { checkNotifyScript, checkScriptSecure, reportScriptSecurity, SC } from './script-security.js';
import { VRRP_INTERFACES } from './vrrp-address.js';
import { VRRP_INSTANCES } from './vrrp-instance.js';
import { vrrpScriptRoots } from './vrrp-script.js';
import { removeNamed, VRRP_TRACKING } from './vrrp-script-state.js';
import { vrrpStaticRoots } from './vrrp-static.js';
import {
  type InstanceView,
  validateSyncGroups,
  validateSyncGroupTracking,
  vrrpSyncRoots,
} from './vrrp-sync.js';

export { VRRP_TRACKING, type VrrpTrackingDraft } from './vrrp-script-state.js';

export const vrrpTrackingRoots: RootKeyword[] = [...vrrpSyncRoots, ...vrrpStaticRoots, ...vrrpScriptRoots];

/** What the checks need of a vrrp_instance draft (owned by the vrrp_instance parser). */
type InstanceScripts = InstanceView & {
  readonly notify?: { readonly [k: string]: ScriptCommand | undefined };
};

function instanceViews(ctx: ParseContext): readonly InstanceScripts[] {
  return ctx.state(VRRP_INSTANCES).instances as readonly InstanceScripts[];
}

/**
 * check_vrrp_script_security(): vrrp_scripts that are insecure, missing or not executable are
 * disabled; notify scripts likewise (silently); with script security off, any script that
 * would run is a SECURITY VIOLATION. Only when there are VRRP instances.
 */
function checkVrrpScriptSecurity(ctx: ParseContext, instances: readonly InstanceScripts[]): void {
  if (instances.length === 0) return;
  const st = ctx.state(VRRP_TRACKING);
  let flags = 0;
  for (const s of st.scriptList) {
    if (!s.script) continue;
    const f = checkScriptSecure(ctx, s.script);
    flags |= f;
    if (f & SC.inhibit) ctx.reportGlobal('general-error', `Disabling track script ${s.name} due to insecure`);
    else if (f & SC.notFound)
      ctx.reportGlobal('general-error', `Disabling track script ${s.name} since not found/accessible`);
    if (f & (SC.inhibit | SC.notFound) || !(f & (SC.executable | SC.system))) s.insecure = true;
  }
  for (const inst of instances)
    for (const s of Object.values(inst.notify ?? {})) flags |= checkNotifyScript(ctx, s).flags;
  for (const g of st.syncGroups) {
    for (const key of ['notifyBackup', 'notifyMaster', 'notifyFault', 'notifyStop', 'notify'] as const) {
      const r = checkNotifyScript(ctx, g[key]);
      flags |= r.flags;
      if (!r.keep) delete g[key];
    }
    g.trackScripts = g.trackScripts.filter((t) => !st.scripts.get(t.name)?.insecure);
  }
  const global = ctx.parentState(GLOBAL);
  flags |= checkNotifyScript(ctx, global.notifyFifoScript).flags;
  flags |= checkNotifyScript(ctx, global.vrrpNotifyFifoScript).flags;
  reportScriptSecurity(ctx, flags, 'scripts');
  for (const s of [...st.scriptList]) if (s.insecure) removeNamed(st.scriptList, st.scripts, s);
}

/** The VRRP process's checks after its parse, in keepalived's order. */
export function validateVrrpTracking(ctx: ParseContext): void {
  if (ctx.pass !== 'vrrp') return;
  // A missing interface stops the VRRP process before vrrp_complete_init (reported there).
  if (ctx.state(VRRP_INTERFACES).nonExistent) return;
  const instances = instanceViews(ctx);
  checkVrrpScriptSecurity(ctx, instances);
  validateSyncGroups(ctx, instances);
  // static_track_group_init(): groups without existing members are dropped (only logged).
  const st = ctx.state(VRRP_TRACKING);
  const names = new Set(instances.map((i) => i.name));
  for (const g of st.trackGroups) g.instances = (g.instances ?? []).filter((n) => names.has(n));
  validateSyncGroupTracking(ctx, instances);
}

export function buildVrrpExtras(ctx: ParseContext): VrrpExtrasConfig {
  const st = ctx.state(VRRP_TRACKING);
  const global = ctx.parentState(GLOBAL);
  const trackGroups = st.trackGroups.filter((g) => g.instances && g.instances.length > 0);
  const liveGroup = (name: string | undefined): boolean =>
    name === undefined || trackGroups.some((g) => g.name === name);
  return {
    scripts: st.scriptList.flatMap((s) =>
      s.script
        ? [
            {
              name: s.name,
              script: s.script,
              intervalUs: s.intervalUs,
              timeoutUs: s.timeoutUs,
              weight: s.weight,
              weightReverse: s.weightReverse,
              rise: s.rise,
              fall: s.fall,
              initFail: s.initFail,
            },
          ]
        : [],
    ),
    trackProcesses: st.processList.flatMap((p) =>
      p.process === undefined ? [] : [{ ...p, process: p.process }],
    ),
    syncGroups: st.syncGroups
      .filter((g) => g.valid)
      .map(({ valid: _valid, instances, smtpAlert, notifyPriorityChanges, ...g }) => ({
        ...g,
        instances: instances ?? [],
        smtpAlert: smtpAlert ?? global.smtpAlertVrrp ?? global.smtpAlert ?? false,
        notifyPriorityChanges: notifyPriorityChanges ?? global.vrrpNotifyPriorityChanges,
      })),
    staticAddresses: st.staticAddresses.map((a) => (liveGroup(a.trackGroup) ? a : withoutGroup(a))),
    staticRoutes: st.staticRoutes.map((r) => (liveGroup(r.trackGroup) ? r : withoutGroup(r))),
    staticRules: st.staticRules.map((r) => (liveGroup(r.trackGroup) ? r : withoutGroup(r))),
    trackGroups: trackGroups.map((g) => ({ name: g.name, instances: g.instances ?? [] })),
    garpGroups: st.garpGroups.map((g) => ({ ...g, interfaces: [...g.interfaces] })),
    linkbeatInterfaces: [...st.linkbeat.values()],
    interfaceDelays: [...st.interfaceDelays.values()],
  };
}

function withoutGroup<T extends { readonly trackGroup?: string }>(x: T): T {
  const { trackGroup: _g, ...rest } = x;
  return rest as T;
}
