/** Network interfaces of the current namespace, read from sysfs (what `-t` checks against). */
import { existsSync, readFileSync } from 'node:fs';
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
};
