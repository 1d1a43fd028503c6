/** VRRP root keywords (keepalived vrrp/vrrp_parser.c). */
import type { VrrpConfig } from '../model/vrrp.js';
import { type RootKeyword, StateKey } from '../parser.js';
import type { SectionModule } from '../section.js';

interface VrrpDraft {
  instances: { name: string }[];
}

export const VRRP = new StateKey<VrrpDraft>('vrrp', () => ({ instances: [] }));

const roots: RootKeyword[] = [
  {
    name: 'vrrp_instance',
    section: 'vrrp',
    handler: (ctx, w) => {
      ctx.state(VRRP).instances.push({ name: w.at(1) });
    },
    sub: [],
  },
];

export const vrrpSection: SectionModule<VrrpConfig> = {
  name: 'vrrp',
  roots: () => roots,
  build: (ctx) => ({ instances: ctx.state(VRRP).instances }),
};
