/**
 * From the config model to what the VRRP worker runs: per instance, the protocol core's
 * VrrpInstanceParams and the wiring its adapters need (interface index, multicast group or
 * unicast peers, the VIPs' netlink details). Pure: the interfaces come in as data, so the
 * mapping is tested without a network; the daemon reads them from the system.
 */

import type { IpAddressConfig, RouteConfig, VrrpInstanceConfig } from '../config/model/vrrp-instance.js';
import type { KeepalivedConfig } from '../config/model.js';
import { type PlannedRule, plannedRule, routeText, ruleText } from '../net/netlink-route-detail.js';
import type { VrrpAuth, VrrpInstanceParams } from '../vrrp/ports.js';
import { normalizeParams, withDefaults } from '../vrrp/ports.js';
import type { SyncGroupSpec } from '../vrrp/sync-group.js';

/** One interface as the plan needs it. */
export interface InterfaceInfo {
  readonly name: string;
  readonly ifindex: number;
  readonly mac: string;
  /** Up with carrier (IFF_UP and IFF_RUNNING). */
  readonly up: boolean;
  /** IPv4 addresses, primary first. */
  readonly ipv4: readonly string[];
  /** IPv6 link-local address (the VRRPv3 source, RFC 5798 §5.1.2.2). */
  readonly ipv6LinkLocal?: string;
}

/** A VIP: its config line and the interface it goes on (its `dev`, else the instance's). */
export interface PlannedVip {
  readonly ifname: string;
  readonly config: IpAddressConfig;
}

export interface InstanceWiring {
  readonly name: string;
  readonly ifname: string;
  readonly ifindex: number;
  readonly family: 4 | 6;
  /** Where adverts go: the multicast group, or the unicast peers. */
  readonly destinations: readonly string[];
  readonly multicast: boolean;
  /** Source address of the adverts (params.srcAddr). */
  readonly srcAddr: string;
  /** TTL / hop limit of unicast adverts (unicast_ttl). */
  readonly ttl: number;
  /** VIP text as the core names it (`addr` or `addr/len`) to its config and interface. */
  readonly vips: ReadonlyMap<string, PlannedVip>;
  /** virtual_routes and virtual_rules by their text (params.routes / params.rules), as pairs. */
  readonly routes: readonly (readonly [string, RouteConfig])[];
  readonly rules: readonly (readonly [string, PlannedRule])[];
  /** dont_track_primary (its link-local VIPs go in nftables by interface name). */
  readonly dontTrackPrimary?: boolean;
}

export interface PlannedInstance {
  readonly params: VrrpInstanceParams;
  readonly wiring: InstanceWiring;
}

export interface VrrpPlan {
  readonly instances: readonly PlannedInstance[];
  /** Warnings and refusals, keepalived's wording where it has one. */
  readonly messages: readonly string[];
}

/** The VIP text the core uses for an address entry: `addr/len` unless a host prefix. */
export function vipText(a: IpAddressConfig): string {
  const host = a.family === 4 ? 32 : 128;
  return a.prefixLen === host ? a.address : `${a.address}/${a.prefixLen}`;
}

function authOf(v: VrrpInstanceConfig): VrrpAuth {
  if (v.auth === undefined) return { type: 'none' };
  return v.auth.type === 'AH' ? { type: 'ah', pass: v.auth.pass } : { type: 'pass', pass: v.auth.pass };
}

/** keepalived's choice of advert source: unicast_src_ip, mcast_src_ip, else the interface's own. */
function sourceAddress(v: VrrpInstanceConfig, itf: InterfaceInfo): string | undefined {
  const configured =
    v.unicastPeers.length > 0 ? (v.unicastSrcIp ?? v.mcastSrcIp) : (v.mcastSrcIp ?? v.unicastSrcIp);
  if (configured !== undefined) return configured;
  return v.family === 4 ? itf.ipv4[0] : itf.ipv6LinkLocal;
}

/** An instance's VMAC (use_vmac) as set up: its name, and whether adverts use the base. */
export interface VmacBinding {
  readonly ifname: string;
  readonly xmitBase: boolean;
}

/**
 * `vmacs` names the VMAC each use_vmac instance runs on (daemon/vmacs.ts sets them up before
 * planning): its VIPs go there, and so do its adverts unless vmac_xmit_base; the advert source
 * stays the base interface's address, as keepalived.
 */
export function planVrrp(
  config: KeepalivedConfig,
  interfaces: ReadonlyMap<string, InterfaceInfo>,
  vmacs: ReadonlyMap<string, VmacBinding> = new Map(),
): VrrpPlan {
  const g = config.global;
  const messages: string[] = [];
  const instances: PlannedInstance[] = [];
  for (const v of config.vrrp.instances) {
    const ifname = v.interface;
    const itf = ifname === undefined ? undefined : interfaces.get(ifname);
    if (ifname === undefined) {
      messages.push(`(${v.name}) no interface - instance not started`);
      continue;
    }
    if (itf === undefined) {
      // The daemon plans again when it appears (waiting-instances.ts); keepalived's line.
      messages.push(
        `Configuration specifies interface ${ifname} which doesn't currently exist - will use if created`,
      );
      continue;
    }
    const binding = v.vmac === undefined ? undefined : vmacs.get(v.name);
    const vmacItf = binding === undefined ? undefined : interfaces.get(binding.ifname);
    if (v.vmac !== undefined && vmacItf === undefined) {
      messages.push(
        `(${v.name}) VMAC interface ${binding?.ifname ?? '(none)'} not available - instance not started`,
      );
      continue;
    }
    /** Where the VIPs without `dev` go (keepalived's vrrp->ifp). */
    const vipIfname = vmacItf?.name ?? ifname;
    /** Where adverts are sent and received. */
    const txItf = vmacItf !== undefined && binding?.xmitBase !== true ? vmacItf : itf;
    const srcAddr = sourceAddress(v, itf);
    if (srcAddr === undefined) {
      messages.push(
        `(${v.name}) no IPv${v.family} address on ${ifname} to send adverts from - waiting for one (FAULT)`,
      );
      continue;
    }
    const vips = new Map<string, PlannedVip>();
    for (const a of [...v.virtualIpaddresses, ...v.virtualIpaddressesExcluded]) {
      vips.set(vipText(a), { ifname: a.interface ?? vipIfname, config: a });
    }
    const routes = new Map(v.virtualRoutes.map((r) => [routeText(r), r] as const));
    const rules = new Map(v.virtualRules.map(plannedRule).map((r) => [ruleText(r), r] as const));
    const unicast = v.unicastPeers.length > 0;
    const { params, warnings } = instanceParams(config, v, vipIfname, srcAddr, routes, rules);
    messages.push(...warnings);
    const group = v.mcastDstIp ?? (v.family === 4 ? g.vrrpMcastGroup4 : g.vrrpMcastGroup6);
    instances.push({
      params,
      wiring: {
        name: v.name,
        ifname: txItf.name,
        ifindex: txItf.ifindex,
        family: v.family,
        destinations: unicast ? v.unicastPeers.map((p) => p.address) : [group],
        multicast: !unicast,
        srcAddr,
        ttl: unicast ? (v.unicastTtl ?? 255) : 255,
        vips,
        routes: [...routes],
        rules: [...rules],
        ...(v.dontTrackPrimary && { dontTrackPrimary: true }),
      },
    });
  }
  return { instances, messages };
}

/**
 * The core's parameters of instance `v`, its VIPs on `vipIfname` and its adverts from
 * `srcAddr` ('' when it has none yet: the dumps of an instance that waits, waiting-dump.ts).
 */
export function instanceParams(
  config: KeepalivedConfig,
  v: VrrpInstanceConfig,
  vipIfname: string,
  srcAddr: string,
  routes: ReadonlyMap<string, unknown> = new Map(v.virtualRoutes.map((r) => [routeText(r), r])),
  rules: ReadonlyMap<string, unknown> = new Map(v.virtualRules.map(plannedRule).map((r) => [ruleText(r), r])),
): { readonly params: VrrpInstanceParams; readonly warnings: readonly string[] } {
  const g = config.global;
  const raw = withDefaults({
    name: v.name,
    vrid: v.vrid,
    version: v.version,
    family: v.family,
    interfaceName: vipIfname,
    basePriority: v.priority,
    adverIntUs: v.advertIntUs,
    preempt: !v.nopreempt,
    preemptDelayUs: v.preemptDelayUs,
    initialState: v.state,
    vips: v.virtualIpaddresses.map(vipText),
    excludedVips: v.virtualIpaddressesExcluded.map(vipText),
    routes: [...routes.keys()],
    rules: [...rules.keys()],
    auth: authOf(v),
    unicastPeers: v.unicastPeers.map((p) => p.address),
    srcAddr,
    accept: v.accept,
    strict: v.strictMode,
    downTimerAdverts: v.downTimerAdverts,
    garp: {
      masterDelayUs: v.garpMasterDelayUs,
      masterRepeat: v.garpMasterRepeat,
      masterRefreshUs: v.garpMasterRefreshUs,
      masterRefreshRepeat: v.garpMasterRefreshRepeat,
      lowerPrioDelayUs: v.garpLowerPrioDelayUs,
      lowerPrioRepeat: v.garpLowerPrioRepeat,
    },
    lowerPrioNoAdvert: v.lowerPrioNoAdvert,
    higherPrioSendAdvert: v.higherPrioSendAdvert,
    skipCheckAdvAddr: v.skipCheckAdvAddr,
    checkUnicastSrc: v.checkUnicastSrc || g.vrrpCheckUnicastSrc,
    notifyPriorityChanges: v.notifyPriorityChanges ?? g.vrrpNotifyPriorityChanges,
  });
  return normalizeParams(raw);
}

/**
 * The sync groups the engine runs: each vrrp_sync_group with the members that were planned (a
 * member whose interface is missing is not running, so it cannot hold the others back).
 */
export function syncGroupSpecs(
  config: KeepalivedConfig,
  instances: readonly { readonly params: { readonly name: string } }[],
): SyncGroupSpec[] {
  const planned = new Set(instances.map((i) => i.params.name));
  return config.vrrp.syncGroups
    .map((g) => ({ name: g.name, members: g.instances.filter((n) => planned.has(n)) }))
    .filter((g) => g.members.length > 0);
}
