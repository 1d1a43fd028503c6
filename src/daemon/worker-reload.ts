/**
 * The worker's side of a reload: the engine's diff (VrrpRuntime.reload) and, between its
 * halves, the adapters moved onto the new plan (sockets opened or closed as instances come and
 * go, VIP and announcement lookups). Unchanged instances see nothing of it.
 */
import type { VrrpSockets } from '../net/vrrp-sockets.js';
import type { AnnouncerBackend, VipBackend } from './vrrp-backends.js';
import type { PlannedInstance } from './vrrp-plan.js';
import type { VrrpRuntime } from './vrrp-runtime.js';
import type { WorkerReload } from './worker-protocol.js';

export interface ReloadTargets {
  readonly runtime: VrrpRuntime;
  readonly sockets: VrrpSockets;
  readonly vips: VipBackend;
  readonly announcer: AnnouncerBackend;
}

/** What the socket adapter needs of a planned instance. */
export function socketWiring({ wiring, params }: PlannedInstance) {
  return { ...wiring, ...(params.auth.type === 'ah' ? { ahPass: params.auth.pass } : {}) };
}

export function applyReload(t: ReloadTargets, m: WorkerReload): void {
  const byName = new Map(m.instances.map((i) => [i.params.name, i]));
  const planned = (name: string): PlannedInstance => {
    const i = byName.get(name);
    if (i === undefined) throw new RangeError(`reload names ${name}, which the new plan lacks`);
    return i;
  };
  t.runtime.reload(
    {
      removed: m.removed,
      changed: m.changed.map(({ name, delta }) => ({ params: planned(name).params, delta })),
      added: m.added.map((name) => {
        const i = planned(name);
        return { params: i.params, ifindex: i.wiring.ifindex };
      }),
      events: m.events,
      syncGroups: m.syncGroups,
    },
    () => {
      t.sockets.sync(m.instances.map(socketWiring));
      t.vips.update(m.instances, new Map(m.interfaces.map((i) => [i.name, i])));
      t.announcer.update(m.instances);
    },
  );
}
