/**
 * real_server blocks and the sorry_server keywords of a virtual_server (keepalived
 * check/check_parser.c rs_handler .. rs_end_handler, ssvr_handler; check_data.c alloc_rs,
 * alloc_ssvr).
 */
import type { Keyword, ParseContext, Words } from '../parser.js';
import { addrText, meaningfulPort, parseSockAddr } from './check-addr.js';
import {
  parseForwarding,
  readCheckScript,
  readOptionalBool,
  readTimerOr,
  readUnsignedOr,
} from './check-common.js';
import { currentRealServer, currentVirtualServer, type RealServerDraft } from './check-state.js';
import { checkerKeywords } from './checkers/index.js';
import { IPVS_WEIGHT_LIMIT } from './virtual-server.js';

const UINT_MAX = 4294967295;

function realServerHandler(ctx: ParseContext, w: Words): void {
  const vs = currentVirtualServer(ctx);
  const ip = w.at(1);
  const portWord = w.words[2];
  const addr = parseSockAddr(ctx, ip, meaningfulPort(portWord));
  if (!addr) {
    ctx.report(
      'general-error',
      `Invalid real server ip address/port ${ip}/${portWord ?? '(null)'} - skipping`,
    );
    ctx.skipBlock(true);
    return;
  }
  if (!vs) return;
  vs.realServers.push({
    address: ip,
    port: portWord,
    loc: ctx.loc(),
    addr,
    // The real server starts with the virtual server's method as set so far.
    forwarding: { ...vs.forwarding },
    weight: undefined,
    upperThreshold: 0,
    lowerThreshold: 0,
    inhibit: undefined,
    alpha: undefined,
    retry: undefined,
    connectTimeoutUs: undefined,
    delayLoopUs: undefined,
    warmupUs: undefined,
    delayBeforeRetryUs: undefined,
    smtpAlert: undefined,
    virtualhost: undefined,
    snmpName: undefined,
    notifyUp: undefined,
    notifyDown: undefined,
    checkers: [],
  });
}

/** rs_end_handler: unless tunnelled, the real server fixes or must match the family. */
function realServerClose(ctx: ParseContext): void {
  const vs = currentVirtualServer(ctx);
  const rs = vs?.realServers.at(-1);
  if (!vs || !rs || rs.forwarding.method === 'TUN') return;
  if (vs.addr.family === 0) vs.addr.family = rs.addr.family;
  else if (vs.addr.family !== rs.addr.family) {
    ctx.report(
      'general-error',
      `Address family of virtual server and real server ${addrText(rs.addr)} don't match - skipping real server.`,
    );
    vs.realServers.pop();
  }
}

type RsHandler = (ctx: ParseContext, w: Words, rs: RealServerDraft) => void;

function rsKeyword(name: string, h: RsHandler): Keyword {
  return {
    name,
    handler: (ctx, w) => {
      const rs = currentRealServer(ctx);
      if (rs) h(ctx, w, rs);
    },
  };
}

const notifyScript =
  (which: 'notifyUp' | 'notifyDown', name: string): RsHandler =>
  (ctx, w, rs) => {
    if (rs[which]) {
      const group = currentVirtualServer(ctx)?.groupName ?? '(null)';
      ctx.report('general-error', `(${group}) ${name} script already specified - ignoring ${w.at(1)}`);
      return;
    }
    rs[which] = readCheckScript(ctx, w);
  };

const realServerKeywords: Keyword[] = [
  rsKeyword('weight', (ctx, w, rs) => {
    const v = readUnsignedOr(
      ctx,
      w,
      0,
      IPVS_WEIGHT_LIMIT,
      true,
      (s) => `Real server weight ${s} is outside range 0-${IPVS_WEIGHT_LIMIT}`,
    );
    if (v !== undefined) rs.weight = v;
  }),
  rsKeyword('lvs_method', (ctx, w, rs) => parseForwarding(ctx, rs.forwarding, w, 'real')),
  rsKeyword('uthreshold', (ctx, w, rs) => {
    const v = readUnsignedOr(
      ctx,
      w,
      0,
      UINT_MAX,
      true,
      (s) => `Invalid real_server uthreshold '${s}' - ignoring`,
    );
    if (v !== undefined) rs.upperThreshold = v;
  }),
  rsKeyword('lthreshold', (ctx, w, rs) => {
    const v = readUnsignedOr(
      ctx,
      w,
      0,
      UINT_MAX,
      true,
      (s) => `Invalid real_server lthreshold '${s}' - ignoring`,
    );
    if (v !== undefined) rs.lowerThreshold = v;
  }),
  rsKeyword('inhibit_on_failure', (ctx, w, rs) => {
    const v = readOptionalBool(ctx, w, 'inhibit_on_failure');
    if (v !== undefined) rs.inhibit = v;
  }),
  rsKeyword('notify_up', notifyScript('notifyUp', 'notify_up')),
  rsKeyword('notify_down', notifyScript('notifyDown', 'notify_down')),
  rsKeyword('alpha', (ctx, w, rs) => {
    const v = readOptionalBool(ctx, w, 'alpha');
    if (v !== undefined) rs.alpha = v;
  }),
  rsKeyword('retry', (ctx, w, rs) => {
    const v = readUnsignedOr(ctx, w, 1, UINT_MAX, false, (s) => `retry value invalid - ${s}`);
    if (v !== undefined) rs.retry = v;
  }),
  rsKeyword('delay_before_retry', (ctx, w, rs) => {
    const v = readTimerOr(ctx, w, 0, 0, (s) => `real server delay_before_retry '${s}' invalid - ignoring`);
    if (v !== undefined) rs.delayBeforeRetryUs = v;
  }),
  rsKeyword('warmup', (ctx, w, rs) => {
    const v = readTimerOr(ctx, w, 0, 0, (s) => `real server warmup '${s}' invalid - ignoring`);
    if (v !== undefined) rs.warmupUs = v;
  }),
  rsKeyword('connect_timeout', (ctx, w, rs) => {
    const v = readTimerOr(ctx, w, 1, UINT_MAX, (s) => `real server connect_timeout ${s} invalid - ignoring`);
    if (v !== undefined) rs.connectTimeoutUs = v;
  }),
  rsKeyword('delay_loop', (ctx, w, rs) => {
    const v = readTimerOr(ctx, w, 1, 0, (s) => `real server delay_loop '${s}' invalid - ignoring`);
    if (v !== undefined) rs.delayLoopUs = v;
  }),
  rsKeyword('smtp_alert', (ctx, w, rs) => {
    const v = readOptionalBool(ctx, w, 'real_server smtp_alert');
    if (v !== undefined) rs.smtpAlert = v;
  }),
  rsKeyword('virtualhost', (ctx, w, rs) => {
    if (!w.has(1)) ctx.report('general-error', 'real server virtualhost missing');
    else rs.virtualhost = w.at(1);
  }),
  rsKeyword('snmp_name', (ctx, w, rs) => {
    if (w.length !== 2) ctx.report('general-error', 'real server snmp_name missing or extra parameters');
    else rs.snmpName = w.at(1);
  }),
];

let realServerTable: readonly Keyword[] | undefined;

/** sorry_server, sorry_server_inhibit, sorry_server_lvs_method and real_server. */
export const serverKeywords: Keyword[] = [
  {
    name: 'sorry_server',
    handler: (ctx, w) => {
      const vs = currentVirtualServer(ctx);
      const ip = w.at(1);
      const addr = parseSockAddr(ctx, ip, meaningfulPort(w.words[2]));
      if (!addr) {
        ctx.report('general-error', `Invalid sorry server IP address ${ip} - skipping`);
        return;
      }
      if (vs) vs.sorryServer = { addr, forwarding: { ...vs.forwarding }, inhibit: false };
    },
  },
  {
    name: 'sorry_server_inhibit',
    handler: (ctx) => {
      const ss = currentVirtualServer(ctx)?.sorryServer;
      if (ss) ss.inhibit = true;
      else ctx.report('general-error', 'Ignoring sorry_server inhibit used before or without sorry_server');
    },
  },
  {
    name: 'sorry_server_lvs_method',
    handler: (ctx, w) => {
      const ss = currentVirtualServer(ctx)?.sorryServer;
      if (ss) parseForwarding(ctx, ss.forwarding, w, 'sorry');
      else ctx.report('general-error', 'sorry_server forwarding used without sorry_server');
    },
  },
  {
    name: 'real_server',
    handler: realServerHandler,
    // Read when the block is parsed, not at import: checkers/ imports check-state.ts too. Made
    // once: the parser indexes each table by its identity.
    get sub(): readonly Keyword[] {
      realServerTable ??= [...realServerKeywords, ...checkerKeywords];
      return realServerTable;
    },
    close: realServerClose,
  },
];
