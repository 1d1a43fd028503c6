/** bfd_instance (keepalived bfd/bfd_parser.c). */
import type { BfdConfig } from '../model/bfd.js';
import { type RootKeyword, StateKey } from '../parser.js';
import type { SectionModule } from '../section.js';

interface BfdDraft {
  instances: { name: string }[];
}

export const BFD = new StateKey<BfdDraft>('bfd', () => ({ instances: [] }));

const roots: RootKeyword[] = [
  {
    name: 'bfd_instance',
    section: 'bfd',
    handler: (ctx, w) => {
      ctx.state(BFD).instances.push({ name: w.at(1) });
    },
    sub: [],
  },
];

export const bfdSection: SectionModule<BfdConfig> = {
  name: 'bfd',
  roots: () => roots,
  build: (ctx) => ({ instances: ctx.state(BFD).instances }),
};
