/**
 * vrrp_instance blocks (keepalived 2.2.7 vrrp/vrrp_parser.c vrrp_handler and its keywords),
 * the checks the VRRP process makes on them under -t (vrrp/vrrp.c, see
 * vrrp-instance-validate.ts) and their part of the model.
 * Keyword handlers live in vrrp-instance-keywords.ts (values, flags, scripts) and
 * vrrp-instance-net.ts (interfaces, addresses, unicast), vrrp-instance-track.ts (tracking).
 */
import type { VrrpInstanceConfig } from '../model/vrrp-instance.js';
import type { ParseContext, RootKeyword, Words } from '../parser.js';
import { GLOBAL } from './global-draft.js';
import { reportNonExistentInterfaces } from './vrrp-address.js';
import {
  newInstanceDraft,
  VRRP_INSTANCES,
  type VrrpInstanceDraft,
  type VrrpInstancesDraft,
} from './vrrp-instance-draft.js';
import { authenticationKeywords, simpleInstanceKeywords } from './vrrp-instance-keywords.js';
import { netInstanceKeywords } from './vrrp-instance-net.js';
import { trackInstanceKeywords } from './vrrp-instance-track.js';
import { completeVrrpInstances } from './vrrp-instance-validate.js';

export { VRRP_INSTANCES, type VrrpInstanceDraft, type VrrpInstancesDraft };

function startInstance(ctx: ParseContext, w: Words): void {
  const st = ctx.state(VRRP_INSTANCES);
  st.current = undefined;
  if (w.length !== 2) {
    ctx.report('general-error', 'vrrp_instance must have a name');
    ctx.skipBlock(true);
    return;
  }
  const name = w.at(1);
  if (st.names.has(name)) {
    ctx.report('general-error', `vrrp instance ${name} already defined`);
    ctx.skipBlock(true);
    return;
  }
  const v = newInstanceDraft(ctx, name);
  st.instances.push(v);
  st.names.add(name);
  st.current = v;
}

/** vrrp_end_handler(): checks that need the whole block. Reported at its closing line. */
function endInstance(ctx: ParseContext): void {
  const v = ctx.state(VRRP_INSTANCES).current;
  if (!v) return;
  if (v.unicastConfigured && (v.vmac.enabled || v.ipvlan.enabled)) {
    if (!v.ifp) {
      ctx.report(
        'general-error',
        `(${v.name}): Cannot use VMAC/ipvlan with unicast and no interface - clearing use_vmac`,
      );
      v.vmac.enabled = false;
      v.ipvlan.enabled = false;
      v.vmac.ifname = '';
    } else if (!v.vmac.xmitBase) {
      ctx.report('general-error', `(${v.name}) unicast with use_vmac requires vmac_xmit_base - setting`);
      v.vmac.xmitBase = true;
    }
  }
  if (v.peers.length === 0 && v.ttl !== -1) {
    ctx.report('general-error', `(${v.name}): Cannot use unicast_ttl without unicast peers - resetting`);
    v.ttl = 0;
  }
  if (!v.ifp) v.linkbeatUsePolling = false;
}

export const vrrpInstanceRoots: RootKeyword[] = [
  {
    name: 'vrrp_instance',
    section: 'vrrp',
    handler: startInstance,
    close: endInstance,
    sub: [
      ...netInstanceKeywords,
      ...trackInstanceKeywords,
      ...simpleInstanceKeywords,
      { name: 'authentication', sub: authenticationKeywords },
    ],
  },
];

/**
 * start_vrrp() after the parse: a missing interface stops the process before anything is
 * checked; otherwise vrrp_complete_init()'s instance checks run.
 */
export function validateVrrpInstances(ctx: ParseContext): void {
  const st = ctx.state(VRRP_INSTANCES);
  if (reportNonExistentInterfaces(ctx)) {
    st.valid = false;
    return;
  }
  st.valid = completeVrrpInstances(ctx);
}

function buildInstance(ctx: ParseContext, v: VrrpInstanceDraft): VrrpInstanceConfig {
  const g = ctx.parentState(GLOBAL);
  const strict = v.strictMode ?? g.vrrpStrict;
  const family = v.family === 0 ? 4 : v.family;
  const unicast = v.unicastConfigured && v.peers.length > 0;
  const n = v.notify;
  const opt = <K extends string, T>(k: K, x: T | undefined): { [P in K]?: T } =>
    (x === undefined ? {} : { [k]: x }) as { [P in K]?: T };
  return {
    name: v.name,
    state: v.wantState === 'MASTER' ? 'MASTER' : 'BACKUP',
    ...opt('interface', v.ifp?.name ?? v.missingIfname),
    ...opt('vrf', v.vrf?.name),
    vrid: v.vrid,
    family,
    version: v.version === 0 ? (family === 6 ? 3 : g.vrrpVersion) : v.version,
    priority: v.priority === 0 ? (v.wantState === 'MASTER' ? 255 : 100) : v.priority,
    advertIntUs: v.advertIntUs || 1_000_000,
    ...(v.authType !== 'NONE' ? { auth: { type: v.authType, pass: v.authPass } } : {}),
    virtualIpaddresses: v.vips,
    virtualIpaddressesExcluded: v.evips,
    virtualRoutes: v.routes,
    virtualRules: v.rules,
    ...opt('mcastSrcIp', v.unicastSrcGiven ? undefined : v.saddr?.address),
    ...opt(
      'mcastDstIp',
      unicast ? undefined : (v.mcastDst?.address ?? (family === 6 ? g.vrrpMcastGroup6 : g.vrrpMcastGroup4)),
    ),
    ...opt('unicastSrcIp', v.unicastSrcGiven ? v.saddr?.address : undefined),
    unicastPeers: v.peers,
    unicastFaultNoPeer: v.unicastFaultNoPeer,
    checkUnicastSrc: v.checkUnicastSrc,
    ...opt('unicastTtl', v.ttl >= 0 ? v.ttl : undefined),
    ...opt('oldUnicastChecksum', v.chksumCompat === 'none' ? undefined : v.chksumCompat),
    trackSrcIp: v.trackSrcIp && v.saddrFromConfig,
    nativeIpv6: v.nativeIpv6,
    dontTrackPrimary: v.dontTrackPrimary,
    trackInterfaces: v.trackIfs.map(({ name, weight, weightReverse }) => ({ name, weight, weightReverse })),
    trackScripts: v.trackScripts,
    trackFiles: v.trackFiles,
    trackProcesses: v.trackProcesses,
    trackBfds: v.trackBfds,
    nopreempt: v.nopreempt,
    preemptDelayUs: v.preemptDelayUs,
    accept: v.accept ?? (v.priority === 255 ? true : !strict),
    skipCheckAdvAddr: v.skipCheckAdvAddr,
    strictMode: strict,
    promoteSecondaries: v.promoteSecondaries,
    linkbeatUsePolling: v.linkbeatUsePolling,
    notify: {
      ...opt('backup', n.backup),
      ...opt('master', n.master),
      ...opt('fault', n.fault),
      ...opt('stop', n.stop),
      ...opt('deleted', n.deleted),
      ...opt('notify', n.notify),
      ...opt('masterRxLowerPri', n.masterRxLowerPri),
      notifyDeleted: v.notifyDeleted,
    },
    smtpAlert: v.smtpAlert ?? g.smtpAlertVrrp ?? g.smtpAlert ?? false,
    notifyPriorityChanges: v.notifyPriorityChanges ?? g.vrrpNotifyPriorityChanges,
    garpMasterDelayUs: v.garpDelayUs,
    garpMasterRepeat: v.garpRep,
    garpMasterRefreshUs: v.garpRefreshUs,
    garpMasterRefreshRepeat: v.garpRefreshRep,
    garpLowerPrioDelayUs:
      v.garpLowerPrioDelayUs ?? (strict ? 0 : (g.vrrpGarpLowerPrioDelay ?? g.vrrpGarpMasterDelay)),
    garpLowerPrioRepeat:
      v.garpLowerPrioRep ?? (strict ? 0 : (g.vrrpGarpLowerPrioRepeat ?? g.vrrpGarpMasterRepeat)),
    downTimerAdverts: v.downTimerAdverts,
    ...opt('garpExtraIfS', v.garpExtraIfS ?? g.vrrpGarpExtraIf),
    garpExtraIfAll: v.garpExtraIfS === undefined ? g.vrrpGarpExtraIfAll : v.garpExtraIfAll,
    lowerPrioNoAdvert: v.lowerPrioNoAdvert ?? (strict ? true : g.vrrpLowerPrioNoAdvert),
    higherPrioSendAdvert: v.higherPrioSendAdvert ?? (strict ? false : g.vrrpHigherPrioSendAdvert),
    kernelRxBufSize: v.kernelRxBufSize,
    debug: v.debug,
    ...(v.vmac.enabled
      ? {
          vmac: {
            ...opt('ifname', v.vmac.ifname || undefined),
            ...opt('mac', v.vmac.mac),
            macUsesVrid: v.vmac.macUsesVrid,
            useVmacAddr: v.vmac.useVmacAddr,
            xmitBase: v.vmac.xmitBase,
          },
        }
      : {}),
    ...(v.ipvlan.enabled
      ? {
          ipvlan: {
            ...opt('ifname', v.vmac.ifname || undefined),
            ...opt('address', v.ipvlan.address),
            mode: v.ipvlan.mode,
          },
        }
      : {}),
  };
}

/** The instances as validated (validation completes the drafts with keepalived's defaults). */
export function buildVrrpInstances(ctx: ParseContext): VrrpInstanceConfig[] {
  return ctx.state(VRRP_INSTANCES).instances.map((v) => buildInstance(ctx, v));
}
