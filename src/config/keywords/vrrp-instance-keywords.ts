/**
 * vrrp_instance keywords that take a single value or flag (keepalived 2.2.7
 * vrrp/vrrp_parser.c): state, priority, timers, GARP settings, notify scripts, booleans.
 * Each handler works on the instance being read and reports as keepalived does.
 */
import type { Keyword, ParseContext, Words } from '../parser.js';
import { parseTrueFalse, readDecimal, readInt, readUnsigned } from '../values.js';
import { parseScriptCommand } from './global-script-user.js';
import { currentInstance, VRRP_INSTANCES, type VrrpInstanceDraft } from './vrrp-instance-draft.js';

const TIMER_HZ = 1_000_000;
const UINT_MAX = 4294967295;
const INT_MAX = 2147483647;
/** keepalived's TIMER_MAX_SEC (preempt_delay's limit). */
const TIMER_MAX_SEC = 1000;
export const VRRP_PRIO_OWNER = 255;
export const VRRP_PRIO_DFL = 100;

export type InstanceHandler = (ctx: ParseContext, w: Words, v: VrrpInstanceDraft) => void;

/** A keyword whose handler runs on the current instance (none after a refused block). */
export function kw(name: string, handler: InstanceHandler): Keyword {
  return {
    name,
    handler: (ctx, w) => {
      const v = currentInstance(ctx);
      if (v) handler(ctx, w, v);
    },
  };
}

/** `KEYWORD [true|false]` (default true) with keepalived's "(NAME) invalid KEYWORD X specified". */
function flag(name: string, set: (v: VrrpInstanceDraft, value: boolean) => void): Keyword {
  return kw(name, (ctx, w, v) => {
    if (!w.has(1)) return set(v, true);
    const res = parseTrueFalse(w.at(1));
    if (res === undefined) ctx.report('general-error', `(${v.name}) invalid ${name} ${w.at(1)} specified`);
    else set(v, res);
  });
}

function stateHandler(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  const str = w.at(1);
  if (str === 'MASTER') v.wantState = 'MASTER';
  else if (str === 'BACKUP') {
    if (v.wantState === 'MASTER')
      ctx.report('general-error', `(${v.name}) state previously set as MASTER - ignoring BACKUP`);
    else v.wantState = 'BACKUP';
  } else {
    ctx.report('general-error', `(${v.name}) unknown state '${str}', defaulting to BACKUP`);
    v.wantState = 'BACKUP';
  }
}

function versionHandler(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  const version = readInt(ctx, w.at(1), 2, 3, true);
  if (version === undefined) {
    ctx.report('general-error', `(${v.name}): Version must be either 2 or 3`);
    return;
  }
  if ((v.version !== 0 && v.version !== version) || (version === 2 && v.family === 6)) {
    ctx.report(
      'general-error',
      `(${v.name}) vrrp_version ${version} conflicts with configured or deduced version ${v.version}; ignoring.`,
    );
    return;
  }
  v.version = version as 2 | 3;
}

/** The notify_* keywords: one script each; a second one is refused. */
type NotifySlot = 'backup' | 'master' | 'fault' | 'stop' | 'notify' | 'masterRxLowerPri';

function notifyKw(name: string, slot: NotifySlot, what: string): Keyword {
  return kw(name, (ctx, w, v) => {
    if (v.notify[slot]) {
      ctx.report('general-error', `(${v.name}) ${what} already specified - ignoring ${w.at(1)}`);
      return;
    }
    const s = parseScriptCommand(ctx, w);
    if (s) v.notify[slot] = s;
  });
}

function notifyDeleted(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  if (v.notifyDeleted) {
    ctx.report(
      'general-error',
      `(${v.name}) notify_deleted already specified - ignoring ${w.has(1) ? w.at(1) : ''}`,
    );
    return;
  }
  if (w.has(1)) {
    const s = parseScriptCommand(ctx, w);
    if (s) v.notify.deleted = s;
  }
  v.notifyDeleted = true;
}

/** garp_master_repeat / garp_master_refresh_repeat: 0 is taken as 1 (pre-2.0.7 configs). */
function repeatKw(name: string, set: (v: VrrpInstanceDraft, n: number) => void): Keyword {
  return kw(name, (ctx, w, v) => {
    let n = readUnsigned(ctx, w.at(1), 0, UINT_MAX, true);
    if (n === undefined) {
      ctx.report('general-error', `(${v.name}): ${name} '${w.at(1)}' invalid - ignoring`);
      return;
    }
    if (n === 0) {
      ctx.report('general-error', `(${v.name}): ${name} must be greater than 0, setting to 1`);
      n = 1;
    }
    set(v, n);
  });
}

function garpExtraIf(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  const cmd = w.at(0);
  if (cmd === 'vmac_garp_intvl')
    ctx.report('deprecated', 'Keyword "vmac_garp_intvl" is deprecated - please use "garp_extra_if"');
  let delay: number | undefined;
  for (let i = 1; i < w.length; i++) {
    const word = w.at(i);
    if (word === 'all') v.garpExtraIfAll = true;
    else {
      const d = readUnsigned(ctx, word, 0, 86400, true);
      if (d === undefined) {
        ctx.report('general-error', `(${v.name}): ${cmd} '${word}' invalid - ignoring`);
        return;
      }
      delay = d;
    }
  }
  if (delay === undefined) {
    ctx.report('general-error', `(${v.name}): ${cmd} specified without time - ignoring`);
    return;
  }
  v.garpExtraIfS = delay;
}

function smtpAlert(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  let res = true;
  if (w.has(1)) {
    const r = parseTrueFalse(w.at(1));
    if (r === undefined) {
      ctx.report('general-error', `Invalid vrrp_instance smtp_alert parameter ${w.at(1)}`);
      return;
    }
    res = r;
  }
  v.smtpAlert = res;
}

function notifyPriorityChanges(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  let res = true;
  if (w.has(1)) {
    const r = parseTrueFalse(w.at(1));
    if (r === undefined) {
      ctx.report(
        'general-error',
        `(${v.name}) Invalid value '${w.at(1)}' for notify_priority_changes specified`,
      );
      return;
    }
    res = r;
  }
  v.notifyPriorityChanges = res;
}

function lvsSyncDaemonInterface(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  ctx.report(
    'general-error',
    `(${v.name}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.`,
  );
  ctx.report(
    'general-error',
    `      ${' '.repeat(Math.max(0, v.name.length - 2))}Please use global lvs_sync_daemon`,
  );
  const st = ctx.state(VRRP_INSTANCES);
  if (st.lvsSyncdInterface !== undefined) {
    ctx.report(
      'general-error',
      `(${v.name}) lvs_sync_daemon_interface has already been specified as ${st.lvsSyncdInterface} - ignoring`,
    );
    return;
  }
  st.lvsSyncdInterface = w.from(1);
  st.lvsSyncdInstance = v.name;
}

function authPass(ctx: ParseContext, w: Words, v: VrrpInstanceDraft): void {
  let str = w.at(1);
  // auth_data is 8 bytes; keepalived copies at most that many.
  const bytes = Buffer.from(str);
  if (bytes.length > 8) {
    ctx.report('general-error', 'Truncating auth_pass to 8 characters');
    str = bytes.subarray(0, 8).toString('latin1');
  }
  v.authPass = str;
}

export const authenticationKeywords: readonly Keyword[] = [
  kw('auth_type', (ctx, w, v) => {
    const str = w.at(1);
    if (str === 'AH') v.authType = 'AH';
    else if (str === 'PASS') v.authType = 'PASS';
    else ctx.report('general-error', `(${v.name}) unknown authentication type '${str}'`);
  }),
  kw('auth_pass', authPass),
];

export const simpleInstanceKeywords: readonly Keyword[] = [
  kw('state', stateHandler),
  kw('virtual_router_id', (ctx, w, v) => {
    const vrid = readUnsigned(ctx, w.at(1), 1, 255, false);
    if (vrid === undefined)
      ctx.report('general-error', `(${v.name}): VRID '${w.at(1)}' not valid - must be between 1 & 255`);
    else v.vrid = vrid;
  }),
  kw('unicast_ttl', (ctx, w, v) => {
    const ttl = readUnsigned(ctx, w.at(1), 0, 255, false);
    if (ttl === undefined)
      ctx.report('general-error', `(${v.name}): TTL '${w.at(1)}' not valid - must be between 0 & 255`);
    else v.ttl = ttl;
  }),
  kw('version', versionHandler),
  kw('priority', (ctx, w, v) => {
    const p = readUnsigned(ctx, w.at(1), 1, VRRP_PRIO_OWNER, false);
    if (p === undefined) {
      ctx.report(
        'general-error',
        `(${v.name}) Priority not valid! must be between 1 & ${VRRP_PRIO_OWNER}. Using default ${VRRP_PRIO_DFL}`,
      );
      v.priority = VRRP_PRIO_DFL;
    } else v.priority = p;
  }),
  kw('advert_int', (ctx, w, v) => {
    const us = readDecimal(ctx, w.at(1), TIMER_HZ / 100, 255 * TIMER_HZ, 6, true);
    if (us === undefined || us <= 0)
      ctx.report(
        'general-error',
        `(${v.name}) Advert interval (${w.at(1)}) not valid! Must be > 0 - ignoring`,
      );
    else v.advertIntUs = us;
  }),
  kw('debug', (ctx, w, v) => {
    const d = readUnsigned(ctx, w.at(1), 0, 4, true);
    if (d === undefined)
      ctx.report('general-error', `(${v.name}) Debug value '${w.at(1)}' not valid; must be between 0-4`);
    else v.debug = d;
  }),
  kw('skip_check_adv_addr', (ctx, w, v) => {
    // keepalived sets the flag for "false" too; kept for the same behaviour.
    if (!w.has(1) || parseTrueFalse(w.at(1)) !== undefined) v.skipCheckAdvAddr = true;
    else ctx.report('general-error', `(${v.name}) invalid skip_check_adv_addr ${w.at(1)} specified`);
  }),
  flag('strict_mode', (v, b) => {
    v.strictMode = b;
  }),
  kw('nopreempt', (_c, _w, v) => {
    v.nopreempt = true;
  }),
  kw('preempt', (_c, _w, v) => {
    v.nopreempt = false;
  }),
  kw('preempt_delay', (ctx, w, v) => {
    const d = readDecimal(ctx, w.at(1), 0, TIMER_MAX_SEC * TIMER_HZ, 6, true);
    if (d === undefined) {
      ctx.report('general-error', `(${v.name}) Preempt_delay not valid! must be between 0-${TIMER_MAX_SEC}`);
      v.preemptDelayUs = 0;
    } else v.preemptDelayUs = d;
  }),
  notifyKw('notify_backup', 'backup', 'notify_backup script'),
  notifyKw('notify_master', 'master', 'notify_master script'),
  notifyKw('notify_fault', 'fault', 'notify_fault script'),
  notifyKw('notify_stop', 'stop', 'notify_stop script'),
  kw('notify_deleted', notifyDeleted),
  notifyKw('notify', 'notify', 'notify script'),
  notifyKw('notify_master_rx_lower_pri', 'masterRxLowerPri', 'notify_master_rx_lower_pri script'),
  kw('smtp_alert', smtpAlert),
  kw('notify_priority_changes', notifyPriorityChanges),
  kw('lvs_sync_daemon_interface', lvsSyncDaemonInterface),
  kw('garp_master_delay', (ctx, w, v) => {
    const d = readUnsigned(ctx, w.at(1), 0, Math.floor(UINT_MAX / TIMER_HZ), true);
    if (d === undefined)
      ctx.report('general-error', `(${v.name}): garp_master_delay '${w.at(1)}' invalid - ignoring`);
    else v.garpDelayUs = d * TIMER_HZ;
  }),
  kw('garp_master_refresh', (ctx, w, v) => {
    const r = readUnsigned(ctx, w.at(1), 0, UINT_MAX, true);
    if (r === undefined) {
      ctx.report('general-error', `(${v.name}): Invalid garp_master_refresh '${w.at(1)}' - ignoring`);
      v.garpRefreshUs = 0;
    } else v.garpRefreshUs = r * TIMER_HZ;
  }),
  repeatKw('garp_master_repeat', (v, n) => {
    v.garpRep = n;
  }),
  repeatKw('garp_master_refresh_repeat', (v, n) => {
    v.garpRefreshRep = n;
  }),
  kw('garp_lower_prio_delay', (ctx, w, v) => {
    const d = readUnsigned(ctx, w.at(1), 0, Math.floor(UINT_MAX / TIMER_HZ), true);
    if (d === undefined)
      ctx.report('general-error', `(${v.name}): garp_lower_prio_delay '${w.at(1)}' invalid - ignoring`);
    else v.garpLowerPrioDelayUs = d * TIMER_HZ;
  }),
  kw('garp_lower_prio_repeat', (ctx, w, v) => {
    const r = readUnsigned(ctx, w.at(1), 0, INT_MAX, true);
    if (r === undefined)
      ctx.report('general-error', `(${v.name}): Invalid garp_lower_prio_repeat '${w.at(1)}'`);
    else v.garpLowerPrioRep = r;
  }),
  kw('down_timer_adverts', (ctx, w, v) => {
    const n = readUnsigned(ctx, w.at(1), 1, 100, true);
    if (n === undefined)
      ctx.report('general-error', `(${v.name}): Invalid down_timer_adverts [1:100] '${w.at(1)}'`);
    else v.downTimerAdverts = n;
  }),
  kw('garp_extra_if', garpExtraIf),
  kw('vmac_garp_intvl', garpExtraIf),
  flag('lower_prio_no_advert', (v, b) => {
    v.lowerPrioNoAdvert = b;
  }),
  flag('higher_prio_send_advert', (v, b) => {
    v.higherPrioSendAdvert = b;
  }),
  kw('kernel_rx_buf_size', (ctx, w, v) => {
    if (w.length === 2) {
      const n = readUnsigned(ctx, w.at(1), 0, UINT_MAX, false);
      if (n !== undefined) {
        v.kernelRxBufSize = n;
        return;
      }
    }
    ctx.report('general-error', `(${v.name}) invalid kernel_rx_buf_size specified`);
  }),
  kw('promote_secondaries', (_c, _w, v) => {
    v.promoteSecondaries = true;
  }),
  kw('accept', (_c, _w, v) => {
    v.accept = true;
  }),
  kw('no_accept', (_c, _w, v) => {
    v.accept = false;
  }),
  kw('dont_track_primary', (_c, _w, v) => {
    v.dontTrackPrimary = true;
  }),
  kw('track_src_ip', (_c, _w, v) => {
    v.trackSrcIp = true;
  }),
  kw('linkbeat_use_polling', (ctx, _w, v) => {
    v.linkbeatUsePolling = true;
    ctx.report(
      'general-error',
      `(${v.name}) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block`,
    );
  }),
];
