/**
 * The worker's VIP and announcement adapters, built from the plan. The only place in the
 * worker that chooses implementations.
 */
import type { Clock } from '../base/clock.js';
import type { RouteConfig } from '../config/model/vrrp-extras.js';
import { PacketAnnouncer } from '../net/announcer.js';
import { createPacketSender, interfaceFromSysfs } from '../net/announcer-sender.js';
import { NetlinkRoute } from '../net/netlink-route.js';
import type { PlannedRule } from '../net/netlink-route-detail.js';
import { NetlinkRouteManager } from '../net/netlink-routes.js';
import { type VipDetail, vipDetailFromConfig } from '../net/netlink-vip-detail.js';
import { NetlinkVipManager } from '../net/netlink-vips.js';
import { NftFirewall } from '../net/nft-firewall.js';
import type { NftVip } from '../net/nft-ruleset.js';
import type { Deleted } from '../net/rtnetlink-deleted.js';
import { vipAddress } from '../vrrp/fsm.js';
import type { Announcer, VipManager, VipsEffect } from '../vrrp/ports.js';
import { type DeletedOwner, deletedOwner } from './deleted-owner.js';
import type { InterfaceInfo, PlannedInstance } from './vrrp-plan.js';
import type { VrrpWorkerData } from './worker-protocol.js';

export interface VipBackend extends VipManager {
  /** Removes configured VIPs a previous run left behind (a crash, a SIGKILL). */
  removeStale(): Promise<void>;
  /** Resolves when every queued change has been applied. */
  flush(): Promise<void>;
  /** Reload: VIP texts now resolve against these instances (changes already queued keep theirs). */
  update(instances: readonly PlannedInstance[], interfaces: ReadonlyMap<string, InterfaceInfo>): void;
  /** -V: the VIPs stay where they are when the daemon stops. */
  keepOnStop(): void;
  /** Whose VIP, route or rule someone else deleted, among the instances `holds` admits. */
  ownerOf(d: Deleted, holds: (instance: string) => boolean): DeletedOwner | undefined;
  /** The port id of the socket the changes go out on (their notifications name it). */
  portId(): number | undefined;
  close(): Promise<void>;
}

export interface AnnouncerBackend extends Announcer {
  /** Drops an instance's queued announcements: it left MASTER (keepalived does the same). */
  cancel(instance: string): void;
  /** Reload: addresses now resolve to the interfaces these instances put them on. */
  update(instances: readonly PlannedInstance[]): void;
  close(): void;
}

/** An interface's index now, by name (sysfs of the caller's network namespace). */
export function ifindexNow(ifname: string): number | undefined {
  return interfaceFromSysfs(ifname)?.ifindex;
}

/**
 * The VIPs, virtual routes and virtual rules through rtnetlink, on one socket so that the
 * kernel sees them in keepalived's order: addresses, routes, rules when taking over; rules,
 * routes, addresses when giving up. Each text the core names resolves to its config line.
 * At start every configured VIP, route and rule is removed if present: a previous run that died
 * (SIGKILL, crash) must not leave a stale address that answers ARP for the new master's VIP, nor
 * routes and rules that steer traffic as if this node were master.
 */
export async function createVipBackend(
  data: VrrpWorkerData,
  interfaces: ReadonlyMap<string, InterfaceInfo>,
  log: (text: string, detail?: boolean) => void,
  onRefused?: (instance: string, vip: string) => void,
): Promise<VipBackend> {
  const details = new Map<string, Map<string, VipDetail>>();
  const routes = new Map<string, Map<string, RouteConfig>>();
  const rules = new Map<string, Map<string, PlannedRule>>();
  let planned: readonly PlannedInstance[] = [];
  let known: ReadonlyMap<string, InterfaceInfo> = interfaces;
  const learn = (
    instances: readonly PlannedInstance[],
    now: ReadonlyMap<string, InterfaceInfo> = interfaces,
  ): void => {
    planned = instances;
    known = now;
    details.clear();
    routes.clear();
    rules.clear();
    for (const { wiring } of instances) {
      const byText = new Map<string, VipDetail>();
      for (const [text, vip] of wiring.vips) {
        byText.set(text, vipDetailFromConfig(vip.config, now.get(vip.ifname)?.ifindex ?? 0, vip.ifname));
      }
      details.set(wiring.name, byText);
      routes.set(wiring.name, new Map(wiring.routes ?? []));
      rules.set(wiring.name, new Map(wiring.rules ?? []));
    }
  };
  learn(data.instances);
  const route = new NetlinkRoute({ log: (text) => log(text) });
  const manager = new NetlinkVipManager({
    route,
    resolve: (instance, vip) => {
      const d = details.get(instance)?.get(vip);
      if (d === undefined || d.ifindex !== 0 || d.ifname === undefined) return d;
      // An interface missing at start (dynamic_interfaces) may exist by now.
      const ifindex = ifindexNow(d.ifname);
      return ifindex === undefined ? d : { ...d, ifindex };
    },
    log: (text) => log(text),
    ...(onRefused !== undefined && { onRefused }),
  });
  const extras = new NetlinkRouteManager({
    route,
    ifindex: ifindexNow,
    log: (text) => log(text),
  });
  const applyRoutes = (op: 'add' | 'del', instance: string, texts: readonly string[]): void => {
    if (texts.length === 0) return;
    log(`(${instance}) ${op === 'add' ? 'setting' : 'removing'} Virtual Routes`, true);
    for (const text of texts) {
      const r = routes.get(instance)?.get(text);
      if (r !== undefined) void extras.route(op, text, r, `(${instance})`);
    }
  };
  const applyRules = (op: 'add' | 'del', instance: string, texts: readonly string[]): void => {
    if (texts.length === 0) return;
    log(`(${instance}) ${op === 'add' ? 'setting' : 'removing'} Virtual Rules`, true);
    for (const text of texts) {
      const r = rules.get(instance)?.get(text);
      if (r !== undefined) void extras.rule(op, text, r, `(${instance})`);
    }
  };
  const firewall = new NftFirewall({
    table: {
      name: data.firewall.table,
      priority: data.firewall.priority,
      counters: data.firewall.counters,
    },
    log: (text) => log(text),
  });
  const nftVips = (instance: string, effect: VipsEffect): NftVip[] => {
    const p = planned.find((i) => i.wiring.name === instance);
    // keepalived: a dont_track_primary instance's link-local VIPs on its own interface (or
    // no_track) are matched by interface name, unless nftables_ifindex.
    const byName = (text: string): boolean => {
      const vip = p?.wiring.vips.get(text);
      return (
        data.firewall.ifindex !== true &&
        p?.wiring.dontTrackPrimary === true &&
        vip !== undefined &&
        (vip.ifname === p.params.interfaceName || vip.config.noTrack)
      );
    };
    return [...effect.vips, ...effect.excludedVips].flatMap((text) => {
      const d = details.get(instance)?.get(text);
      return d === undefined
        ? []
        : [
            {
              family: d.family,
              address: d.address,
              ...(d.ifname && { ifname: d.ifname }),
              ...(byName(text) && { byName: true }),
            },
          ];
    });
  };
  // With no_accept, the drop rules must be in before the addresses and go after them: while
  // an nft run is pending, later changes wait their turn, so the kernel still sees call order.
  let pending: Promise<void> = Promise.resolve();
  let waiting = 0;
  const inOrder = (job: () => undefined | Promise<void>): void => {
    if (waiting === 0) {
      const r = job();
      if (r === undefined) return;
      waiting++;
      pending = r.finally(() => waiting--);
      return;
    }
    waiting++;
    pending = pending.then(job).finally(() => waiting--);
  };
  const add = (instance: string, effect: VipsEffect): void => {
    if (effect.vips.length > 0) log(`(${instance}) setting VIPs.`, true);
    if (effect.excludedVips.length > 0) log(`(${instance}) setting E-VIPs.`, true);
    if (effect.vips.length + effect.excludedVips.length > 0) manager.addVips(instance, effect);
    applyRoutes('add', instance, effect.routes);
    applyRules('add', instance, effect.rules);
  };
  // The kernel names no requester in its IPv6 RTM_DELADDR notifications (port id 0), so our
  // own removals cannot be told from an operator's by port id: each is remembered for a
  // while, and its notification is not taken for someone else's (with 1,000 VIPs the last
  // ones may go after the instance, back after its skew time, is master again).
  const ownDeletes = new Map<string, number>();
  const addressKey = (family: number, ifindex: number, address: string): string =>
    `${family}|${ifindex}|${address}`;
  const OWN_DELETE_MS = 5000;
  const del = (instance: string, effect: VipsEffect): void => {
    applyRules('del', instance, effect.rules);
    applyRoutes('del', instance, effect.routes);
    if (effect.vips.length > 0) log(`(${instance}) removing VIPs.`, true);
    if (effect.excludedVips.length > 0) log(`(${instance}) removing E-VIPs.`, true);
    if (effect.vips.length + effect.excludedVips.length === 0) return;
    const until = Date.now() + OWN_DELETE_MS;
    for (const text of [...effect.vips, ...effect.excludedVips]) {
      const d = details.get(instance)?.get(text);
      if (d === undefined || d.family !== 6) continue;
      const ifindex = d.ifname === undefined ? d.ifindex : (ifindexNow(d.ifname) ?? d.ifindex);
      ownDeletes.set(addressKey(6, ifindex, vipAddress(d.address)), until);
    }
    manager.delVips(instance, effect);
  };
  const ownDelete = (d: Deleted): boolean => {
    if (d.kind !== 'address') return false;
    const key = addressKey(d.family, d.ifindex, d.address);
    const until = ownDeletes.get(key);
    if (until === undefined) return false;
    ownDeletes.delete(key);
    return until >= Date.now();
  };
  let keep = false;
  return {
    addVips: (instance, effect) => {
      if (!effect.blockIncoming) {
        inOrder(() => {
          add(instance, effect);
          return undefined;
        });
        return;
      }
      inOrder(async () => {
        log(`(${instance}) setting firewall drop rule`, true);
        await firewall.block(nftVips(instance, effect));
        add(instance, effect);
      });
    },
    delVips: (instance, effect) => {
      if (keep) return;
      if (!effect.blockIncoming) {
        inOrder(() => {
          del(instance, effect);
          return undefined;
        });
        return;
      }
      inOrder(async () => {
        del(instance, effect);
        await manager.flush();
        log(`(${instance}) removing firewall drop rule`, true);
        await firewall.unblock(nftVips(instance, effect));
      });
    },
    removeStale: async () => {
      const stale: Promise<unknown>[] = [];
      for (const [name, byText] of rules) {
        for (const [text, r] of byText) stale.push(extras.rule('del', text, r, `(${name}) stale`));
      }
      for (const [name, byText] of routes) {
        for (const [text, r] of byText) stale.push(extras.route('del', text, r, `(${name}) stale`));
      }
      for (const name of details.keys()) log(`(${name}) removing VIPs.`, true);
      stale.push(manager.removeStale([...details.values()].flatMap((m) => [...m.values()])));
      // A crashed run's nft table went at the daemon's start, before the VMAC rules went in.
      await Promise.all(stale);
    },
    flush: async () => {
      await pending;
      await Promise.all([manager.flush(), extras.flush(), firewall.flush()]);
    },
    update: learn,
    keepOnStop: () => {
      keep = true;
    },
    ownerOf: (d, holds) =>
      ownDelete(d)
        ? undefined
        : deletedOwner(d, planned, holds, (ifname) => ifindexNow(ifname) ?? known.get(ifname)?.ifindex),
    portId: () => route.portId,
    close: async () => {
      await pending;
      // The table, shared with the VMAC rules, is removed by the daemon once the VMACs are gone.
      await firewall.flush();
      extras.close();
      manager.close();
      route.close();
    },
  };
}

/**
 * Gratuitous ARPs / unsolicited NAs on the interface each VIP lives on (its `dev`, else the
 * instance's), throttled by vrrp_garp_interval / vrrp_gna_interval.
 */
export function createAnnouncerBackend(
  data: VrrpWorkerData,
  clock: Clock,
  log: (text: string, detail?: boolean) => void,
): AnnouncerBackend {
  const ifnameOf = new Map<string, Map<string, string>>();
  const learn = (instances: readonly PlannedInstance[]): void => {
    ifnameOf.clear();
    for (const { wiring } of instances) {
      const byAddress = new Map<string, string>();
      for (const d of wiring.vips.values()) byAddress.set(vipAddress(d.config.address), d.ifname);
      ifnameOf.set(wiring.name, byAddress);
    }
  };
  learn(data.instances);
  // One sysfs read per interface per burst, not per address (1,000 VIPs: 4,000 file reads).
  const cache = new Map<string, { atUs: number; ifc: ReturnType<typeof interfaceFromSysfs> }>();
  const sysfs = (ifname: string): ReturnType<typeof interfaceFromSysfs> => {
    const now = clock.nowUs();
    const hit = cache.get(ifname);
    if (hit !== undefined && now - hit.atUs < 100_000) return hit.ifc;
    const ifc = interfaceFromSysfs(ifname);
    cache.set(ifname, { atUs: now, ifc });
    return ifc;
  };
  const sender = createPacketSender();
  const announcer = new PacketAnnouncer({
    clock,
    send: (ifindex, frame) => sender.send(ifindex, frame),
    interfaceFor: (instance, address) => {
      const ifname = ifnameOf.get(instance)?.get(address);
      return ifname === undefined ? undefined : sysfs(ifname);
    },
    garpIntervalUs: data.garpIntervalUs,
    gnaIntervalUs: data.gnaIntervalUs,
    log,
  });
  return {
    announce: (instance, effect) => announcer.announce(instance, effect),
    cancel: (instance) => {
      announcer.cancel(instance);
    },
    update: learn,
    close: () => {
      announcer.close();
      sender.close();
    },
  };
}
