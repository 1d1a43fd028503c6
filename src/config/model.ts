/**
 * The typed, read-only model of a keepalived.conf: what the daemon runs from. Each section's
 * types live in model/<section>.ts.
 */
import type { BfdConfig } from './model/bfd.js';
import type { GlobalDefs } from './model/global.js';
import type { LvsConfig } from './model/lvs.js';
import type { TrackFileConfig } from './model/track-file.js';
import type { VrrpConfig } from './model/vrrp.js';

export type { BfdConfig, GlobalDefs, LvsConfig, TrackFileConfig, VrrpConfig };

export interface KeepalivedConfig {
  readonly global: GlobalDefs;
  readonly vrrp: VrrpConfig;
  readonly lvs: LvsConfig;
  readonly bfd: BfdConfig;
  readonly trackFiles: readonly TrackFileConfig[];
}
