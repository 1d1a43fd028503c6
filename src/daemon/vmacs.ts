/**
 * The daemon's VMACs (use_vmac): set up before the VRRP plan is made (the plan puts the VIPs
 * and sockets on them), brought in line with a reloaded config (new ones made, unchanged ones
 * kept as they are, dropped ones deleted once the worker has let go of them), and deleted at
 * stop after the VIPs are gone. A VMAC a crashed run left behind matches its instance again
 * (vmac-plan.ts "Found matching interface") and is taken over.
 */
import type { KeepalivedConfig } from '../config/model.js';
import { NetlinkRoute } from '../net/netlink-route.js';
import { VmacLinks } from '../net/vmac-links.js';
import { readInterfaces } from '../sys/interface-table.js';
import { applyNft, type VmacTable, vmacScript } from '../sys/vmac-firewall.js';
import { planVmacs, type VmacSpec } from './vmac-plan.js';
import type { VmacBinding } from './vrrp-plan.js';

type Log = (text: string, detail?: boolean) => void;

export class DaemonVmacs {
  readonly #log: Log;
  #route: NetlinkRoute | undefined;
  #links: VmacLinks | undefined;
  /** Instance name -> its VMAC, for the current config. */
  #bindings = new Map<string, VmacBinding>();
  /** VMAC name -> what was set up (to tell a reload's unchanged ones). */
  #specs = new Map<string, VmacSpec>();

  constructor(log: Log) {
    this.#log = log;
  }

  get bindings(): ReadonlyMap<string, VmacBinding> {
    return this.#bindings;
  }

  /**
   * Sets up the VMACs `config` asks for. VMACs of the previous config that it no longer wants
   * are returned, to be removed (`removeUnused`) once the worker has moved off them.
   */
  async apply(config: KeepalivedConfig): Promise<void> {
    const wanted = config.vrrp.instances.filter((v) => v.vmac !== undefined);
    if (wanted.length === 0 && this.#specs.size === 0) {
      this.#bindings = new Map();
      return;
    }
    const links = this.#open();
    const route = this.#route as NetlinkRoute;
    const current = await route.listLinks();
    const plan = planVmacs(wanted, current, config.global.vmacPrefix ?? 'vrrp');
    for (const m of plan.messages) this.#log(m);
    const itfs = readInterfaces();
    const bindings = new Map<string, VmacBinding>();
    const specs = new Map<string, VmacSpec>();
    const fresh: string[] = [];
    for (const spec of plan.vmacs) {
      const v = wanted.find((w) => w.name === spec.instance);
      const mine = this.#specs.get(spec.ifname);
      const unchanged =
        mine !== undefined &&
        spec.action.kind === 'reuse' &&
        mine.baseIfindex === spec.baseIfindex &&
        mine.mac === spec.mac;
      if (!unchanged) {
        const linkLocal = v?.mcastSrcIp?.includes(':')
          ? v.mcastSrcIp
          : itfs.get(spec.baseName)?.ipv6LinkLocal;
        const ifindex = await links.setup({ ...spec, ...(linkLocal !== undefined && { linkLocal }) });
        if (ifindex === undefined) continue;
        fresh.push(spec.ifname);
      }
      bindings.set(spec.instance, { ifname: spec.ifname, xmitBase: spec.xmitBase });
      specs.set(spec.ifname, spec);
    }
    this.#pendingRemoval = [...this.#specs.keys()].filter((name) => !specs.has(name));
    this.#bindings = bindings;
    // The VMACs being dropped keep their rules until they are gone.
    const leaving = this.#pendingRemoval.map((name) => this.#specs.get(name)).filter((x) => x !== undefined);
    this.#specs = specs;
    this.#disableLocalIgmp = config.global.disableLocalIgmp;
    this.#table = { name: config.global.nftables ?? 'keepalived', priority: config.global.nftablesPriority };
    this.#firewall([...specs.values(), ...leaving]);
    // Up only now: the rules are in place before the first report or solicitation.
    for (const name of fresh) await links.bringUp(name);
  }

  #disableLocalIgmp = false;
  #table: VmacTable = { name: 'keepalived', priority: -1 };
  /** The families whose VMAC rules are in the table. */
  readonly #ruled = new Set<4 | 6>();

  /** keepalived's nft rules for these VMACs (sys/vmac-firewall.ts), in keepalived's table. */
  #firewall(specs: readonly VmacSpec[]): void {
    const pairs = specs.map((s) => ({ family: s.family, vmac: s.ifname, base: s.baseName }));
    const error = applyNft(vmacScript(this.#table, pairs, this.#disableLocalIgmp, this.#ruled));
    if (error !== undefined)
      this.#log(`VMAC: cannot set the nftables rules for IGMP/MLD on the VMACs: ${error}`);
  }

  #pendingRemoval: string[] = [];

  /** Deletes the VMACs the last `apply` dropped (after the worker's reload). */
  async removeUnused(): Promise<void> {
    const names = this.#pendingRemoval;
    this.#pendingRemoval = [];
    for (const name of names) await this.#links?.remove(name);
    if (names.length > 0) this.#firewall([...this.#specs.values()]);
  }

  /**
   * Stop: every VMAC deleted (unless `keep`: -V leaves the VIPs, so their VMACs stay). The
   * daemon then removes the nft table, VMAC rules and drop rules together.
   */
  async stop(keep: boolean): Promise<void> {
    if (!keep && this.#links !== undefined) await this.#links.removeAll();
    this.#route?.close();
    this.#route = undefined;
    this.#links = undefined;
  }

  #open(): VmacLinks {
    if (this.#links === undefined) {
      this.#route = new NetlinkRoute({ log: (t) => this.#log(t) });
      this.#links = new VmacLinks({ route: this.#route, log: this.#log });
    }
    return this.#links;
  }
}
