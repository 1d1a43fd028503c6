/**
 * Script users and script command lines, as keepalived's lib/notify.c resolves them while
 * parsing. The default script user is process-wide state in keepalived (it survives from the
 * parent's parse into the checker/VRRP/BFD parses under -t), so it lives in the parent pass's
 * state here. VRRP and checker scripts use `parseScriptCommand` too.
 */
import type { ScriptCommand, ScriptUser } from '../model/global.js';
import { type ParseContext, StateKey, type Words } from '../parser.js';
import { GLOBAL } from './global-draft.js';
import { lookupGroup, lookupUser } from './global-env.js';

interface ScriptUserState {
  /** keepalived's default_script_uid_set: the default was settled (even if it failed). */
  settled: boolean;
  /** keepalived's default_user_fail: every later script without a user is refused. */
  failed: boolean;
}

const SCRIPT_USER = new StateKey<ScriptUserState>('global.script-user', () => ({
  settled: false,
  failed: false,
}));

/** getpwnam/getgrnam of `user [group]`: false when either does not exist. */
export function resolveUser(ctx: ParseContext, user: string, group: string | undefined): boolean {
  if (!lookupUser(ctx.env, user)) return false;
  return group === undefined || lookupGroup(ctx.env, group) !== undefined;
}

/** set_default_script_user(): returns false (and keeps failing) once any attempt failed. */
export function setDefaultScriptUser(ctx: ParseContext, user: string, group: string | undefined): boolean {
  const st = ctx.parentState(SCRIPT_USER);
  st.settled = true;
  if (!resolveUser(ctx, user, group)) st.failed = true;
  return !st.failed;
}

/**
 * get_default_script_user(): keepalived_script if it exists, else keepalived's own user; with
 * enable_script_security set (at this point of the parse) a missing keepalived_script is an
 * error, reported once per run.
 */
export function defaultScriptUserOk(ctx: ParseContext): boolean {
  const st = ctx.parentState(SCRIPT_USER);
  if (st.failed) return false;
  if (!st.settled) {
    st.settled = true;
    if (!lookupUser(ctx.env, 'keepalived_script') && ctx.parentState(GLOBAL).enableScriptSecurity) {
      ctx.report('general-error', 'Unable to set default user keepalived_script for script');
      st.failed = true;
      return false;
    }
  }
  return true;
}

/**
 * notify_script_init(): the current line re-split with quotes and escapes; word 1 is the
 * command line (split again), words 2 and 3 an optional user and group. undefined where
 * keepalived returns NULL (its callers report).
 */
export function parseScriptCommand(ctx: ParseContext, w: Words): ScriptCommand | undefined {
  const line = ctx.quotedWords(w.raw);
  if (!line) return undefined;
  const cmd = line[1];
  const args = cmd === undefined ? undefined : ctx.quotedWords(cmd);
  if (!args || args.length === 0) return undefined;
  const user = line[2];
  if (user !== undefined) {
    const group = line[3];
    if (!resolveUser(ctx, user, group)) return undefined;
    const runAs: ScriptUser = group !== undefined ? { user, group } : { user };
    return { args, runAs };
  }
  if (!defaultScriptUserOk(ctx)) return undefined;
  return { args };
}
