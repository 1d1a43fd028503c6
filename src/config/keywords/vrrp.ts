/** The VRRP section: vrrp_instance plus its supporting blocks, in keepalived's root order. */
import type { VrrpConfig } from '../model/vrrp.js';
import type { SectionModule } from '../section.js';
import { buildVrrpInstances, validateVrrpInstances, vrrpInstanceRoots } from './vrrp-instance.js';
import { buildVrrpExtras, validateVrrpTracking, vrrpTrackingRoots } from './vrrp-tracking.js';

export const vrrpSection: SectionModule<VrrpConfig> = {
  name: 'vrrp',
  roots: () => [...vrrpTrackingRoots, ...vrrpInstanceRoots],
  validate: (ctx) => {
    if (ctx.pass !== 'vrrp') return;
    validateVrrpTracking(ctx);
    validateVrrpInstances(ctx);
  },
  build: (ctx) => ({ instances: buildVrrpInstances(ctx), ...buildVrrpExtras(ctx) }),
};
