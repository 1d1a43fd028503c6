/** MISC_CHECK (keepalived check/check_misc.c): a script whose exit status judges the server. */
import { type Handler, type Keyword, type ParseContext, StateKey, type Words } from '../../parser.js';
import { readUnsigned } from '../../values.js';
import { defaultScriptUserOk, resolveUser } from '../global-script-user.js';
import { commonKeywords } from './common.js';
import { noteCheckerScript } from './scripts.js';
import { beginChecker, buildTiming, CHECKER, endChecker, queueChecker, TIMER_HZ } from './state.js';

interface MiscDraft {
  args: string[] | undefined;
  timeoutUs: number;
  dynamic: boolean;
  user: { user: string; group: string | undefined } | undefined;
}

/** `draft` is undefined once keepalived has dropped the checker (a bad user). */
const MISC = new StateKey<{ draft: MiscDraft | undefined }>('checkers.misc', () => ({ draft: undefined }));

/** MISC_CHECK has no retry unless told (misc_check_handler sets default_retry 0). */
export const MISC_DEFAULTS = { retry: 0, delayBeforeRetryUs: 1 * TIMER_HZ } as const;

/** misc_timeout is whole seconds, at most UINT_MAX µs. */
const MISC_TIMEOUT_MAX_S = Math.floor(4294967295 / TIMER_HZ);

/** keepalived's cmd_str(): each word in single quotes, but a leading `<`/`>` redirection bare. */
const cmdStr = (d: MiscDraft): string =>
  (d.args ?? []).map((a, i) => (i === 0 && /^[<>]/.test(a) ? a : `'${a}'`)).join(' ');

function withDraft(f: (ctx: ParseContext, w: Words, d: MiscDraft) => void): Handler {
  return (ctx, w) => {
    const d = ctx.state(MISC).draft;
    if (d) f(ctx, w, d);
  };
}

const miscKeywords: Keyword[] = [
  ...commonKeywords(false),
  {
    name: 'misc_path',
    handler: withDraft((ctx, w, d) => {
      // The line is re-split with quotes and escapes; its first value is split again into the
      // command and its arguments, so `misc_path "/bin/x a b"` passes a and b, but
      // `misc_path /bin/x a b` drops them, as keepalived does.
      const line = ctx.quotedWords(w.raw);
      const cmd = line?.[1];
      if (cmd === undefined) return;
      const args = ctx.quotedWords(cmd);
      if (args && args.length > 0) d.args = args;
    }),
  },
  {
    name: 'misc_timeout',
    handler: withDraft((ctx, w, d) => {
      const s = readUnsigned(ctx, w.at(1), 0, MISC_TIMEOUT_MAX_S, true);
      if (s === undefined) ctx.report('general-error', `Invalid misc_timeout value '${w.at(1)}'`);
      else d.timeoutUs = s * TIMER_HZ;
    }),
  },
  {
    name: 'misc_dynamic',
    handler: withDraft((_ctx, _w, d) => {
      d.dynamic = true;
    }),
  },
  {
    name: 'user',
    handler: withDraft((ctx, w, d) => {
      if (w.length < 2) {
        ctx.report('general-error', `No user specified for misc checker script ${cmdStr(d)}`);
        return;
      }
      const user = w.at(1);
      const group = w.has(2) ? w.at(2) : undefined;
      if (!resolveUser(ctx, user, group)) {
        ctx.report('general-error', `Failed to set uid/gid for misc checker script ${cmdStr(d)} - removing`);
        ctx.state(MISC).draft = undefined;
        return;
      }
      d.user = { user, group };
    }),
  },
];

export const miscCheck: Keyword = {
  name: 'MISC_CHECK',
  handler: (ctx) => {
    beginChecker(ctx, undefined);
    ctx.state(MISC).draft = { args: undefined, timeoutUs: 0, dynamic: false, user: undefined };
  },
  sub: miscKeywords,
  close: (ctx) => {
    const f = ctx.state(CHECKER).frame;
    const d = ctx.state(MISC).draft;
    endChecker(ctx);
    ctx.state(MISC).draft = undefined;
    if (!f || !d) return;
    if (!d.args) {
      ctx.report('general-error', 'No script path has been specified for MISC_CHECKER - skipping');
      return;
    }
    if (!d.user && !defaultScriptUserOk(ctx)) {
      ctx.report('general-error', `Unable to set default user for misc script ${cmdStr(d)} - removing`);
      return;
    }
    noteCheckerScript(ctx, d.args[0] as string);
    queueChecker(ctx, {
      type: 'MISC_CHECK',
      loc: f.loc,
      ...buildTiming(f.timing, MISC_DEFAULTS),
      args: d.args,
      timeoutUs: d.timeoutUs,
      dynamic: d.dynamic,
      user: d.user,
    });
  },
};
