/**
 * The seed's VRRP timing (advert_int 1, priorities 100 and 90) and the log lines the steps wait
 * for. keepalived-ts logs the same lines as keepalived 2.2.7, so both are matched alike.
 */
import { LB_ADDR } from './types.js';

export const ADVERT_INT_MS = 1000;

/** RFC 3768 §6.1 Skew_Time and Master_Down_Interval, as keepalived computes them (ms). */
export const skewMs = (priority: number): number => ((256 - priority) * ADVERT_INT_MS) / 256;
export const masterDownMs = (priority: number): number => 3 * ADVERT_INT_MS + skewMs(priority);

export const PRIORITY = { lb01: 100, lb02: 90 } as const;
/** check_n.sh runs every `interval 1` s. */
export const CHECK_INTERVAL_MS = 1000;
/** Room for scheduling, script start-up and the lab's own latency on a loaded CI machine. */
export const SLACK_MS = 2000;

/** keepalived's default vrrp_garp_master_delay: a new MASTER's second burst of gratuitous ARPs. */
export const GARP_MASTER_DELAY_MS = 5000;
/**
 * Linux's neighbour locktime (1 s): a gratuitous ARP is ignored for an entry that changed less
 * than this ago, so of two bursts from two nodes within a second the first one wins.
 */
export const ARP_LOCKTIME_MS = 1000;

export const LOG = {
  master: /\(VI_1\) Entering MASTER STATE/,
  backup: /\(VI_1\) Entering BACKUP STATE/,
  fault: /\(VI_1\) Entering FAULT STATE/,
  exited: /^### keepalived exited/,
  removingVips: /\(VI_1\) removing VIPs/,
  lowerPriorityFromLb02: new RegExp(
    `Received advert from ${LB_ADDR.lb02.replace(/\./g, '\\.')} with lower priority ${PRIORITY.lb02}`,
  ),
} as const;
