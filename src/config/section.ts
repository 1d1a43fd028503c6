/**
 * What each part of the configuration (global_defs, VRRP, checkers/LVS, BFD, track files)
 * contributes: its root keywords for a pass, the checks keepalived makes once that pass has
 * read everything, and its part of the finished model.
 */
import type { ParseContext, Pass, RootKeyword } from './parser.js';

export interface SectionModule<M> {
  readonly name: string;
  readonly roots: (pass: Pass) => readonly RootKeyword[];
  /** keepalived's per-process validation (start_vrrp / start_check under -t). */
  readonly validate?: (ctx: ParseContext) => void;
  /** The section's model, from the pass that owns it. */
  readonly build: (ctx: ParseContext) => M;
}
