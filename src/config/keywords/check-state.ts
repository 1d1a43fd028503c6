/**
 * Parse state of the checker section, shared by virtual_server and the checker blocks.
 * Drafts follow keepalived's structs (check/check_data.h): `undefined` where keepalived keeps
 * an "unset" sentinel (UINT_MAX, ULONG_MAX, -1), so that validation can inherit defaults.
 */
import type { SourceLoc } from '../../base/diagnostics.js';
import type { CheckScript, Forwarding } from '../model/lvs.js';
import { type ParseContext, StateKey } from '../parser.js';
import { type SockAddr, unspecAddr } from './check-addr.js';

/** `method` undefined is keepalived's IP_VS_CONN_F_FWD_MASK: "no forwarding method set yet". */
export type ForwardingDraft = {
  -readonly [K in keyof Forwarding]: K extends 'method' ? Forwarding[K] | undefined : Forwarding[K];
};

export function unsetForwarding(): ForwardingDraft {
  return { method: undefined, tunnelType: 'ipip', tunnelPort: 0, tunnelChecksum: 'nocsum' };
}

export interface ServerDraft {
  addr: SockAddr;
  forwarding: ForwardingDraft;
}

export interface SorryServerDraft extends ServerDraft {
  inhibit: boolean;
}

export interface RealServerDraft extends ServerDraft {
  /** The words of the real_server line, as written. */
  address: string;
  port: string | undefined;
  /** Where the real_server line is, for checkers that report against it. */
  loc: SourceLoc | undefined;
  weight: number | undefined;
  upperThreshold: number;
  lowerThreshold: number;
  inhibit: boolean | undefined;
  alpha: boolean | undefined;
  retry: number | undefined;
  connectTimeoutUs: number | undefined;
  delayLoopUs: number | undefined;
  warmupUs: number | undefined;
  delayBeforeRetryUs: number | undefined;
  smtpAlert: boolean | undefined;
  virtualhost: string | undefined;
  snmpName: string | undefined;
  notifyUp: CheckScript | undefined;
  notifyDown: CheckScript | undefined;
  /** Checker blocks parsed inside this real_server, in order. */
  checkers: unknown[];
}

export interface VirtualServerDraft {
  /** The words of the virtual_server line, as written. */
  address: string;
  kind: 'address' | 'fwmark' | 'group';
  /** `group NAME`; the port of `addr` becomes its member number in the group. */
  groupName: string | undefined;
  fwmark: number;
  /** af, port (address services) and bytes; family 0 while unknown. */
  addr: SockAddr;
  protocol: number;
  scheduler: string;
  flags: number;
  forwarding: ForwardingDraft;
  persistenceTimeoutS: number;
  persistenceGranularity: string | number | undefined;
  persistenceEngine: string | undefined;
  haSuspend: boolean;
  alpha: boolean;
  omega: boolean;
  quorum: number;
  hysteresis: number;
  quorumUp: CheckScript | undefined;
  quorumDown: CheckScript | undefined;
  smtpAlert: boolean | undefined;
  virtualhost: string | undefined;
  snmpName: string | undefined;
  weight: number;
  inhibit: boolean;
  retry: number | undefined;
  connectTimeoutUs: number;
  delayLoopUs: number;
  warmupUs: number | undefined;
  delayBeforeRetryUs: number | undefined;
  sorryServer: SorryServerDraft | undefined;
  realServers: RealServerDraft[];
}

export interface VsgEntryDraft {
  start: SockAddr;
  end: SockAddr;
}

export interface VsgFwmarkDraft {
  fwmark: number;
  family: 4 | 6 | undefined;
}

export interface VsgDraft {
  name: string;
  ranges: VsgEntryDraft[];
  fwmarks: VsgFwmarkDraft[];
  haveIpv4: boolean;
  haveIpv6: boolean;
  fwmarkNoFamily: boolean;
}

export interface SslDraft {
  password: string | undefined;
  caFile: string | undefined;
  certFile: string | undefined;
  keyFile: string | undefined;
}

export interface LvsDraft {
  virtualServers: VirtualServerDraft[];
  groups: VsgDraft[];
  ssl: SslDraft | undefined;
}

export const LVS = new StateKey<LvsDraft>('lvs', () => ({ virtualServers: [], groups: [], ssl: undefined }));

/** The real_server being parsed, where checker blocks attach. */
export function currentRealServer(ctx: ParseContext): RealServerDraft | undefined {
  const vs = ctx.state(LVS).virtualServers.at(-1);
  return vs?.realServers.at(-1);
}

/** The virtual_server being parsed (keepalived's list_last_entry(&check_data->vs)). */
export function currentVirtualServer(ctx: ParseContext): VirtualServerDraft | undefined {
  return ctx.state(LVS).virtualServers.at(-1);
}

export const DEFAULT_CONNECT_TIMEOUT_US = 5_000_000;
/** KEEPALIVED_DEFAULT_DELAY. */
export const DEFAULT_DELAY_LOOP_US = 60_000_000;
/** IPVS_SVC_PERSISTENT_TIMEOUT. */
export const DEFAULT_PERSISTENCE_TIMEOUT_S = 360;
/** IPVS_DEF_SCHED. */
export const DEFAULT_SCHEDULER = 'wlc';

export function newVirtualServer(address: string): VirtualServerDraft {
  return {
    address,
    kind: 'address',
    groupName: undefined,
    fwmark: 0,
    addr: unspecAddr(),
    protocol: 0,
    scheduler: '',
    flags: 0,
    forwarding: unsetForwarding(),
    persistenceTimeoutS: 0,
    persistenceGranularity: undefined,
    persistenceEngine: undefined,
    haSuspend: false,
    alpha: false,
    omega: false,
    quorum: 1,
    hysteresis: 0,
    quorumUp: undefined,
    quorumDown: undefined,
    smtpAlert: undefined,
    virtualhost: undefined,
    snmpName: undefined,
    weight: 1,
    inhibit: false,
    retry: undefined,
    connectTimeoutUs: DEFAULT_CONNECT_TIMEOUT_US,
    delayLoopUs: DEFAULT_DELAY_LOOP_US,
    warmupUs: undefined,
    delayBeforeRetryUs: undefined,
    sorryServer: undefined,
    realServers: [],
  };
}
