/** Parse state of the checker section, shared by virtual_server and the checker blocks. */
import { type ParseContext, StateKey } from '../parser.js';

export interface RealServerDraft {
  address: string;
  port: string | undefined;
  /** Checker blocks parsed inside this real_server, in order. */
  checkers: unknown[];
}

export interface VirtualServerDraft {
  address: string;
  realServers: RealServerDraft[];
}

export interface LvsDraft {
  virtualServers: VirtualServerDraft[];
}

export const LVS = new StateKey<LvsDraft>('lvs', () => ({ virtualServers: [] }));

/** The real_server being parsed, where checker blocks attach. */
export function currentRealServer(ctx: ParseContext): RealServerDraft | undefined {
  const vs = ctx.state(LVS).virtualServers.at(-1);
  return vs?.realServers.at(-1);
}
