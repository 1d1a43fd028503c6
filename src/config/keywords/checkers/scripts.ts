/**
 * The checker process's script security verdict (keepalived check/check_data.c
 * check_check_script_security): with enable_script_security off, any script the checker
 * process would run that is there on disk (SC_ISSCRIPT) makes one security violation.
 * Accounts and the default script user come from global-script-user.ts, shared with
 * global_defs and VRRP because keepalived keeps them process-wide.
 */
import { type ParseContext, StateKey } from '../../parser.js';
import { GLOBAL } from '../global.js';
import { scriptFileFound } from '../global-env.js';

/** check_script_secure(): `</path` only tests that a file opens; it is not executed. */
function isScript(ctx: ParseContext, command: string): boolean {
  if (/^<[ \t]*\//.test(command)) return false;
  return scriptFileFound(ctx.env, command);
}

const CHECK_SECURITY = new StateKey<{ reported: boolean }>('checkers.script-security', () => ({
  reported: false,
}));

/**
 * A script the checker process runs (MISC_CHECK, and notify_up/notify_down/quorum scripts,
 * which the virtual_server tables may pass here too): keepalived reports one violation for all.
 */
export function noteCheckerScript(ctx: ParseContext, command: string): void {
  const st = ctx.state(CHECK_SECURITY);
  if (st.reported || ctx.parentState(GLOBAL).enableScriptSecurity) return;
  if (!isScript(ctx, command)) return;
  st.reported = true;
  ctx.reportGlobal(
    'security',
    'SECURITY VIOLATION - check scripts are being executed but script_security not enabled.',
  );
}
