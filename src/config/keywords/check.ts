/** Checker / LVS root keywords (keepalived check/check_parser.c). */
import type { LvsConfig } from '../model/lvs.js';
import type { RootKeyword } from '../parser.js';
import type { SectionModule } from '../section.js';
import { LVS } from './check-state.js';
import { checkerKeywords } from './checkers/index.js';

const roots: RootKeyword[] = [
  {
    name: 'virtual_server',
    section: 'check',
    handler: (ctx, w) => {
      ctx.state(LVS).virtualServers.push({ address: w.at(1), realServers: [] });
    },
    sub: [
      {
        name: 'real_server',
        handler: (ctx, w) => {
          ctx
            .state(LVS)
            .virtualServers.at(-1)
            ?.realServers.push({ address: w.at(1), port: w.words[2], checkers: [] });
        },
        sub: checkerKeywords,
      },
    ],
  },
];

export const checkSection: SectionModule<LvsConfig> = {
  name: 'check',
  roots: () => roots,
  build: (ctx) => ({ virtualServers: ctx.state(LVS).virtualServers.map((v) => ({ address: v.address })) }),
};
