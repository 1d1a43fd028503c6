/** Network interfaces of the current namespace, read from sysfs (what `-t` checks against). */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { InterfaceLookup } from '../config/parser.js';

/** IFF_LOOPBACK from <linux/if.h>. */
const IFF_LOOPBACK = 0x8;

export const sysfsInterfaces: InterfaceLookup = {
  exists(name) {
    return name !== '' && !name.includes('/') && existsSync(`/sys/class/net/${name}`);
  },
  isLoopback(name) {
    try {
      return (Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8'), 16) & IFF_LOOPBACK) !== 0;
    } catch {
      return false;
    }
  },
  // sysfs does not name a link's kind: a stacked link (lower_<dev> entry: macvlan, vlan,
  // ipvlan) may be a VMAC; the daemon checks kind and mode through netlink before using it.
  mayBeMacvlan(name) {
    try {
      return readdirSync(`/sys/class/net/${name}`).some((e) => e.startsWith('lower_'));
    } catch {
      return false;
    }
  },
};

/**
 * The interfaces of another network namespace, listed once with `ip -n NS -o link show`
 * (sysfs shows only our own namespace). Undefined when the namespace does not exist.
 */
export function netnsInterfaces(netns: string): InterfaceLookup | undefined {
  if (!/^[A-Za-z0-9_.-]+$/.test(netns) || !existsSync(`/run/netns/${netns}`)) return undefined;
  let out: string;
  try {
    out = execFileSync('ip', ['-n', netns, '-o', 'link', 'show'], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return undefined;
  }
  const links = new Map<string, boolean>();
  for (const line of out.split('\n')) {
    const m = /^\d+: ([^:@]+)[^<]*<([^>]*)>/.exec(line);
    if (m) links.set(m[1] as string, (m[2] as string).split(',').includes('LOOPBACK'));
  }
  return { exists: (name) => links.has(name), isLoopback: (name) => links.get(name) === true };
}
