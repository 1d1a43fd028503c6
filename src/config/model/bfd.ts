/**
 * bfd_instance blocks as the BFD engine runs them (keepalived bfd/bfd_parser.c, bfd_data.c
 * alloc_bfd), with keepalived 2.2.7's defaults. Only instances that passed keepalived's checks
 * are listed; times are in microseconds.
 */
import type { IpFamily } from '../../base/ip.js';

export interface BfdConfig {
  readonly instances: readonly BfdInstanceConfig[];
}

/** keepalived's BFD limits (include/bfd.h). */
export const BFD_LIMITS = {
  /** iname is char[32]. */
  nameMaxLen: 31,
  minRxMinMs: 1,
  minRxDefaultMs: 10,
  minTxMinMs: 1,
  minTxDefaultMs: 10,
  idleTxMinMs: 1000,
  idleTxDefaultMs: 1000,
  /** UINT32_MAX / 1000: the µs value must fit 32 bits. */
  intervalMaxMs: 4294967,
  multiplierMin: 1,
  multiplierMax: 255,
  multiplierDefault: 5,
  ttlMax: 255,
  /** Sent TTL (IPv4) / hop limit (IPv6) when none is configured. */
  ttlDefaultV4: 255,
  hopLimitDefaultV6: 64,
  weightMin: -253,
  weightMax: 253,
  /** UDP port of single-hop BFD control packets (RFC 5881 §4). */
  controlPort: 3784,
} as const;

export interface BfdInstanceConfig {
  readonly name: string;
  /** The neighbour's address, canonical text; `family` is its family. */
  readonly neighborIp: string;
  readonly family: IpFamily;
  /** Local address to send from (same family as the neighbour), if configured. */
  readonly sourceIp: string | undefined;
  /** Required Min RX Interval (RFC 5880 §4.1), µs; default 10 ms. */
  readonly minRxUs: number;
  /** Desired Min TX Interval while up, µs; default 10 ms. */
  readonly minTxUs: number;
  /** Desired Min TX Interval while not up, µs; default 1000 ms. */
  readonly idleTxUs: number;
  /** Detect Mult; default 5. */
  readonly multiplier: number;
  /** Wait for the peer to speak first. */
  readonly passive: boolean;
  /** TTL / hop limit of sent packets: configured, or 255 (IPv4) / 64 (IPv6). */
  readonly ttl: number;
  /**
   * How far below `ttl` a received TTL may be (0 = the peer must be adjacent). keepalived keeps
   * it in 8 bits, so `max_hops -1` is 255 (no check); never more than `ttl`.
   */
  readonly maxHops: number;
  /** Default weight of this BFD in vrrp_instance track_bfd (-253..253, default 0). */
  readonly weight: number;
  readonly weightReverse: boolean;
  /** Which processes get this session's up/down events (both unless `vrrp` / `checker`). */
  readonly notifyVrrp: boolean;
  readonly notifyChecker: boolean;
}

/** A bfd_instance as the VRRP or checker process knows it: a name to track, with its weight. */
export interface TrackedBfdConfig {
  readonly name: string;
  /** Always 0 in the checker process, which has no weights for BFD. */
  readonly weight: number;
  readonly weightReverse: boolean;
}
