/** The VRRP section: instances plus the blocks they use. */
import type { VrrpExtrasConfig } from './vrrp-extras.js';
import type { VrrpInstanceConfig } from './vrrp-instance.js';

export type { VrrpInstanceConfig };

export type VrrpConfig = {
  readonly instances: readonly VrrpInstanceConfig[];
} & VrrpExtrasConfig;
