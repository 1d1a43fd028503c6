/**
 * The virtual_server block's own keywords (keepalived check/check_parser.c vs_handler and
 * the handlers installed after it); real_server and sorry_server are in real-server.ts.
 */
import { IPVS_SVC_F } from '../model/lvs.js';
import type { Keyword, ParseContext, Words } from '../parser.js';
import { readUnsigned } from '../values.js';
import { addrText, meaningfulPort, PROTO, parseSockAddr } from './check-addr.js';
import {
  parseForwarding,
  readCheckScript,
  readOptionalBool,
  readTimerOr,
  readUnsignedOr,
} from './check-common.js';
import {
  currentVirtualServer,
  DEFAULT_PERSISTENCE_TIMEOUT_S,
  LVS,
  newVirtualServer,
  type VirtualServerDraft,
} from './check-state.js';

const UINT_MAX = 4294967295;
/** IPVS_WEIGHT_LIMIT (INT32_MAX). */
export const IPVS_WEIGHT_LIMIT = 2147483647;
/** LVS_MAX_TIMEOUT: 31 days. */
const LVS_MAX_TIMEOUT_S = 86400 * 31;
/** IP_VS_PENAME_MAXLEN. */
const PE_NAME_MAX = 16;
const SCHEDULERS = new Set([
  'rr',
  'wrr',
  'lc',
  'wlc',
  'lblc',
  'sh',
  'mh',
  'dh',
  'fo',
  'ovf',
  'lblcr',
  'sed',
  'nq',
  'twos',
]);

/** `virtual_server IP PORT | fwmark N | group NAME` (alloc_vs). */
export function virtualServerHandler(ctx: ParseContext, w: Words): void {
  const p1 = w.at(1);
  const p2 = w.words[2];
  const vs = newVirtualServer(w.from(1));
  if (p1 === 'group') {
    // keepalived dereferences the missing name and crashes; we stop as for a missing value.
    vs.kind = 'group';
    vs.groupName = w.at(2);
  } else if (p1 === 'fwmark') {
    const fwmark = readUnsigned(ctx, w.at(2), 0, UINT_MAX, true);
    if (fwmark === undefined) {
      ctx.report(
        'general-error',
        `virtual server fwmark '${w.at(2)}' must be in [0, ${UINT_MAX}] - ignoring`,
      );
      ctx.skipBlock(true);
      return;
    }
    vs.kind = 'fwmark';
    vs.fwmark = fwmark;
  } else {
    const port = meaningfulPort(p2);
    const addr = parseSockAddr(ctx, p1, port);
    if (!addr) {
      ctx.report(
        'general-error',
        `Invalid virtual server IP address${port ? '/port' : ''} ${p1}${port ? `/${port}` : ''} - skipping`,
      );
      ctx.skipBlock(true);
      return;
    }
    vs.addr = addr;
  }
  ctx.state(LVS).virtualServers.push(vs);
}

/** vs_end_handler: the family from the sorry server or, for fwmarks, from the real servers. */
export function virtualServerClose(ctx: ParseContext): void {
  const vs = currentVirtualServer(ctx);
  if (!vs) return;
  const ss = vs.sorryServer;
  if (ss && ss.forwarding.method !== 'TUN') {
    if (vs.addr.family === 0) vs.addr.family = ss.addr.family;
    else if (vs.addr.family !== ss.addr.family) {
      ctx.report(
        'general-error',
        `Address family of virtual server and sorry server ${addrText(ss.addr)} don't match - skipping sorry server.`,
      );
      vs.sorryServer = undefined;
    }
  }
  if (vs.addr.family === 0 && vs.groupName === undefined) {
    // Only tunnelled servers left the family open: take theirs if they agree, else IPv4.
    let af = vs.sorryServer?.addr.family ?? 0;
    let mixed = false;
    for (const rs of vs.realServers) {
      if (af === 0) af = rs.addr.family;
      else if (af !== rs.addr.family) {
        mixed = true;
        break;
      }
    }
    vs.addr.family = mixed || af === 0 ? 4 : af;
  }
}

type VsHandler = (ctx: ParseContext, w: Words, vs: VirtualServerDraft) => void;

/** A keyword acting on the current virtual server (ignored if there is none). */
function vsKeyword(name: string, h: VsHandler): Keyword {
  return {
    name,
    handler: (ctx, w) => {
      const vs = currentVirtualServer(ctx);
      if (vs) h(ctx, w, vs);
    },
  };
}

const lbAlgo: VsHandler = (ctx, w, vs) => {
  const s = w.at(1);
  if (!SCHEDULERS.has(s)) ctx.report('general-error', `Invalid lvs_scheduler '${s}' - ignoring`);
  else vs.scheduler = s;
};

/** hashed / ops / flag-N / sh-* / mh-*, in keepalived's order of tests. */
const lbFlags: VsHandler = (ctx, w, vs) => {
  const s = w.at(0);
  if (s === 'ops') vs.flags |= IPVS_SVC_F.onePacket;
  else if (s === 'flag-1') vs.flags |= IPVS_SVC_F.sched1;
  else if (s === 'flag-2') vs.flags |= IPVS_SVC_F.sched2;
  else if (s === 'flag-3') vs.flags |= IPVS_SVC_F.sched3;
  else if (vs.scheduler === 'sh') {
    if (s === 'sh-port') vs.flags |= IPVS_SVC_F.sched2;
    if (s === 'sh-fallback') vs.flags |= IPVS_SVC_F.sched1;
  } else if (vs.scheduler === 'mh') {
    if (s === 'mh-port') vs.flags |= IPVS_SVC_F.sched2;
    if (s === 'mh-fallback') vs.flags |= IPVS_SVC_F.sched1;
  } else ctx.report('general-error', `${s} only applies to sh scheduler - ignoring`);
};

const ipFamily: VsHandler = (ctx, w, vs) => {
  const s = w.at(1);
  const af = s === 'inet' ? 4 : s === 'inet6' ? 6 : undefined;
  if (af === undefined) ctx.report('general-error', `unknown address family ${s}`);
  else if (vs.addr.family !== 0 && vs.addr.family !== af)
    ctx.report('general-error', `Virtual server specified family ${s} conflicts with server family`);
  else vs.addr.family = af;
};

const persistenceTimeout: VsHandler = (ctx, w, vs) => {
  if (!w.has(1)) {
    vs.persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
    return;
  }
  const v = readUnsigned(ctx, w.at(1), 1, LVS_MAX_TIMEOUT_S, false);
  if (v === undefined) ctx.report('general-error', 'persistence_timeout invalid');
  else vs.persistenceTimeoutS = v;
};

const persistenceGranularity: VsHandler = (ctx, w, vs) => {
  const s = w.at(1);
  const af = vs.addr.family !== 0 ? vs.addr.family : s.includes('.') ? 4 : 6;
  if (af === 6) {
    const v = readUnsigned(ctx, s, 1, 128, false);
    if (v === undefined) {
      ctx.report('general-error', `Invalid IPv6 persistence_granularity specified - ${s}`);
      return;
    }
    vs.persistenceGranularity = v;
  } else {
    const mask = inetAton(s);
    if (mask === undefined) {
      ctx.report('general-error', `Invalid IPv4 persistence_granularity specified - ${s}`);
      return;
    }
    vs.persistenceGranularity = mask;
  }
  if (vs.addr.family === 0) vs.addr.family = af;
  if (!vs.persistenceTimeoutS) vs.persistenceTimeoutS = DEFAULT_PERSISTENCE_TIMEOUT_S;
};

/**
 * glibc's numeric getaddrinfo for AF_INET (inet_aton, whole string): 1 to 4 parts, each
 * decimal, 0x-hex or 0-octal, the last part filling the remaining bytes.
 */
export function inetAton(s: string): string | undefined {
  const parts = s.split('.');
  if (parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) n = p.length === 2 ? 0 : Number.parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = Number.parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) n = Number(p);
    else return undefined;
    nums.push(n);
  }
  const last = nums.pop() as number;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) return undefined;
  let v = last;
  nums.forEach((n, i) => {
    v += n * 2 ** (8 * (3 - i));
  });
  return [24, 16, 8, 0].map((sh) => Math.floor(v / 2 ** sh) % 256).join('.');
}

const protocol: VsHandler = (ctx, w, vs) => {
  const s = w.at(1).toUpperCase();
  if (s === 'TCP') vs.protocol = PROTO.tcp;
  else if (s === 'SCTP') vs.protocol = PROTO.sctp;
  else if (s === 'UDP') vs.protocol = PROTO.udp;
  else ctx.report('general-error', `Unknown protocol ${w.at(1)} - ignoring`);
};

const quorumScript =
  (which: 'quorumUp' | 'quorumDown', name: string): VsHandler =>
  (ctx, w, vs) => {
    if (vs[which]) {
      ctx.report(
        'general-error',
        `(${vs.groupName ?? '(null)'}) ${name} script already specified - ignoring ${w.at(1)}`,
      );
      return;
    }
    vs[which] = readCheckScript(ctx, w);
  };

/** The virtual_server sub-keywords other than real_server and sorry_server*. */
export const virtualServerKeywords: Keyword[] = [
  vsKeyword('ip_family', ipFamily),
  vsKeyword('retry', (ctx, w, vs) => {
    const v = readUnsignedOr(ctx, w, 1, UINT_MAX, false, (s) => `retry value invalid - ${s}`);
    if (v !== undefined) vs.retry = v;
  }),
  vsKeyword('delay_before_retry', (ctx, w, vs) => {
    const v = readTimerOr(ctx, w, 0, 0, (s) => `virtual server delay before retry '${s}' invalid - ignoring`);
    if (v !== undefined) vs.delayBeforeRetryUs = v;
  }),
  vsKeyword('warmup', (ctx, w, vs) => {
    const v = readTimerOr(ctx, w, 0, 0, (s) => `virtual server warmup '${s}' invalid - ignoring`);
    if (v !== undefined) vs.warmupUs = v;
  }),
  vsKeyword('connect_timeout', (ctx, w, vs) => {
    const v = readTimerOr(
      ctx,
      w,
      1,
      UINT_MAX,
      (s) => `virtual server connect_timeout ${s} invalid - ignoring`,
    );
    if (v !== undefined) vs.connectTimeoutUs = v;
  }),
  vsKeyword('delay_loop', (ctx, w, vs) => {
    const v = readTimerOr(ctx, w, 1, 0, (s) => `virtual server delay loop '${s}' invalid - ignoring`);
    if (v !== undefined) vs.delayLoopUs = v;
  }),
  vsKeyword('inhibit_on_failure', (_ctx, _w, vs) => {
    vs.inhibit = true;
  }),
  vsKeyword('lb_algo', lbAlgo),
  vsKeyword('lvs_sched', lbAlgo),
  ...['hashed', 'ops', 'flag-1', 'flag-2', 'flag-3', 'sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'].map(
    (n) => vsKeyword(n, lbFlags),
  ),
  vsKeyword('lb_kind', (ctx, w, vs) => parseForwarding(ctx, vs.forwarding, w, 'virtual')),
  vsKeyword('lvs_method', (ctx, w, vs) => parseForwarding(ctx, vs.forwarding, w, 'virtual')),
  vsKeyword('persistence_engine', (ctx, w, vs) => {
    const s = w.at(1);
    if (s.length > PE_NAME_MAX) ctx.report('general-error', `persistence_name too long, truncating - ${s}`);
    vs.persistenceEngine = s.slice(0, PE_NAME_MAX);
  }),
  vsKeyword('persistence_timeout', persistenceTimeout),
  vsKeyword('persistence_granularity', persistenceGranularity),
  vsKeyword('protocol', protocol),
  vsKeyword('ha_suspend', (_ctx, _w, vs) => {
    vs.haSuspend = true;
  }),
  vsKeyword('smtp_alert', (ctx, w, vs) => {
    const v = readOptionalBool(ctx, w, 'virtual_server smtp_alert');
    if (v !== undefined) vs.smtpAlert = v;
  }),
  vsKeyword('virtualhost', (ctx, w, vs) => {
    if (!w.has(1)) ctx.report('general-error', 'virtual server virtualhost missing');
    else vs.virtualhost = w.at(1);
  }),
  vsKeyword('snmp_name', (ctx, w, vs) => {
    if (w.length !== 2) ctx.report('general-error', 'virtual server snmp_name missing or extra parameters');
    else vs.snmpName = w.at(1);
  }),
  vsKeyword('alpha', (_ctx, _w, vs) => {
    vs.alpha = true;
  }),
  vsKeyword('omega', (_ctx, _w, vs) => {
    vs.omega = true;
  }),
  vsKeyword('quorum_up', quorumScript('quorumUp', 'quorum_up')),
  vsKeyword('quorum_down', quorumScript('quorumDown', 'quorum_down')),
  vsKeyword('quorum', (ctx, w, vs) => {
    const v = readUnsigned(ctx, w.at(1), 1, UINT_MAX, true);
    if (v === undefined)
      ctx.report('general-error', `Quorum ${w.at(1)} must be in [1, ${UINT_MAX}]. Setting to 1.`);
    vs.quorum = v ?? 1;
  }),
  vsKeyword('hysteresis', (ctx, w, vs) => {
    const v = readUnsignedOr(
      ctx,
      w,
      0,
      UINT_MAX,
      true,
      (s) => `Hysteresis ${s} must be in [0, ${UINT_MAX}] - ignoring`,
    );
    if (v !== undefined) vs.hysteresis = v;
  }),
  vsKeyword('weight', (ctx, w, vs) => {
    const v = readUnsignedOr(
      ctx,
      w,
      1,
      IPVS_WEIGHT_LIMIT,
      true,
      (s) => `Virtual server weight ${s} is outside range 1-${IPVS_WEIGHT_LIMIT}`,
    );
    if (v !== undefined) vs.weight = v;
  }),
];
