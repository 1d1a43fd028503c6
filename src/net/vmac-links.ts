/**
 * The VMAC adapter: brings each planned VMAC (daemon/vmac-plan.ts) into being through rtnetlink
 * as keepalived 2.2.7 does, and takes it away at stop.
 *  - create (or update / replace) the private macvlan with the virtual MAC on its base;
 *  - IPv4: on the VMAC arp_ignore 1, accept_local 1, rp_filter 0, promote_secondaries 1, and
 *    on the base arp_ignore 1 and arp_filter 1 (so the base does not answer ARP for the VIPs
 *    with its own MAC), all through IFLA_AF_SPEC; IPv6 off on an IPv4 VMAC (disable_ipv6,
 *    which only /proc/sys can set);
 *  - no automatic IPv6 link-local (address generation none), then IFF_UP: the VMAC is up in
 *    every state, the VIPs come and go on it;
 *  - IPv6 without vmac_xmit_base: the base's link-local address added to the VMAC (nodad,
 *    deprecated so nothing else picks it as a source), the adverts' source (RFC 5798 §5.1.2.2).
 * At stop the base's arp_ignore / arp_filter are put back to what they were before the first
 * VMAC on it (keepalived 2.2.7 leaves them at 1: a deliberate difference) and the VMAC deleted.
 */
import { writeFileSync } from 'node:fs';
import { parseIpv6 } from '../base/ip.js';
import type { NetlinkRoute } from './netlink-route.js';
import { errnoText } from './netlink-route.js';
import { encodeNewAddr, IFA_F, INFINITY_LIFE_TIME, RT_SCOPE } from './rtnetlink-addr.js';
import { IPV4_DEVCONF, type LinkInfo } from './rtnetlink-link.js';
import {
  encodeAddrGenModeNone,
  encodeDelLink,
  encodeNewMacvlan,
  encodeSetIpv4Conf,
  encodeSetLinkUp,
  encodeUpdateMacvlan,
} from './rtnetlink-macvlan.js';

/** What the adapter needs of a planned VMAC (daemon/vmac-plan.ts VmacSpec). */
export interface VmacRequest {
  readonly instance: string;
  readonly family: 4 | 6;
  readonly ifname: string;
  readonly mac: string;
  readonly baseName: string;
  readonly baseIfindex: number;
  readonly xmitBase: boolean;
  readonly action:
    | { readonly kind: 'create' }
    | { readonly kind: 'reuse' | 'update' | 'replace'; readonly ifindex: number };
  /** IPv6: the link-local address the adverts come from (the base's). */
  readonly linkLocal?: string;
}

export interface VmacLinksOptions {
  readonly route: NetlinkRoute;
  readonly log: (text: string, detail?: boolean) => void;
  /** Writes a /proc/sys value; injectable for tests. */
  readonly writeSysctl?: (path: string, value: string) => void;
}

const VMAC_SYSCTL: readonly (readonly [number, number])[] = [
  [IPV4_DEVCONF.arpIgnore, 1],
  [IPV4_DEVCONF.acceptLocal, 1],
  [IPV4_DEVCONF.rpFilter, 0],
  [IPV4_DEVCONF.promoteSecondaries, 1],
];

interface BaseArp {
  users: number;
  /** The values before the first VMAC, put back when the last one goes; undefined = unchanged. */
  readonly restore?: readonly (readonly [number, number])[];
}

export class VmacLinks {
  readonly #o: VmacLinksOptions;
  /** Base ifindex -> the arp settings we changed on it. */
  readonly #bases = new Map<number, BaseArp>();
  /** VMAC name -> ifindex, for the ones set up. */
  readonly #up = new Map<string, { ifindex: number; request: VmacRequest }>();

  constructor(o: VmacLinksOptions) {
    this.#o = o;
  }

  /** The VMACs set up, by name. */
  get ifindexes(): ReadonlyMap<string, number> {
    return new Map([...this.#up].map(([name, { ifindex }]) => [name, ifindex]));
  }

  /**
   * Sets up one VMAC, still down (the caller puts its firewall rules in place before it sends
   * anything, then calls bringUp); resolves with its ifindex, or undefined (logged) when it cannot.
   */
  async setup(r: VmacRequest): Promise<number | undefined> {
    const { route, log } = this.#o;
    const a = r.action;
    if (a.kind === 'replace') {
      log(`(${r.instance}) Removing old VMAC interface ${r.ifname} due to conflicting interface`);
      if (
        !(await this.#ok(
          route.request((seq) => encodeDelLink(a.ifindex, seq)),
          `(${r.instance}) Error removing VMAC interface ${r.ifname}`,
        ))
      )
        return undefined;
    } else if (a.kind === 'update') {
      log(`(${r.instance}) Update old VMAC interface ${r.ifname} due to wrong MAC/mode `);
    }
    if (a.kind !== 'reuse') {
      const req =
        a.kind === 'update'
          ? route.request((seq) => encodeUpdateMacvlan(a.ifindex, r.mac, seq))
          : route.request((seq) =>
              encodeNewMacvlan({ name: r.ifname, link: r.baseIfindex, mac: r.mac }, seq),
            );
      if (!(await this.#ok(req, `(${r.instance}): Unable to create VMAC interface ${r.ifname}`)))
        return undefined;
      log(
        `(${r.instance}): Success ${a.kind === 'update' ? 'upd' : 'cre'}ating VMAC interface ${r.ifname}`,
        true,
      );
    }
    const links = await route.listLinks();
    const vmac = links.find((l) => l.name === r.ifname);
    if (vmac === undefined) {
      log(`(${r.instance}): Unable to create VMAC interface ${r.ifname}`);
      return undefined;
    }
    const ifindex = vmac.ifindex;
    this.#up.set(r.ifname, { ifindex, request: r });
    if (r.family === 4) {
      await this.#ok(
        route.request((seq) => encodeSetIpv4Conf(ifindex, VMAC_SYSCTL, seq)),
        `Unable to set parameters for ${r.ifname}`,
      );
      await this.#baseArp(
        r,
        links.find((l) => l.ifindex === r.baseIfindex),
      );
    }
    this.#sysctl(`/proc/sys/net/ipv6/conf/${r.ifname}/disable_ipv6`, r.family === 4 ? '1' : '0');
    await this.#ok(
      route.request((seq) => encodeAddrGenModeNone(ifindex, seq)),
      `(${r.instance}) Error setting ADDR_GEN_MODE to NONE on ${r.ifname}`,
    );
    return ifindex;
  }

  /** IFF_UP on a VMAC `setup` made, then (IPv6) the adverts' link-local source on it. */
  async bringUp(ifname: string): Promise<void> {
    const entry = this.#up.get(ifname);
    if (entry === undefined) return;
    const { ifindex, request: r } = entry;
    await this.#ok(
      this.#o.route.request((seq) => encodeSetLinkUp(ifindex, true, seq)),
      `(${r.instance}) cannot set ${r.ifname} up`,
    );
    if (r.family === 6 && !r.xmitBase && r.linkLocal !== undefined) await this.#linkLocal(r, ifindex);
  }

  /** Deletes one VMAC we set up, after putting the base's arp settings back. */
  async remove(ifname: string): Promise<void> {
    const entry = this.#up.get(ifname);
    if (entry === undefined) return;
    this.#up.delete(ifname);
    const { route, log } = this.#o;
    const r = entry.request;
    if (r.family === 4) await this.#releaseBase(r);
    if (
      await this.#ok(
        route.request((seq) => encodeDelLink(entry.ifindex, seq)),
        `(${r.instance}) Error removing VMAC interface ${ifname}`,
        true,
      )
    )
      log(`(${r.instance}) Success removing VMAC interface ${ifname}`, true);
  }

  /** Removes every VMAC set up (stop). */
  async removeAll(): Promise<void> {
    for (const name of [...this.#up.keys()]) await this.remove(name);
  }

  /** arp_ignore 1 and arp_filter 1 on the base, once per base, remembering what was there. */
  async #baseArp(r: VmacRequest, base: LinkInfo | undefined): Promise<void> {
    const known = this.#bases.get(r.baseIfindex);
    if (known !== undefined) {
      known.users++;
      return;
    }
    const conf = base?.ipv4Conf;
    const ignore = conf?.get(IPV4_DEVCONF.arpIgnore);
    const filter = conf?.get(IPV4_DEVCONF.arpFilter);
    if (ignore === 1 && filter === 1) {
      this.#bases.set(r.baseIfindex, { users: 1 });
      return;
    }
    const ok = await this.#ok(
      this.#o.route.request((seq) =>
        encodeSetIpv4Conf(
          r.baseIfindex,
          [
            [IPV4_DEVCONF.arpIgnore, 1],
            [IPV4_DEVCONF.arpFilter, 1],
          ],
          seq,
        ),
      ),
      `Set base flags on ${r.baseName} failed for VMAC ${r.ifname}`,
    );
    const restore =
      ok && ignore !== undefined && filter !== undefined
        ? ([
            [IPV4_DEVCONF.arpIgnore, ignore],
            [IPV4_DEVCONF.arpFilter, filter],
          ] as const)
        : undefined;
    this.#bases.set(r.baseIfindex, { users: 1, ...(restore && { restore }) });
  }

  async #releaseBase(r: VmacRequest): Promise<void> {
    const b = this.#bases.get(r.baseIfindex);
    if (b === undefined || --b.users > 0) return;
    this.#bases.delete(r.baseIfindex);
    if (b.restore === undefined) return;
    const restore = b.restore;
    await this.#ok(
      this.#o.route.request((seq) => encodeSetIpv4Conf(r.baseIfindex, restore, seq)),
      `reset interface flags on ${r.baseName} failed`,
      true,
    );
  }

  /** The advert source on the VMAC: nodad, and deprecated so no other traffic uses it. */
  async #linkLocal(r: VmacRequest, ifindex: number): Promise<void> {
    const bytes = parseIpv6(r.linkLocal ?? '');
    if (!bytes.ok) return;
    const req = {
      family: 6 as const,
      ifindex,
      prefixLen: 64,
      scope: RT_SCOPE.link,
      ifaFlags: IFA_F.nodad,
      local: bytes.value,
      cacheInfo: { preferredSec: 0, validSec: INFINITY_LIFE_TIME },
    };
    const ack = await this.#o.route.request((seq) => encodeNewAddr(req, seq));
    // EEXIST: a reused VMAC still has it.
    if (ack.errno !== 0 && ack.errno !== 17)
      this.#o.log(`(${r.instance}) adding link-local address to ${r.ifname} failed`);
  }

  #sysctl(path: string, value: string): void {
    try {
      (this.#o.writeSysctl ?? ((p, v) => writeFileSync(p, v)))(path, value);
    } catch {
      // IPv6 disabled in the kernel: there is nothing to switch.
    }
  }

  /** True on an ack; otherwise logs `failure` with the kernel's reason. */
  async #ok(
    req: Promise<{ errno: number; extAck?: string }>,
    failure: string,
    quietEnodev = false,
  ): Promise<boolean> {
    try {
      const ack = await req;
      if (ack.errno === 0) return true;
      if (!(quietEnodev && ack.errno === 19))
        this.#o.log(`${failure}: ${ack.extAck ?? errnoText(ack.errno)}`);
      return false;
    } catch (e) {
      this.#o.log(`${failure}: ${(e as Error).message}`);
      return false;
    }
  }
}
