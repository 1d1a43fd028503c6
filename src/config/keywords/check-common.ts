/**
 * Pieces shared by virtual_server, sorry_server and real_server: the forwarding method with
 * its tunnel options (svr_forwarding_handler), notify scripts (notify_script_init) and the
 * boolean / timer keywords that only differ in their message.
 */
import type { CheckScript } from '../model/lvs.js';
import type { ParseContext, Words } from '../parser.js';
import { parseTrueFalse, readTimerUs, readUnsigned } from '../values.js';
import type { ForwardingDraft } from './check-state.js';
import { parseScriptCommand } from './global-script-user.js';

/**
 * `lvs_method NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]`. As keepalived
 * does, the method is stored before the options are checked, and the tunnel options only
 * when all of them are valid.
 */
export function parseForwarding(ctx: ParseContext, fw: ForwardingDraft, w: Words, sType: string): void {
  const str = w.at(1);
  if (str === 'NAT' || str === 'DR' || str === 'TUN') fw.method = str;
  else {
    ctx.report('general-error', `PARSER : unknown [${str}] routing method for ${sType} server.`);
    return;
  }
  let type: ForwardingDraft['tunnelType'] = 'ipip';
  let port = 0;
  let csum: ForwardingDraft['tunnelChecksum'] = 'nocsum';
  const words = w.words;
  for (let i = 2; i < words.length; i++) {
    const opt = words[i] as string;
    const next = words[i + 1];
    if (opt === 'type') {
      if (next === undefined) {
        ctx.report('general-error', `Missing tunnel type for ${sType} server.`);
        return;
      }
      if (next === 'ipip' || next === 'gue' || next === 'gre') type = next;
      else {
        ctx.report('general-error', `Unknown tunnel type ${next} for ${sType} server.`);
        return;
      }
      i++;
    } else if (opt === 'port') {
      if (next === undefined) {
        ctx.report('general-error', `Missing port for ${sType} server gue tunnel.`);
        return;
      }
      const p = readUnsigned(ctx, next, 1, 65535, false);
      if (p === undefined) {
        ctx.report('general-error', `Invalid gue tunnel port ${next} for ${sType} server.`);
        return;
      }
      port = p;
      i++;
    } else if (opt === 'nocsum' || opt === 'csum' || opt === 'remcsum') csum = opt;
    else {
      ctx.report('general-error', `Invalid tunnel option ${opt} for ${sType} server.`);
      return;
    }
  }
  if ((type === 'gue') !== (port !== 0)) {
    ctx.report('general-error', 'gue tunnels require port, otherwise cannot have port.');
    return;
  }
  if (type === 'ipip' && csum !== 'nocsum') {
    ctx.report('general-error', 'ipip tunnels do not support checksum option.');
    return;
  }
  if (type === 'gre' && csum === 'remcsum') {
    ctx.report('general-error', 'gre tunnels do not support remote checksum option.');
    return;
  }
  fw.tunnelType = type;
  fw.tunnelPort = port;
  fw.tunnelChecksum = csum;
}

/**
 * A notify script line (notify_script_init, shared with global_defs): keepalived only logs
 * (no config error) when the command cannot be parsed or its user does not exist.
 */
export function readCheckScript(ctx: ParseContext, w: Words): CheckScript | undefined {
  // keepalived names word 1 in its log line even when it is missing: a missing value.
  w.at(1);
  return parseScriptCommand(ctx, w);
}

/** `keyword [true|false]`: absent means true; a bad value reports and leaves it unchanged. */
export function readOptionalBool(ctx: ParseContext, w: Words, what: string): boolean | undefined {
  if (!w.has(1)) return true;
  const v = parseTrueFalse(w.at(1));
  if (v === undefined) ctx.report('general-error', `Invalid ${what} parameter ${w.at(1)}`);
  return v;
}

/** read_timer(strvec, 1, min, max, true) followed by the keyword's own "invalid" message. */
export function readTimerOr(
  ctx: ParseContext,
  w: Words,
  minUs: number,
  maxUs: number,
  message: (value: string) => string,
): number | undefined {
  const v = readTimerUs(ctx, w.at(1), minUs, maxUs, true);
  if (v === undefined) ctx.report('general-error', message(w.at(1)));
  return v;
}

/** read_unsigned_strvec(strvec, 1, min, max, ignore) followed by the keyword's own message. */
export function readUnsignedOr(
  ctx: ParseContext,
  w: Words,
  min: number,
  max: number,
  ignoreError: boolean,
  message: (value: string) => string,
): number | undefined {
  const v = readUnsigned(ctx, w.at(1), min, max, ignoreError);
  if (v === undefined) ctx.report('general-error', message(w.at(1)));
  return v;
}
