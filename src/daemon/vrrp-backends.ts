/**
 * The worker's VIP and announcement adapters, built from the plan. The only place in the
 * worker that chooses implementations.
 */
import type { Clock } from '../base/clock.js';
import { PacketAnnouncer } from '../net/announcer.js';
import { createPacketSender, interfaceFromSysfs } from '../net/announcer-sender.js';
import { type VipDetail, vipDetailFromConfig } from '../net/netlink-vip-detail.js';
import { NetlinkVipManager } from '../net/netlink-vips.js';
import { vipAddress } from '../vrrp/fsm.js';
import type { Announcer, VipManager } from '../vrrp/ports.js';
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
  close(): Promise<void>;
}

export interface AnnouncerBackend extends Announcer {
  /** Drops an instance's queued announcements: it left MASTER (keepalived does the same). */
  cancel(instance: string): void;
  /** Reload: addresses now resolve to the interfaces these instances put them on. */
  update(instances: readonly PlannedInstance[]): void;
  close(): void;
}

/**
 * The VIPs through rtnetlink: each VIP text the core names resolves to its config line on its
 * interface. At start every configured VIP is removed if present: a previous run that died
 * (SIGKILL, crash) must not leave a stale address that answers ARP for the new master's VIP.
 */
export async function createVipBackend(
  data: VrrpWorkerData,
  interfaces: ReadonlyMap<string, InterfaceInfo>,
  log: (text: string, detail?: boolean) => void,
): Promise<VipBackend> {
  const details = new Map<string, Map<string, VipDetail>>();
  const learn = (
    instances: readonly PlannedInstance[],
    known: ReadonlyMap<string, InterfaceInfo> = interfaces,
  ): void => {
    details.clear();
    for (const { wiring } of instances) {
      const byText = new Map<string, VipDetail>();
      for (const [text, vip] of wiring.vips) {
        byText.set(text, vipDetailFromConfig(vip.config, known.get(vip.ifname)?.ifindex ?? 0, vip.ifname));
      }
      details.set(wiring.name, byText);
    }
  };
  learn(data.instances);
  const manager = new NetlinkVipManager({
    resolve: (instance, vip) => details.get(instance)?.get(vip),
    log: (text) => log(text),
  });
  let keep = false;
  return {
    addVips: (instance, effect) => {
      log(`(${instance}) setting VIPs.`, true);
      manager.addVips(instance, effect);
    },
    delVips: (instance, effect) => {
      if (keep) return;
      log(`(${instance}) removing VIPs.`, true);
      manager.delVips(instance, effect);
    },
    removeStale: async () => {
      for (const name of details.keys()) log(`(${name}) removing VIPs.`, true);
      await manager.removeStale([...details.values()].flatMap((m) => [...m.values()]));
    },
    flush: () => manager.flush(),
    update: learn,
    keepOnStop: () => {
      keep = true;
    },
    close: async () => manager.close(),
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
  const sender = createPacketSender();
  const announcer = new PacketAnnouncer({
    clock,
    send: (ifindex, frame) => sender.send(ifindex, frame),
    interfaceFor: (instance, address) => {
      const ifname = ifnameOf.get(instance)?.get(address);
      return ifname === undefined ? undefined : interfaceFromSysfs(ifname);
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
