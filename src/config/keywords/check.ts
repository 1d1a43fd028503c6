/** Checker / LVS root keywords (keepalived check/check_parser.c init_check_keywords). */
import type { CheckerConfig } from '../model/checkers.js';
import type {
  Forwarding,
  LvsConfig,
  Protocol,
  RealServerConfig,
  ServerAddress,
  VirtualServerConfig,
  VirtualServerKey,
} from '../model/lvs.js';
import type { RootKeyword } from '../parser.js';
import type { SectionModule } from '../section.js';
import { addrText, PROTO, type SockAddr } from './check-addr.js';
import {
  DEFAULT_CONNECT_TIMEOUT_US,
  DEFAULT_DELAY_LOOP_US,
  type ForwardingDraft,
  LVS,
  type RealServerDraft,
  type VirtualServerDraft,
} from './check-state.js';
import { validateCheck } from './check-validate.js';
import { serverKeywords } from './real-server.js';
import { virtualServerClose, virtualServerHandler, virtualServerKeywords } from './virtual-server.js';
import { groupAndSslRoots } from './virtual-server-group.js';

const roots: RootKeyword[] = [
  ...groupAndSslRoots,
  {
    name: 'virtual_server',
    section: 'check',
    handler: virtualServerHandler,
    // real_server's sub-table includes the checker blocks (checkers/index.ts).
    sub: [...virtualServerKeywords, ...serverKeywords],
    close: virtualServerClose,
  },
];

function serverAddress(a: SockAddr): ServerAddress {
  return { family: a.family === 0 ? 4 : a.family, address: addrText(a), port: a.port };
}

function forwarding(f: ForwardingDraft): Forwarding {
  // Validation gives every kept server a method; NAT is keepalived's default.
  return {
    method: f.method ?? 'NAT',
    tunnelType: f.tunnelType,
    tunnelPort: f.tunnelPort,
    tunnelChecksum: f.tunnelChecksum,
  };
}

function protocolName(p: number): Protocol | undefined {
  return p === PROTO.tcp ? 'tcp' : p === PROTO.udp ? 'udp' : p === PROTO.sctp ? 'sctp' : undefined;
}

function buildRealServer(rs: RealServerDraft): RealServerConfig {
  // Fields written out rather than spread from serverAddress(): V8 gives every object made by
  // a spread on its slow path a hidden class of its own (30,000 real servers, 30,000 classes).
  const a = rs.addr;
  return {
    family: a.family === 0 ? 4 : a.family,
    address: addrText(a),
    port: a.port,
    weight: rs.weight ?? 1,
    forwarding: forwarding(rs.forwarding),
    upperThreshold: rs.upperThreshold,
    lowerThreshold: rs.lowerThreshold,
    inhibitOnFailure: rs.inhibit ?? false,
    notifyUp: rs.notifyUp,
    notifyDown: rs.notifyDown,
    alpha: rs.alpha ?? false,
    retry: rs.retry,
    delayBeforeRetryUs: rs.delayBeforeRetryUs,
    warmupUs: rs.warmupUs,
    connectTimeoutUs: rs.connectTimeoutUs ?? DEFAULT_CONNECT_TIMEOUT_US,
    delayLoopUs: rs.delayLoopUs ?? DEFAULT_DELAY_LOOP_US,
    smtpAlert: rs.smtpAlert ?? true,
    virtualhost: rs.virtualhost,
    snmpName: rs.snmpName,
    // The checker blocks push only CheckerConfig values (checkers/state.ts).
    checkers: (rs.checkers as CheckerConfig[]).slice(),
  };
}

function key(vs: VirtualServerDraft): VirtualServerKey {
  if (vs.kind === 'group') return { kind: 'group', group: vs.groupName ?? '' };
  if (vs.kind === 'fwmark') return { kind: 'fwmark', fwmark: vs.fwmark };
  return { kind: 'address', address: addrText(vs.addr), port: vs.addr.port };
}

function buildVirtualServer(vs: VirtualServerDraft): VirtualServerConfig {
  const ss = vs.sorryServer;
  return {
    key: key(vs),
    family: vs.addr.family === 0 ? 4 : vs.addr.family,
    protocol: protocolName(vs.protocol),
    scheduler: vs.scheduler,
    flags: vs.flags,
    forwarding: forwarding(vs.forwarding),
    persistenceTimeoutS: vs.persistenceTimeoutS,
    persistenceGranularity: vs.persistenceGranularity,
    persistenceEngine: vs.persistenceEngine,
    haSuspend: vs.haSuspend,
    alpha: vs.alpha,
    omega: vs.omega,
    quorum: vs.quorum,
    hysteresis: vs.hysteresis,
    quorumUp: vs.quorumUp,
    quorumDown: vs.quorumDown,
    smtpAlert: vs.smtpAlert ?? false,
    virtualhost: vs.virtualhost,
    snmpName: vs.snmpName,
    weight: vs.weight,
    inhibitOnFailure: vs.inhibit,
    retry: vs.retry,
    delayBeforeRetryUs: vs.delayBeforeRetryUs,
    warmupUs: vs.warmupUs,
    connectTimeoutUs: vs.connectTimeoutUs,
    delayLoopUs: vs.delayLoopUs,
    sorryServer: ss && {
      ...serverAddress(ss.addr),
      inhibit: ss.inhibit,
      forwarding: forwarding(ss.forwarding),
    },
    realServers: vs.realServers.map(buildRealServer),
  };
}

export const checkSection: SectionModule<LvsConfig> = {
  name: 'check',
  roots: () => roots,
  validate: validateCheck,
  build: (ctx) => {
    const lvs = ctx.state(LVS);
    return {
      virtualServers: lvs.virtualServers.map(buildVirtualServer),
      virtualServerGroups: lvs.groups.map((g) => ({
        name: g.name,
        addressRanges: g.ranges.map((r) => ({
          family: r.start.family === 6 ? 6 : 4,
          start: addrText(r.start),
          end: addrText(r.end),
          port: r.start.port,
        })),
        fwmarks: g.fwmarks.map((f) => ({ ...f })),
      })),
      ssl: lvs.ssl && { ...lvs.ssl },
    };
  },
};
