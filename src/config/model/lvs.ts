/**
 * Checkers and load balancing: virtual_server(_group), real_server, sorry_server, SSL
 * (keepalived check/check_data.h). Values are what keepalived runs with after its checker
 * validation: defaults inherited (real server from virtual server), ports reset, protocol and
 * scheduler defaulted. Times are in microseconds.
 */
import type { IpFamily } from '../../base/ip.js';
import type { CheckerConfig } from './checkers.js';
import type { ScriptCommand } from './global.js';

export interface LvsConfig {
  readonly virtualServers: readonly VirtualServerConfig[];
  readonly virtualServerGroups: readonly VirtualServerGroupConfig[];
  /** The SSL block (client context for SSL_GET), if any. */
  readonly ssl: SslConfig | undefined;
}

export interface SslConfig {
  readonly password: string | undefined;
  readonly caFile: string | undefined;
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
}

/** An address range `A-B`, `A/len` or a single address, with the group's port (0 = any). */
export interface VsgAddressRange {
  readonly family: IpFamily;
  readonly start: string;
  readonly end: string;
  readonly port: number;
}

export interface VsgFwmark {
  readonly fwmark: number;
  /** Absent: the family comes from the virtual server. */
  readonly family: IpFamily | undefined;
}

export interface VirtualServerGroupConfig {
  readonly name: string;
  readonly addressRanges: readonly VsgAddressRange[];
  readonly fwmarks: readonly VsgFwmark[];
}

export type Protocol = 'tcp' | 'udp' | 'sctp';

/** IPVS forwarding: lvs_method / lb_kind, with tunnel options for TUN. */
export interface Forwarding {
  readonly method: 'NAT' | 'DR' | 'TUN';
  /** Only meaningful for TUN. */
  readonly tunnelType: 'ipip' | 'gue' | 'gre';
  /** GUE destination port, 0 otherwise. */
  readonly tunnelPort: number;
  readonly tunnelChecksum: 'nocsum' | 'csum' | 'remcsum';
}

/** A notify_up / notify_down / quorum_up / quorum_down command (as global_defs scripts). */
export type CheckScript = ScriptCommand;

export type VirtualServerKey =
  | { readonly kind: 'address'; readonly address: string; readonly port: number }
  | { readonly kind: 'fwmark'; readonly fwmark: number }
  | { readonly kind: 'group'; readonly group: string };

/** IPVS service flags (linux/ip_vs.h), set by ops / flag-N / sh-* / mh-*. */
export const IPVS_SVC_F = {
  onePacket: 0x0004,
  sched1: 0x0008,
  sched2: 0x0010,
  sched3: 0x0020,
} as const;

export interface VirtualServerConfig {
  readonly key: VirtualServerKey;
  readonly family: IpFamily;
  /** Undefined for fwmark services (the kernel ignores it there). */
  readonly protocol: Protocol | undefined;
  readonly scheduler: string;
  /** IPVS_SVC_F bits. */
  readonly flags: number;
  readonly forwarding: Forwarding;
  /** Seconds; 0 = not persistent. */
  readonly persistenceTimeoutS: number;
  /** IPv4 netmask as text, or IPv6 prefix length; undefined when not set. */
  readonly persistenceGranularity: string | number | undefined;
  readonly persistenceEngine: string | undefined;
  readonly haSuspend: boolean;
  readonly alpha: boolean;
  readonly omega: boolean;
  readonly quorum: number;
  readonly hysteresis: number;
  readonly quorumUp: CheckScript | undefined;
  readonly quorumDown: CheckScript | undefined;
  readonly smtpAlert: boolean;
  readonly virtualhost: string | undefined;
  readonly snmpName: string | undefined;
  readonly weight: number;
  readonly inhibitOnFailure: boolean;
  /** Undefined: each checker's own default. */
  readonly retry: number | undefined;
  readonly delayBeforeRetryUs: number | undefined;
  readonly warmupUs: number | undefined;
  readonly connectTimeoutUs: number;
  readonly delayLoopUs: number;
  readonly sorryServer: SorryServerConfig | undefined;
  readonly realServers: readonly RealServerConfig[];
}

export interface ServerAddress {
  readonly family: IpFamily;
  readonly address: string;
  /** 0 for fwmark services without NAT. */
  readonly port: number;
}

export interface SorryServerConfig extends ServerAddress {
  readonly inhibit: boolean;
  readonly forwarding: Forwarding;
}

export interface RealServerConfig extends ServerAddress {
  readonly weight: number;
  readonly forwarding: Forwarding;
  /** Connection thresholds; 0 = none. */
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
  readonly inhibitOnFailure: boolean;
  readonly notifyUp: CheckScript | undefined;
  readonly notifyDown: CheckScript | undefined;
  readonly alpha: boolean;
  readonly retry: number | undefined;
  readonly delayBeforeRetryUs: number | undefined;
  readonly warmupUs: number | undefined;
  readonly connectTimeoutUs: number;
  readonly delayLoopUs: number;
  readonly smtpAlert: boolean;
  readonly virtualhost: string | undefined;
  readonly snmpName: string | undefined;
  readonly checkers: readonly CheckerConfig[];
}
