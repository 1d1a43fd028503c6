/**
 * FILE_CHECK (keepalived check/check_file.c) and BFD_CHECK (check/check_bfd.c): checkers
 * that follow a track_file or a bfd_instance declared earlier in the file.
 */
import type { BfdCheck } from '../../model/checkers.js';
import { type Keyword, type ParseContext, StateKey } from '../../parser.js';
import { parseTrueFalse, readInt } from '../../values.js';
import { findTrackedBfd } from '../bfd.js';
import { currentRealServer } from '../check-state.js';
import { findTrackFile } from '../track-file.js';
import { realServerName } from './state.js';

/** IPVS_WEIGHT_LIMIT: a FILE_CHECK weight may be any int but INT_MIN. */
const WEIGHT_LIMIT = 2147483647;
/** BFD_INAME_MAX - 1 */
const BFD_NAME_MAX = 31;

interface FileDraft {
  loc: BfdCheck['loc'];
  trackFile: { name: string; weight: number; weightReverse: boolean } | undefined;
  weight: { value: number; reverse: boolean } | undefined;
}

const FILE = new StateKey<{ draft: FileDraft | undefined }>('checkers.file', () => ({ draft: undefined }));

export const fileCheck: Keyword = {
  name: 'FILE_CHECK',
  handler: (ctx) => {
    ctx.state(FILE).draft = { loc: ctx.loc(), trackFile: undefined, weight: undefined };
  },
  sub: [
    {
      name: 'track_file',
      handler: (ctx, w) => {
        const name = w.at(1);
        const tf = findTrackFile(ctx, name);
        const d = ctx.state(FILE).draft;
        if (!tf) ctx.report('general-error', `track_file ${name} not found`);
        else if (d) d.trackFile = { name: tf.name, weight: tf.weight, weightReverse: tf.weightReverse };
      },
    },
    {
      name: 'weight',
      handler: (ctx, w) => {
        if (w.length < 2) {
          ctx.report('general-error', 'track file weight missing');
          return;
        }
        const v = readInt(ctx, w.at(1), -WEIGHT_LIMIT, WEIGHT_LIMIT, true);
        if (v === undefined) {
          ctx.report(
            'general-error',
            `weight for track file must be in [${-WEIGHT_LIMIT}..${WEIGHT_LIMIT}] inclusive. Ignoring...`,
          );
          return;
        }
        let reverse = false;
        if (w.has(2)) {
          const opt = w.at(2);
          if (opt === 'reverse') reverse = true;
          else if (opt !== 'noreverse') {
            ctx.report('general-error', `unknown track file weight option ${opt} - ignoring`);
            return;
          }
        }
        const d = ctx.state(FILE).draft;
        if (d) d.weight = { value: v, reverse };
      },
    },
  ],
  close: (ctx) => {
    const d = ctx.state(FILE).draft;
    ctx.state(FILE).draft = undefined;
    if (!d) return;
    if (!d.trackFile) {
      ctx.report('general-error', 'FILE_CHECK has no track_file specified - ignoring');
      return;
    }
    currentRealServer(ctx)?.checkers.push(
      Object.freeze({
        type: 'FILE_CHECK' as const,
        loc: d.loc,
        trackFile: d.trackFile.name,
        weight: d.weight?.value ?? d.trackFile.weight,
        weightReverse: d.weight ? d.weight.reverse : d.trackFile.weightReverse,
      }),
    );
  },
};

interface BfdDraft {
  loc: BfdCheck['loc'];
  name: string | undefined;
  alpha: boolean | undefined;
}

/** `draft` is undefined once keepalived has dropped the checker (a bad name). */
const BFD_CHECK = new StateKey<{ draft: BfdDraft | undefined }>('checkers.bfd', () => ({ draft: undefined }));

function bfdName(ctx: ParseContext, words: readonly string[], d: BfdDraft): boolean {
  const rs = realServerName(ctx);
  const name = words[1];
  if (words.length !== 2 || name === undefined) {
    ctx.report('general-error', `(${rs}) BFD_CHECK - No or too many names specified - skipping checker`);
    return false;
  }
  if (!findTrackedBfd(ctx, name)) {
    ctx.report('general-error', `(${rs}) BFD_CHECK - BFD ${name} not configured`);
    return false;
  }
  if (d.name !== undefined) {
    ctx.report('general-error', `(${rs}) BFD_CHECK - BFD ${name} already specified as ${d.name}`);
    return false;
  }
  if (name.length > BFD_NAME_MAX) {
    ctx.report('general-error', `(${rs}) BFD_CHECK - BFD name ${name} too long`);
    return false;
  }
  const tracked = currentRealServer(ctx)?.checkers.some(
    (c) =>
      (c as { type?: string; name?: string }).type === 'BFD_CHECK' && (c as { name?: string }).name === name,
  );
  if (tracked) {
    ctx.report('general-error', `(${rs}) BFD_CHECK - RS already monitoring ${name}`);
    return false;
  }
  d.name = name;
  return true;
}

export const bfdCheck: Keyword = {
  name: 'BFD_CHECK',
  handler: (ctx) => {
    ctx.state(BFD_CHECK).draft = { loc: ctx.loc(), name: undefined, alpha: undefined };
  },
  sub: [
    {
      name: 'name',
      handler: (ctx, w) => {
        const st = ctx.state(BFD_CHECK);
        if (st.draft && !bfdName(ctx, w.words, st.draft)) st.draft = undefined;
      },
    },
    {
      name: 'alpha',
      handler: (ctx, w) => {
        const d = ctx.state(BFD_CHECK).draft;
        if (!d) return;
        if (!w.has(1)) {
          d.alpha = true;
          return;
        }
        const v = parseTrueFalse(w.at(1));
        if (v === undefined) ctx.report('general-error', `Invalid alpha parameter ${w.at(1)}`);
        else d.alpha = v;
      },
    },
  ],
  close: (ctx) => {
    const d = ctx.state(BFD_CHECK).draft;
    ctx.state(BFD_CHECK).draft = undefined;
    if (!d) return;
    if (d.name === undefined) {
      ctx.report(
        'general-error',
        `(${realServerName(ctx)}) No name has been specified for BFD_CHECKER - skipping`,
      );
      return;
    }
    const checker: BfdCheck = { type: 'BFD_CHECK', loc: d.loc, name: d.name, alpha: d.alpha };
    currentRealServer(ctx)?.checkers.push(Object.freeze(checker));
  },
};
