/** Checker / LVS root keywords (keepalived check/check_parser.c and the checker files). */
import type { LvsConfig } from '../model/lvs.js';
import { type RootKeyword, StateKey } from '../parser.js';
import type { SectionModule } from '../section.js';

interface LvsDraft {
  virtualServers: { address: string }[];
}

export const LVS = new StateKey<LvsDraft>('lvs', () => ({ virtualServers: [] }));

const roots: RootKeyword[] = [
  {
    name: 'virtual_server',
    section: 'check',
    handler: (ctx, w) => {
      ctx.state(LVS).virtualServers.push({ address: w.at(1) });
    },
    sub: [],
  },
];

export const checkSection: SectionModule<LvsConfig> = {
  name: 'check',
  roots: () => roots,
  build: (ctx) => ({ virtualServers: ctx.state(LVS).virtualServers }),
};
