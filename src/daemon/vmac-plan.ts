/**
 * Which VMAC (use_vmac: a private-mode macvlan carrying the VRRP virtual MAC) each instance
 * runs on, and what must be done to the system for it. Pure: the links come in as data (a
 * netlink dump), so keepalived's choices are tested without a network:
 *  - an existing private macvlan on the same base interface with the instance's MAC is taken
 *    over, whatever its name ("Found matching interface"; a configured name that differs is
 *    replaced by it, "vmac name mismatch");
 *  - a configured name held by another macvlan is updated (other base: deleted and created);
 *    held by anything else, the name is dropped for a generated one;
 *  - a generated name is `<vmac_prefix|vrrp>.<VRID>`, then `vrrp1.VRID`, `vrrp2.VRID`... (IPv6
 *    tries `vrrp6.VRID` first), skipping names in use;
 *  - the MAC is 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6) (RFC 5798 §7.3),
 *    unless use_vmac gave one (5 octets: the VRID completes it).
 */
import type { VrrpInstanceConfig } from '../config/model/vrrp-instance.js';
import { type LinkInfo, MACVLAN_MODE } from '../net/rtnetlink-link.js';
import type { InterfaceInfo, PlannedInstance, VmacBinding } from './vrrp-plan.js';

/** IFNAMSIZ - 1. */
const MAX_IFNAME = 15;

export type VmacAction =
  /** Create it (NLM_F_EXCL). */
  | { readonly kind: 'create' }
  /** A matching VMAC exists: use it as it is. */
  | { readonly kind: 'reuse'; readonly ifindex: number }
  /** A macvlan of that name on the same base: set MAC and mode. */
  | { readonly kind: 'update'; readonly ifindex: number }
  /** A macvlan of that name on another base: delete it, then create. */
  | { readonly kind: 'replace'; readonly ifindex: number };

export interface VmacSpec {
  readonly instance: string;
  readonly family: 4 | 6;
  readonly vrid: number;
  /** The VMAC's name. */
  readonly ifname: string;
  readonly mac: string;
  /** The configured interface (the macvlan's lower link). */
  readonly baseName: string;
  readonly baseIfindex: number;
  /** vmac_xmit_base: adverts go out (and come in) on the base interface. */
  readonly xmitBase: boolean;
  readonly action: VmacAction;
}

export interface VmacPlan {
  readonly vmacs: readonly VmacSpec[];
  /** keepalived's log lines for the choices made. */
  readonly messages: readonly string[];
}

/** The VMAC's MAC: the configured one (its last octet the VRID if 5 were given), else RFC 5798's. */
export function vmacAddress(v: VrrpInstanceConfig): string {
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  const configured = v.vmac?.mac;
  if (configured !== undefined) {
    const octets = configured.split(':').slice(0, 5);
    return v.vmac?.macUsesVrid === true ? [...octets, hex(v.vrid)].join(':') : configured;
  }
  return `00:00:5e:00:${v.family === 6 ? '02' : '01'}:${hex(v.vrid)}`;
}

/** `<prefix>[n].<vrid>`, the prefix cut so the name fits IFNAMSIZ (create_vmac_name()). */
function generatedName(prefix: string, num: number | undefined, vrid: number): string {
  const tail = `${num ?? ''}.${vrid}`;
  return `${prefix.slice(0, MAX_IFNAME - tail.length)}${tail}`;
}

/** The numbers tried after the bare name: IPv6 tries 6 first, then 1, 2, ... skipping 6. */
function* suffixes(family: 4 | 6): Generator<number> {
  if (family === 6) yield 6;
  for (let n = 1; n < 1000; n++) if (family === 4 || n !== 6) yield n;
}

const isPrivateMacvlan = (l: LinkInfo): boolean =>
  l.kind === 'macvlan' && l.macvlanMode === MACVLAN_MODE.private;

export function planVmacs(
  instances: readonly VrrpInstanceConfig[],
  links: readonly LinkInfo[],
  prefix = 'vrrp',
): VmacPlan {
  const byName = new Map(links.map((l) => [l.name, l]));
  const messages: string[] = [];
  const vmacs: VmacSpec[] = [];
  const taken = new Set<string>();
  for (const v of instances) {
    if (v.vmac === undefined || v.interface === undefined) continue;
    const base = byName.get(v.interface);
    if (base === undefined) continue; // the VRRP plan reports the missing interface
    const mac = vmacAddress(v);
    const common = {
      instance: v.name,
      family: v.family,
      vrid: v.vrid,
      mac,
      baseName: base.name,
      baseIfindex: base.ifindex,
      xmitBase: v.vmac.xmitBase,
    };
    let ifname = v.vmac.ifname;
    const match = links.find(
      (l) => isPrivateMacvlan(l) && l.link === base.ifindex && l.mac === mac && !taken.has(l.name),
    );
    if (match !== undefined) {
      messages.push(`(${v.name}) Found matching interface ${match.name}`);
      if (ifname !== undefined && ifname !== match.name)
        messages.push(
          `(${v.name}) vmac name mismatch ${ifname} <=> ${match.name}. changing to ${match.name}.`,
        );
      taken.add(match.name);
      vmacs.push({ ...common, ifname: match.name, action: { kind: 'reuse', ifindex: match.ifindex } });
      continue;
    }
    let action: VmacAction = { kind: 'create' };
    const holder = ifname === undefined ? undefined : byName.get(ifname);
    if (ifname !== undefined && holder !== undefined) {
      if (holder.kind === 'macvlan') {
        messages.push(
          `(${v.name}) VMAC ${ifname} already exists but is incompatible. It will be deleted/updated`,
        );
        action =
          holder.link === base.ifindex
            ? { kind: 'update', ifindex: holder.ifindex }
            : { kind: 'replace', ifindex: holder.ifindex };
      } else {
        messages.push(
          `(${v.name}) VMAC interface name ${ifname} already exists as a non VMAC interface. ignoring configured name`,
        );
        ifname = undefined;
      }
    }
    if (ifname === undefined) {
      const free = (name: string): boolean => !taken.has(name) && !byName.has(name);
      const bare = generatedName(prefix, undefined, v.vrid);
      ifname = bare;
      if (!free(bare)) {
        for (const n of suffixes(v.family)) {
          ifname = generatedName(prefix, n, v.vrid);
          if (free(ifname)) break;
        }
      }
    }
    taken.add(ifname);
    vmacs.push({ ...common, ifname, action });
  }
  return { vmacs, messages };
}

/**
 * --reload-plan: the VMACs a reload would run on, without touching the system. An instance the
 * daemon runs keeps the VMAC it has (its planned interface name); a new one gets the name a
 * reload would make, and stands in as an interface that is up (the reload would create it).
 */
export function expectedVmacs(
  instances: readonly VrrpInstanceConfig[],
  running: readonly PlannedInstance[],
  interfaces: ReadonlyMap<string, InterfaceInfo>,
  prefix = 'vrrp',
): { bindings: Map<string, VmacBinding>; interfaces: Map<string, InterfaceInfo> } {
  const bindings = new Map<string, VmacBinding>();
  const all = new Map(interfaces);
  for (const v of instances) {
    if (v.vmac === undefined || v.interface === undefined) continue;
    const now = running.find((r) => r.params.name === v.name)?.params.interfaceName;
    let ifname = now !== undefined && now !== v.interface && interfaces.has(now) ? now : undefined;
    if (ifname === undefined) {
      ifname = v.vmac.ifname ?? generatedName(prefix, undefined, v.vrid);
      if (!all.has(ifname))
        all.set(ifname, { name: ifname, ifindex: 0, mac: vmacAddress(v), up: true, ipv4: [] });
    }
    bindings.set(v.name, { ifname, xmitBase: v.vmac.xmitBase });
  }
  return { bindings, interfaces: all };
}
