/**
 * The configuration as the command line names it, read against this machine (its interfaces,
 * files and namespaces): what `-t` checks and what the daemon runs and reloads.
 */
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { type LoadResult, loadConfig } from '../config/load.js';
import type { InterfaceLookup } from '../config/parser.js';
import { netnsInterfaces, sysfsInterfaces } from '../sys/interfaces.js';
import type { CliOptions } from './args.js';

/** keepalived's default config id: the node name up to its first '.'. */
export function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}

function pathKind(path: string): 'file' | 'directory' | 'other' | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';
  } catch {
    return undefined;
  }
}

/**
 * Each interface looked up once per reading, as keepalived reads the interface list once
 * (1,000 instances on four interfaces ask sysfs four times, not a thousand).
 */
function remembered(lookup: InterfaceLookup): InterfaceLookup {
  const exists = new Map<string, boolean>();
  const loopback = new Map<string, boolean>();
  return {
    exists(name) {
      let v = exists.get(name);
      if (v === undefined) {
        v = lookup.exists(name);
        exists.set(name, v);
      }
      return v;
    },
    isLoopback(name) {
      let v = loopback.get(name);
      if (v === undefined) {
        v = lookup.isLoopback(name);
        loopback.set(name, v);
      }
      return v;
    },
  };
}

/** `model: false`: diagnostics and exit status only (`-t`), no model. */
export function readConfig(o: CliOptions, model = true): LoadResult {
  return loadConfig({
    path: o.configFile,
    configId: o.configId ?? defaultConfigId(),
    env: {
      interfaces: remembered(sysfsInterfaces),
      interfacesIn: netnsInterfaces,
      fileExists: existsSync,
      pathKind,
    },
    testMode: o.configTest !== undefined,
    allConfig: o.allConfig,
    model,
  });
}
