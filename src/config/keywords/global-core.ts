/**
 * global_defs keywords for identity, mail, scripts, FIFOs, SNMP/D-Bus and reload behaviour
 * (global_parser.c). Messages are keepalived's, typos included, so logs grep the same.
 */
import { parseIpv4, parseIpv6 } from '../../base/ip.js';
import type { NotifyFifo, ScriptUser } from '../model/global.js';
import type { Keyword, ParseContext, Words } from '../parser.js';
import { readUnsigned } from '../values.js';
import { GLOBAL } from './global-draft.js';
import { resolvesHost } from './global-env.js';
import {
  defaultScriptUserOk,
  parseScriptCommand,
  resolveUser,
  setDefaultScriptUser,
} from './global-script-user.js';
import { includeCheck, umask } from './global-system.js';
import { flag, globalBool, optBool } from './global-util.js';

const TIMER_HZ = 1_000_000;
const UINT_MAX = 4294967295;
const SMTP_PORT = '25';

/** inet_stosockaddr()/domain_stosockaddr() for smtp_server: address or resolvable name. */
function smtpServer(ctx: ParseContext, w: Words): void {
  const host = w.at(1);
  const portStr = w.length >= 3 ? w.at(2) : SMTP_PORT;
  let ok = false;
  // keepalived reads the port once per attempt: a bad port is reported twice.
  const readPort = (): number | undefined => readUnsigned(ctx, portStr, 1, 65535, true);
  let port: number | undefined;
  if (!/[-/]/.test(host)) {
    port = readPort();
    if (port !== undefined) {
      ok = host.includes(':') ? parseIpv6(host).ok : parseIpv4(host).ok;
    }
  }
  if (!ok) {
    port = readPort();
    ok = port !== undefined && resolvesHost(ctx.env, host);
  }
  if (!ok || port === undefined) {
    ctx.report('general-error', `Invalid smtp server ${host} ${portStr}`);
    return;
  }
  ctx.state(GLOBAL).smtpServer = { host, port };
}

function startupShutdownScript(ctx: ParseContext, w: Words, startup: boolean): void {
  const type = startup ? 'startup' : 'shutdown';
  const g = ctx.state(GLOBAL);
  if ((startup ? g.startupScript : g.shutdownScript) !== undefined) {
    ctx.report('general-error', `${type} script already specified`);
    return;
  }
  if (w.length < 2) {
    ctx.report('general-error', `${type} script missing`);
    return;
  }
  const script = parseScriptCommand(ctx, w);
  if (!script) {
    ctx.report('general-error', `Invalid ${type} script`);
    return;
  }
  if (startup) {
    g.startupScript = script;
    if (!g.startupScriptTimeout) g.startupScriptTimeout = 10;
  } else {
    g.shutdownScript = script;
    if (!g.shutdownScriptTimeout) g.shutdownScriptTimeout = 10;
  }
}

function scriptTimeout(ctx: ParseContext, w: Words, startup: boolean): void {
  const type = startup ? 'startup' : 'shutdown';
  if (w.length < 2) {
    ctx.report('general-error', `${type}_script_timeout requires value`);
    return;
  }
  const v = readUnsigned(ctx, w.at(1), 1, 1000, true);
  if (v === undefined) {
    ctx.report('general-error', `${type}_script_timeout '${w.at(1)}' must be in [1, 1000] - ignoring`);
    return;
  }
  if (startup) ctx.state(GLOBAL).startupScriptTimeout = v;
  else ctx.state(GLOBAL).shutdownScriptTimeout = v;
}

type FifoPrefix = '' | 'vrrp_' | 'lvs_';
const FIFO_KEY = { '': 'notifyFifo', vrrp_: 'vrrpNotifyFifo', lvs_: 'lvsNotifyFifo' } as const;
const FIFO_SCRIPT_KEY = {
  '': 'notifyFifoScript',
  vrrp_: 'vrrpNotifyFifoScript',
  lvs_: 'lvsNotifyFifoScript',
} as const;

/** notify_fifo(): `NAME [user [group]]`; a bad user silently drops the FIFO (log only). */
function notifyFifo(ctx: ParseContext, w: Words, type: FifoPrefix): void {
  const g = ctx.state(GLOBAL);
  if (w.length < 2) {
    ctx.report('general-error', `No ${type}notify_fifo name specified`);
    return;
  }
  if (g[FIFO_KEY[type]] !== undefined) {
    ctx.report('general-error', `${type}notify_fifo already specified - ignoring ${w.at(1)}`);
    return;
  }
  let owner: ScriptUser | undefined;
  if (w.length > 2) {
    const user = w.at(2);
    const group = w.length > 3 ? w.at(3) : undefined;
    if (!resolveUser(ctx, user, group)) return;
    owner = group !== undefined ? { user, group } : { user };
  } else if (!defaultScriptUserOk(ctx)) return;
  const fifo: NotifyFifo = owner ? { path: w.at(1), owner } : { path: w.at(1) };
  g[FIFO_KEY[type]] = fifo;
}

function notifyFifoScript(ctx: ParseContext, w: Words, type: FifoPrefix): void {
  const g = ctx.state(GLOBAL);
  if (w.length < 2) {
    ctx.report('general-error', `No ${type}notify_fifo_script specified`);
    return;
  }
  if (g[FIFO_SCRIPT_KEY[type]] !== undefined) {
    ctx.report('general-error', `${type}notify_fifo_script already specified - ignoring ${w.at(1)}`);
    return;
  }
  // keepalived stores NULL silently when the script cannot be set up.
  g[FIFO_SCRIPT_KEY[type]] = parseScriptCommand(ctx, w);
}

export const coreKeywords: readonly Keyword[] = [
  {
    name: 'router_id',
    handler: (ctx, w) => {
      if (w.length < 2) ctx.report('general-error', 'routerid name missing - ignoring');
      else ctx.state(GLOBAL).routerId = w.at(1);
    },
  },
  {
    name: 'notification_email_from',
    handler: (ctx, w) => {
      if (w.length < 2) ctx.report('general-error', 'emailfrom missing - ignoring');
      else ctx.state(GLOBAL).notificationEmailFrom = w.at(1);
    },
  },
  { name: 'smtp_server', handler: smtpServer },
  {
    name: 'smtp_helo_name',
    handler: (ctx, w) => {
      if (w.length >= 2) ctx.state(GLOBAL).smtpHeloName = w.at(1);
    },
  },
  {
    name: 'smtp_connect_timeout',
    handler: (ctx, w) => {
      const max = Math.floor(UINT_MAX / TIMER_HZ);
      let v = readUnsigned(ctx, w.at(1), 0, max, true);
      if (v === undefined) {
        ctx.report('general-error', `smtp_connect_timeout '${w.at(1)}' must be in [0, ${max}] - ignoring`);
        return;
      }
      if (v === 0) {
        ctx.report('general-error', 'smtp_conect_timeout must be greater than 0, setting to 1');
        v = 1;
      }
      ctx.state(GLOBAL).smtpConnectTimeout = v * TIMER_HZ;
    },
  },
  {
    name: 'notification_email',
    handler: (ctx, w) => {
      const words = ctx.readValueBlock(w).flat();
      if (words.length === 0) ctx.report('general-error', 'Warning - empty notification_email block');
      else ctx.state(GLOBAL).notificationEmail.push(...words);
    },
  },
  { name: 'smtp_alert', handler: globalBool('smtpAlert', 'smtp_alert') },
  { name: 'startup_script', handler: (ctx, w) => startupShutdownScript(ctx, w, true) },
  { name: 'startup_script_timeout', handler: (ctx, w) => scriptTimeout(ctx, w, true) },
  { name: 'shutdown_script', handler: (ctx, w) => startupShutdownScript(ctx, w, false) },
  { name: 'shutdown_script_timeout', handler: (ctx, w) => scriptTimeout(ctx, w, false) },
  { name: 'smtp_alert_vrrp', handler: globalBool('smtpAlertVrrp', 'smtp_alert_vrrp') },
  { name: 'smtp_alert_checker', handler: globalBool('smtpAlertChecker', 'smtp_alert_checker') },
  {
    name: 'checker_log_all_failures',
    handler: optBool('checkerLogAllFailures', () => 'Invalid value for checker_log_all_failures specified'),
  },
  { name: 'no_email_faults', handler: flag('noEmailFaults') },
  { name: 'notify_fifo', handler: (ctx, w) => notifyFifo(ctx, w, '') },
  { name: 'notify_fifo_script', handler: (ctx, w) => notifyFifoScript(ctx, w, '') },
  { name: 'vrrp_notify_fifo', handler: (ctx, w) => notifyFifo(ctx, w, 'vrrp_') },
  { name: 'vrrp_notify_fifo_script', handler: (ctx, w) => notifyFifoScript(ctx, w, 'vrrp_') },
  {
    name: 'vrrp_notify_priority_changes',
    handler: globalBool('vrrpNotifyPriorityChanges', 'vrrp_notify_priority_changes'),
  },
  { name: 'fifo_write_vrrp_states_on_reload', handler: flag('fifoWriteVrrpStatesOnReload') },
  { name: 'lvs_notify_fifo', handler: (ctx, w) => notifyFifo(ctx, w, 'lvs_') },
  { name: 'lvs_notify_fifo_script', handler: (ctx, w) => notifyFifoScript(ctx, w, 'lvs_') },
  {
    name: 'snmp_socket',
    handler: (ctx, w) => {
      const g = ctx.state(GLOBAL);
      if (w.length > 2)
        ctx.report('general-error', 'Too many parameters specified for snmp_socket - ignoring');
      else if (w.length < 2) ctx.report('general-error', 'SNMP error : snmp socket name missing');
      else if (w.at(1).length > 4095)
        ctx.report('general-error', 'SNMP error : snmp socket name too long - ignored');
      else if (g.snmpSocket !== undefined)
        ctx.report('general-error', `SNMP socket already set to ${g.snmpSocket} - ignoring`);
      else g.snmpSocket = w.at(1);
    },
  },
  { name: 'enable_traps', handler: flag('enableTraps') },
  { name: 'enable_snmp_vrrp', handler: flag('enableSnmpVrrp') },
  { name: 'enable_snmp_keepalived', handler: flag('enableSnmpVrrp') },
  {
    name: 'enable_snmp_rfc',
    handler: (ctx) => {
      ctx.state(GLOBAL).enableSnmpRfcv2 = true;
      ctx.state(GLOBAL).enableSnmpRfcv3 = true;
    },
  },
  { name: 'enable_snmp_rfcv2', handler: flag('enableSnmpRfcv2') },
  { name: 'enable_snmp_rfcv3', handler: flag('enableSnmpRfcv3') },
  { name: 'enable_snmp_checker', handler: flag('enableSnmpChecker') },
  { name: 'enable_dbus', handler: flag('enableDbus') },
  {
    name: 'dbus_service_name',
    handler: (ctx, w) => {
      if (w.length < 2) ctx.report('general-error', 'dbus_service_name missing - ignoring');
      else ctx.state(GLOBAL).dbusServiceName = w.at(1);
    },
  },
  {
    name: 'script_user',
    handler: (ctx, w) => {
      if (w.length < 2) {
        ctx.report('general-error', 'No script username specified');
        return;
      }
      const user = w.at(1);
      const group = w.length > 2 ? w.at(2) : undefined;
      if (!setDefaultScriptUser(ctx, user, group)) {
        ctx.report('general-error', 'Error setting global script uid/gid');
        return;
      }
      ctx.state(GLOBAL).scriptUser = group !== undefined ? { user, group } : { user };
    },
  },
  { name: 'enable_script_security', handler: flag('enableScriptSecurity') },
  { name: 'umask', handler: umask },
  {
    name: 'random_seed',
    handler: (ctx, w) => {
      const v = readUnsigned(ctx, w.at(1), 0, UINT_MAX, false);
      if (v === undefined) ctx.report('general-error', `random_seed ${w.at(1)} invalid`);
      else ctx.state(GLOBAL).randomSeed = v;
    },
  },
  {
    name: 'reload_check_config',
    handler: (ctx, w) => {
      ctx.state(GLOBAL).reloadCheckConfig = w.length >= 2 ? w.at(1) : '/dev/null';
    },
  },
  {
    name: 'reload_time_file',
    handler: (ctx, w) => {
      if (w.length !== 2) ctx.report('general-error', 'reload_time_file invalid');
      else ctx.state(GLOBAL).reloadTimeFile = w.at(1);
    },
  },
  { name: 'reload_repeat', handler: flag('reloadRepeat') },
  {
    name: 'reload_file',
    handler: (ctx, w) => {
      ctx.state(GLOBAL).reloadFile = w.length >= 2 ? w.at(1) : 'default';
    },
  },
  { name: 'include_check', handler: includeCheck },
  {
    name: 'config_save_dir',
    handler: (ctx, w) => {
      // The parent creates a missing directory (even under -t); we only record it.
      ctx.state(GLOBAL).configSaveDir = w.at(1).replace(/\/$/, '');
    },
  },
  {
    name: 'tmp_config_directory',
    handler: (ctx, w) => {
      const g = ctx.state(GLOBAL);
      if (g.tmpConfigDirectory !== undefined)
        ctx.report('general-error', `${w.at(0)} already specified - ignoring`);
      else if (w.length >= 2) g.tmpConfigDirectory = w.at(1);
      else ctx.report('general-error', `${w.at(0)} missing directory name`);
    },
  },
  {
    name: 'data_use_instance',
    handler: optBool('dataUseInstance', (v) => `Invalid value '${v}' for global date_use_instance specified`),
  },
];
