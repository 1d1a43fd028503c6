/**
 * A vrrp_script's verdict across a reload, pure: keepalived 2.2.7's clear_diff_script
 * (vrrp.c). A script of the same name keeps its verdict, its counter moved onto the new
 * rise/fall: a failing script stays failing with as many successes still needed, a succeeding
 * one stays succeeding with as many failures still tolerated; one still in its initial state
 * starts over. So a reload never makes a script fall or rise by itself.
 */
import type { VrrpScriptConfig } from '../config/model/vrrp-extras.js';
import { initialScriptState, type ScriptTrackerOptions, type ScriptTrackerState } from './script-tracker.js';

export interface CarriedScript {
  readonly state: ScriptTrackerState;
  /** keepalived's "VRRP_Script(X) considered (un)successful on reload", when it logs one. */
  readonly log?: string;
}

export function carryScriptState(
  old: Pick<VrrpScriptConfig, 'rise' | 'fall'>,
  state: ScriptTrackerState,
  next: Pick<VrrpScriptConfig, 'name' | 'rise' | 'fall' | 'initFail'>,
  options: ScriptTrackerOptions = {},
): CarriedScript {
  if (state.status === 'init') return { state: initialScriptState(next, options) };
  const top = next.rise + next.fall - 1;
  if (state.result < old.rise) {
    const result = state.result === 0 ? 0 : Math.max(0, next.rise - (old.rise - state.result));
    return {
      state: { result, status: 'down', lastExitCode: state.lastExitCode },
      log: `VRRP_Script(${next.name}) considered unsuccessful on reload`,
    };
  }
  const result =
    state.result === old.rise + old.fall - 1 ? top : Math.min(top, next.rise + (state.result - old.rise));
  return {
    state: { result, status: 'up', lastExitCode: state.lastExitCode },
    log: `VRRP_Script(${next.name}) considered successful on reload`,
  };
}
