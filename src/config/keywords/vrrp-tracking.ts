/**
 * The VRRP section's other root blocks: vrrp_script, vrrp_track_process, vrrp_sync_group,
 * static_ipaddress / static_routes / static_rules, track_group, garp_group,
 * linkbeat_interfaces, interface_up_down_delays (keepalived vrrp/vrrp_parser.c).
 */
import type { VrrpExtrasConfig } from '../model/vrrp-extras.js';
import { type ParseContext, type RootKeyword, StateKey } from '../parser.js';

export interface VrrpTrackingDraft {
  /** vrrp_script names (instances' track_script refers to them). */
  scripts: Map<string, unknown>;
  /** vrrp_track_process names. */
  processes: Map<string, unknown>;
}

export const VRRP_TRACKING = new StateKey<VrrpTrackingDraft>('vrrp_tracking', () => ({
  scripts: new Map(),
  processes: new Map(),
}));

export const vrrpTrackingRoots: RootKeyword[] = [];

export function validateVrrpTracking(_ctx: ParseContext): void {}

export function buildVrrpExtras(_ctx: ParseContext): VrrpExtrasConfig {
  return {};
}
