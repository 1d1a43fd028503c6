/**
 * The no_accept firewall: nft-ruleset.ts scripts run by `nft -f -`, one at a time in call
 * order. A family's table is built the first time one of its VIPs is blocked and removed at
 * close (keepalived deletes its tables at stop); removeStale() clears what a crashed run left.
 * The firewall remembers which VIPs it holds, so it never deletes an element that is not
 * there (nft would refuse the whole transaction) and a VIP two instances share stays blocked
 * until both release it. Failures are logged, never thrown.
 */
import { spawn } from 'node:child_process';
import type { IpFamily } from '../base/ip.js';
import {
  changeElements,
  createLinkLocal,
  createTable,
  dropTable,
  isLinkLocal,
  type NftTableSpec,
  type NftVip,
} from './nft-ruleset.js';

/** Runs one nft script; resolves with nft's complaint, or undefined when it succeeded. */
export type NftRunner = (script: string) => Promise<string | undefined>;

export const runNft: NftRunner = (script) =>
  new Promise((resolve) => {
    const child = spawn('nft', ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (e) => resolve(e.message));
    child.on('close', (code) => resolve(code === 0 ? undefined : stderr.trim() || `nft exited with ${code}`));
    child.stdin.on('error', () => {});
    child.stdin.end(script);
  });

export interface NftFirewallOptions {
  readonly table: NftTableSpec;
  readonly log: (text: string) => void;
  readonly run?: NftRunner;
}

const keyOf = (v: NftVip): string =>
  isLinkLocal(v) ? `${v.address}%${v.ifname ?? ''}${v.byName ? '/name' : ''}` : v.address;

export class NftFirewall {
  readonly #table: NftTableSpec;
  readonly #log: (text: string) => void;
  readonly #run: NftRunner;
  readonly #created = new Set<IpFamily>();
  /** Which link-local sets exist: by interface index (false), by name (true). */
  readonly #linkLocal = new Set<boolean>();
  /** VIP key to how many instances block it. */
  readonly #held = new Map<string, number>();
  #queue: Promise<void> = Promise.resolve();

  constructor(opts: NftFirewallOptions) {
    this.#table = opts.table;
    this.#log = opts.log;
    this.#run = opts.run ?? runNft;
  }

  /** Drops traffic to and from `vips`; resolves once the rules are in the kernel (or failed). */
  block(vips: readonly NftVip[]): Promise<void> {
    return this.#then(async () => {
      const fresh = vips.filter((v) => {
        const k = keyOf(v);
        const n = this.#held.get(k) ?? 0;
        this.#held.set(k, n + 1);
        return n === 0;
      });
      let script = '';
      for (const family of [4, 6] as const) {
        if (fresh.some((v) => v.family === family) && !this.#created.has(family)) {
          script += createTable(this.#table, family);
          this.#created.add(family);
        }
      }
      // Each kind of link-local set when its first VIP comes, in the VIPs' order (keepalived's).
      for (const v of fresh.filter(isLinkLocal)) {
        const byName = v.byName ?? false;
        if (this.#linkLocal.has(byName)) continue;
        script += createLinkLocal(this.#table, byName);
        this.#linkLocal.add(byName);
      }
      script += changeElements(this.#table, 'add', fresh);
      await this.#exec(script, 'setting firewall drop rule');
    });
  }

  /** Lets traffic to `vips` through again (once no instance blocks it). */
  unblock(vips: readonly NftVip[]): Promise<void> {
    return this.#then(async () => {
      const gone = vips.filter((v) => {
        const k = keyOf(v);
        const n = this.#held.get(k) ?? 0;
        if (n === 0) return false;
        if (n === 1) this.#held.delete(k);
        else this.#held.set(k, n - 1);
        return n === 1;
      });
      await this.#exec(changeElements(this.#table, 'delete', gone), 'removing firewall drop rule');
    });
  }

  /** Removes both families' tables, whoever made them (a crashed earlier run). */
  removeStale(): Promise<void> {
    return this.#then(async () => {
      await this.#exec(
        dropTable(this.#table, 4) + dropTable(this.#table, 6),
        'removing stale firewall tables',
      );
    });
  }

  /** Removes the tables this firewall made; resolves when done. */
  close(): Promise<void> {
    return this.#then(async () => {
      const script = [...this.#created].map((f) => dropTable(this.#table, f)).join('');
      this.#created.clear();
      this.#held.clear();
      this.#linkLocal.clear();
      await this.#exec(script, 'removing firewall tables');
    });
  }

  /** Resolves when everything asked so far is done. */
  flush(): Promise<void> {
    return this.#then(async () => {});
  }

  #then(job: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(job, job);
    this.#queue = next.catch(() => {});
    return this.#queue;
  }

  async #exec(script: string, what: string): Promise<void> {
    if (script === '') return;
    const failure = await this.#run(script);
    if (failure !== undefined) this.#log(`nftables: ${what} failed: ${failure.split('\n')[0]}`);
  }
}
