/** Small handler shapes that many global_defs keywords share. */
import type { Handler } from '../parser.js';
import { parseTrueFalse } from '../values.js';
import { GLOBAL, type GlobalDraft } from './global-draft.js';

type BoolKey = {
  [K in keyof GlobalDraft]: GlobalDraft[K] extends boolean ? K : never;
}[keyof GlobalDraft];
type OptBoolKey = {
  [K in keyof GlobalDraft]: GlobalDraft[K] extends boolean | undefined ? K : never;
}[keyof GlobalDraft];

/** A keyword that only switches something on (no value read; extra words ignored). */
export function flag(key: BoolKey): Handler {
  return (ctx) => {
    ctx.state(GLOBAL)[key] = true;
  };
}

/**
 * `keyword [true|false|on|off|yes|no]`, bare = true (check_true_false). `message` is
 * keepalived's text for a bad value, given the value.
 */
export function optBool(key: OptBoolKey, message: (value: string) => string): Handler {
  return (ctx, w) => {
    let v = true;
    if (w.length >= 2) {
      const word = w.at(1);
      const parsed = parseTrueFalse(word);
      if (parsed === undefined) {
        ctx.report('general-error', message(word));
        return;
      }
      v = parsed;
    }
    ctx.state(GLOBAL)[key] = v;
  };
}

/** The "Invalid value '%s' for global KEYWORD specified" form most boolean keywords use. */
export function globalBool(key: OptBoolKey, keyword: string): Handler {
  return optBool(key, (v) => `Invalid value '${v}' for global ${keyword} specified`);
}
