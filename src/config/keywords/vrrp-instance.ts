/** vrrp_instance blocks (keepalived vrrp/vrrp_parser.c, checks from vrrp/vrrp.c). */
import type { VrrpInstanceConfig } from '../model/vrrp-instance.js';
import { type ParseContext, type RootKeyword, StateKey } from '../parser.js';

export interface VrrpInstanceDraft {
  name: string;
}

export interface VrrpInstancesDraft {
  instances: VrrpInstanceDraft[];
}

export const VRRP_INSTANCES = new StateKey<VrrpInstancesDraft>('vrrp_instance', () => ({ instances: [] }));

export const vrrpInstanceRoots: RootKeyword[] = [
  {
    name: 'vrrp_instance',
    section: 'vrrp',
    handler: (ctx, w) => {
      ctx.state(VRRP_INSTANCES).instances.push({ name: w.at(1) });
    },
    sub: [],
  },
];

export function validateVrrpInstances(_ctx: ParseContext): void {}

export function buildVrrpInstances(ctx: ParseContext): VrrpInstanceConfig[] {
  return ctx.state(VRRP_INSTANCES).instances.map((i) => ({ name: i.name }));
}
