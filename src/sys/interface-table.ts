/**
 * The interfaces of this network namespace as the VRRP plan needs them: index, MAC, up, IPv4
 * addresses (primary first) and the IPv6 link-local address. Read from sysfs and
 * os.networkInterfaces(), which both reflect the namespace the process runs in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { InterfaceInfo } from '../daemon/vrrp-plan.js';
import { NetlinkRoute } from '../net/netlink-route.js';

/** IFF_UP from <linux/if.h>. */
const IFF_UP = 0x1;

/**
 * keepalived's IF_ISUP is IFF_UP and IFF_RUNNING. sysfs `flags` never shows IFF_RUNNING (the
 * kernel derives it from the operational state), so carrier comes from `operstate`: "up", or
 * "unknown" for links without carrier reporting (loopback).
 */
function usable(name: string, flags: number): boolean {
  const oper = readSys(name, 'operstate');
  return (flags & IFF_UP) !== 0 && (oper === 'up' || oper === 'unknown');
}

function readSys(name: string, attr: string): string | undefined {
  try {
    return readFileSync(`/sys/class/net/${name}/${attr}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function readInterfaces(): Map<string, InterfaceInfo> {
  const addrs = networkInterfaces();
  const out = new Map<string, InterfaceInfo>();
  let names: string[];
  try {
    names = readdirSync('/sys/class/net');
  } catch {
    names = Object.keys(addrs);
  }
  for (const name of names) {
    const ifindex = Number(readSys(name, 'ifindex'));
    if (!Number.isInteger(ifindex) || ifindex <= 0) continue;
    const flags = Number.parseInt(readSys(name, 'flags') ?? '0', 16);
    const list = addrs[name] ?? [];
    const linkLocal = list.find((a) => a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:'));
    out.set(name, {
      name,
      ifindex,
      mac: readSys(name, 'address') ?? '00:00:00:00:00:00',
      up: usable(name, flags),
      // os.networkInterfaces lists addresses in the kernel's order: the primary comes first.
      ipv4: list.filter((a) => a.family === 'IPv4').map((a) => a.address),
      ...(linkLocal === undefined ? {} : { ipv6LinkLocal: linkLocal.address }),
    });
  }
  return out;
}

/**
 * readInterfaces, with the addresses of interfaces that are down (at start and at a reload): os.networkInterfaces()
 * (libuv) leaves out every interface without IFF_UP and IFF_RUNNING, but an instance on a link
 * that is down at start must still be planned (it starts in FAULT, as keepalived, and runs once
 * the link comes up). Those come from an RTM_GETADDR dump, in the kernel's order (primary
 * first); if the dump fails, the plain table is used.
 */
export async function readInterfacesAtStart(): Promise<Map<string, InterfaceInfo>> {
  const table = readInterfaces();
  const down = [...table.values()].filter((i) => !i.up);
  if (down.length === 0) return table;
  let route: NetlinkRoute | undefined;
  try {
    route = new NetlinkRoute({ timeoutMs: 2000 });
    const addrs = await route.listAddresses();
    for (const i of down) {
      const own = addrs.filter((a) => a.ifindex === i.ifindex);
      const ipv4 = own.filter((a) => a.family === 4 && a.local !== undefined).map((a) => a.local as string);
      const ll = own.find((a) => a.family === 6 && a.local?.toLowerCase().startsWith('fe80:'))?.local;
      table.set(i.name, { ...i, ipv4, ...(ll === undefined ? {} : { ipv6LinkLocal: ll }) });
    }
  } catch {
    // The table without them: such instances are reported as not started.
  } finally {
    route?.close();
  }
  return table;
}
