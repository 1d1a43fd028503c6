/**
 * keepalived's get_local_name(): the canonical name getaddrinfo(AI_CANONNAME) gives the node
 * name, through the host's NSS (files, then DNS). `getent ahosts` makes that very call and
 * prints the canonical name on its first line. undefined = the name does not resolve
 * (keepalived then writes "[unknown]").
 */
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';

/** How long a slow resolver may take before the name counts as unknown. */
const LOOKUP_TIMEOUT_MS = 5000;

export function localName(node: string = hostname()): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('getent', ['ahosts', node], { timeout: LOOKUP_TIMEOUT_MS }, (err, stdout) => {
      if (err !== null) return resolve(undefined);
      resolve(canonicalFromAhosts(stdout));
    });
  });
}

/** "127.0.1.1       STREAM lb01.example lb01\n..." -> "lb01.example". */
export function canonicalFromAhosts(out: string): string | undefined {
  const first = out.split('\n')[0]?.trim().split(/\s+/);
  return first !== undefined && first.length >= 3 ? first[2] : undefined;
}
