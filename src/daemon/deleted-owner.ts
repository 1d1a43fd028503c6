/**
 * Whose VIP, virtual route or virtual rule the kernel says was deleted (keepalived 2.2.7's
 * address_is_ours / route_is_ours / rule_is_ours): the first instance in config order that
 * holds it, among those `holds` admits (masters: only they have theirs installed). Entries
 * marked `no_track`, and routes with a protocol other than keepalived's, are nobody's.
 * Pure, given the interface lookup.
 */
import { canonicalIp } from '../base/ip.js';
import { RTPROT_KEEPALIVED, routeRequestFor, ruleRequestFor } from '../net/netlink-route-detail.js';
import { type Deleted, requestKey } from '../net/rtnetlink-deleted.js';
import { encodeRoute, encodeRule, NEWRULE_FLAGS, newRouteFlags, RTM_ROUTE } from '../net/rtnetlink-route.js';
import type { PlannedInstance } from './vrrp-plan.js';

export interface DeletedOwner {
  readonly instance: string;
  /** keepalived's detail line for an address ("Netlink reflector reports IP ... removed from ..."). */
  readonly detail?: string;
}

export function deletedOwner(
  d: Deleted,
  instances: readonly PlannedInstance[],
  holds: (instance: string) => boolean,
  ifindexOf: (ifname: string) => number | undefined,
): DeletedOwner | undefined {
  for (const { wiring } of instances) {
    if (!holds(wiring.name)) continue;
    if (d.kind === 'address') {
      for (const vip of wiring.vips.values()) {
        const c = vip.config;
        if (c.noTrack || c.family !== d.family) continue;
        if (canonicalOf(c.address) !== d.address) continue;
        if (ifindexOf(vip.ifname) !== d.ifindex) continue;
        return {
          instance: wiring.name,
          detail: `Netlink reflector reports IP ${d.address} removed from ${vip.ifname}`,
        };
      }
    } else if (d.kind === 'route') {
      for (const [, r] of wiring.routes) {
        if (r.noTrack || (r.protocol !== undefined && r.protocol !== RTPROT_KEEPALIVED)) continue;
        const req = routeRequestFor(r, 'add', ifindexOf);
        if (!req.ok) continue;
        const withOif = req.value.oif !== undefined;
        const key = requestKey(
          encodeRoute(RTM_ROUTE.newRoute, req.value, 0, newRouteFlags('add')),
          'route',
          withOif,
        );
        if (key !== undefined && key === (withOif ? d.keyWithOif : d.key)) return { instance: wiring.name };
      }
    } else {
      for (const [, r] of wiring.rules) {
        if (r.noTrack) continue;
        const req = ruleRequestFor(r);
        if (!req.ok) continue;
        const key = requestKey(encodeRule(RTM_ROUTE.newRule, req.value, 0, NEWRULE_FLAGS), 'rule');
        if (key !== undefined && key === d.key) return { instance: wiring.name };
      }
    }
  }
  return undefined;
}

function canonicalOf(address: string): string {
  const r = canonicalIp(address);
  return r.ok ? r.value : address;
}
