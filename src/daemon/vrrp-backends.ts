/**
 * The worker's VIP and announcement adapters, built from the plan. The only place in the
 * worker that chooses implementations.
 */
import type { Clock } from '../base/clock.js';
import { PacketAnnouncer } from '../net/announcer.js';
import { createPacketSender, interfaceFromSysfs } from '../net/announcer-sender.js';
import { vipAddress } from '../vrrp/fsm.js';
import type { Announcer, VipManager } from '../vrrp/ports.js';
import type { InterfaceInfo } from './vrrp-plan.js';
import type { VrrpWorkerData } from './worker-protocol.js';

export interface VipBackend extends VipManager {
  /** Removes configured VIPs a previous run left behind (a crash, a SIGKILL). */
  removeStale(): Promise<void>;
  /** Resolves when every queued change has been applied. */
  flush(): Promise<void>;
  /** -V: the VIPs stay where they are when the daemon stops. */
  keepOnStop(): void;
  close(): Promise<void>;
}

export interface AnnouncerBackend extends Announcer {
  /** Drops an instance's queued announcements: it left MASTER (keepalived does the same). */
  cancel(instance: string): void;
  close(): void;
}

export async function createVipBackend(
  data: VrrpWorkerData,
  interfaces: ReadonlyMap<string, InterfaceInfo>,
  log: (text: string, detail?: boolean) => void,
): Promise<VipBackend> {
  void data;
  void interfaces;
  let keep = false;
  return {
    addVips: (instance) => log(`(${instance}) setting VIPs.`, true),
    delVips: (instance) => {
      if (!keep) log(`(${instance}) removing VIPs.`, true);
    },
    removeStale: async () => {},
    flush: async () => {},
    keepOnStop: () => {
      keep = true;
    },
    close: async () => {},
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
  for (const { wiring } of data.instances) {
    const byAddress = new Map<string, string>();
    for (const d of wiring.vips.values()) byAddress.set(vipAddress(d.address), d.ifname);
    ifnameOf.set(wiring.name, byAddress);
  }
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
    close: () => {
      announcer.close();
      sender.close();
    },
  };
}
