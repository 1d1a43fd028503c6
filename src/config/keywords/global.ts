/** global_defs and the other process-wide root keywords (keepalived core/global_parser.c). */
import type { GlobalDefs } from '../model/global.js';
import { type Keyword, type RootKeyword, StateKey } from '../parser.js';
import type { SectionModule } from '../section.js';

interface GlobalDraft {
  routerId: string | undefined;
}

export const GLOBAL = new StateKey<GlobalDraft>('global', () => ({ routerId: undefined }));

const globalDefs: Keyword[] = [
  {
    name: 'router_id',
    handler: (ctx, w) => {
      ctx.state(GLOBAL).routerId = w.at(1);
    },
  },
];

const roots: RootKeyword[] = [{ name: 'global_defs', section: 'global', sub: globalDefs }];

export const globalSection: SectionModule<GlobalDefs> = {
  name: 'global',
  roots: () => roots,
  build: (ctx) => ({ routerId: ctx.state(GLOBAL).routerId }),
};
