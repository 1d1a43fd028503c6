/**
 * vrrp_sync_group, pure: members change state together (keepalived 2.2.7 vrrp_sync.c and the
 * VRRP_TSM table of vrrp_scheduler.c, down_instance / try_up_instance of vrrp_track.c):
 *  - a member going MASTER (its master-down timer ran out, or it came out of FAULT as MASTER)
 *    takes the others to MASTER, but only once every member wants MASTER: a member whose
 *    timer runs out first is held in BACKUP ("prefer backup state to avoid thrashing");
 *  - a MASTER member going BACKUP takes the others to BACKUP (no priority-0 advert); one that
 *    lost a VIP, route or rule to someone else takes the other masters with it, each with a
 *    priority-0 advert and back after its skew time (set_vrrp_backup);
 *  - the first member down by its own trackers takes the others to FAULT (a master among them
 *    sends priority 0); they stay in FAULT until the last faulty member is up again, which
 *    then takes them to BACKUP (or MASTER);
 *  - each group change logs "VRRP_Group(G) Syncing instances to S state" first, moves the
 *    other members, then notifies the group (scripts "GROUP" G S 0, FIFO, mail);
 *  - an instance notify is skipped when the instance is already in its group's state and has
 *    notified before (send_instance_notifies);
 *  - a master member hearing a lower priority also re-announces the other members' VIPs
 *    (garp_lower_prio_repeat, vrrp_state_master_rx).
 * The engine owns one SyncGroups and routes every input of a member through it.
 */
import type { SyncView, VrrpRuntime } from './fsm.js';
import type { InstanceInput, VrrpInstance } from './instance.js';
import type { GroupNotifyState, VrrpEffect } from './ports.js';

export interface SyncGroupSpec {
  readonly name: string;
  /** Member instance names, in the config's order. */
  readonly members: readonly string[];
}

export type GroupState = 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

export interface MemberEffects {
  readonly instance: string;
  readonly effects: readonly VrrpEffect[];
}

interface Group {
  readonly name: string;
  readonly members: VrrpInstance[];
  state: GroupState;
  /** keepalived's notifies_sent, per member. */
  readonly notified: Set<string>;
}

/** vrrp_sync_set_group + the FAULT rule of vrrp_complete_init: the state a group starts in. */
export function initialGroupState(members: readonly VrrpRuntimeLike[]): GroupState {
  if (members.some((m) => m.runtime.faults.size > 0)) return 'FAULT';
  const owners = members.every((m) => m.config.initialState === 'MASTER' && m.config.basePriority === 255);
  return owners ? 'MASTER' : 'BACKUP';
}

interface VrrpRuntimeLike {
  readonly runtime: VrrpRuntime;
  readonly config: { readonly initialState: 'MASTER' | 'BACKUP'; readonly basePriority: number };
}

const groupLine = (g: Group, s: GroupState): MemberEffects => ({
  instance: '',
  effects: [{ kind: 'log', text: `VRRP_Group(${g.name}) Syncing instances to ${s} state` }],
});

const groupNotify = (g: Group, state: GroupNotifyState): MemberEffects => ({
  instance: '',
  effects: [{ kind: 'notify-group', group: g.name, state }],
});

export class SyncGroups {
  readonly #groups: Group[] = [];
  readonly #byMember = new Map<string, Group>();

  /** `lookup` finds the engine's instances; members it does not know are left out. */
  constructor(specs: readonly SyncGroupSpec[], lookup: (name: string) => VrrpInstance | undefined) {
    this.replace(specs, lookup);
  }

  /**
   * A reload: the groups of the new config, their members keeping their states; each group's
   * state is that of its members:
   * FAULT if one is down, MASTER if all are, else BACKUP. Returns the notifies of the groups now
   * in FAULT or BACKUP that were not in that state before (keepalived's vrrp_init_state at
   * reload, with state_same_at_reload); a MASTER group does not notify.
   */
  replace(
    specs: readonly SyncGroupSpec[],
    lookup: (name: string) => VrrpInstance | undefined,
  ): MemberEffects[] {
    const old = new Map(this.#groups.map((g) => [g.name, g]));
    this.#groups.length = 0;
    this.#byMember.clear();
    const out: MemberEffects[] = [];
    for (const spec of specs) {
      const members = spec.members.map(lookup).filter((i): i is VrrpInstance => i !== undefined);
      if (members.length === 0) continue;
      const before = old.get(spec.name);
      const started = members.some((m) => m.state.runtime.started);
      const g: Group = {
        name: spec.name,
        members,
        state: started ? stateOfMembers(members) : 'BACKUP',
        notified: new Set(before?.notified ?? []),
      };
      // vrrp_init_state at reload: FAULT and BACKUP groups notify unless their state is unchanged.
      const changed = before === undefined || before.state !== g.state;
      if (started && changed && g.state !== 'MASTER') out.push(groupNotify(g, g.state));
      this.#groups.push(g);
      for (const m of members) this.#byMember.set(m.name, g);
    }
    return out;
  }

  isMember(name: string): boolean {
    return this.#byMember.has(name);
  }

  groupState(name: string): GroupState | undefined {
    return this.#groups.find((g) => g.name === name)?.state;
  }

  get names(): readonly string[] {
    return this.#groups.map((g) => g.name);
  }

  /**
   * Start-up in keepalived's order: members of groups in FAULT first (their FAULT notifies), then
   * the FAULT and BACKUP groups' notifies, then every other instance, in `all`'s order.
   */
  start(all: readonly VrrpInstance[], nowUs: number): MemberEffects[] {
    const out: MemberEffects[] = [];
    for (const g of this.#groups) g.state = initialGroupState(g.members.map((m) => m.state));
    const first = all.filter((i) => this.#byMember.get(i.name)?.state === 'FAULT');
    for (const i of first) out.push(...this.run(i, { kind: 'start' }, nowUs));
    for (const g of this.#groups) if (g.state !== 'MASTER') out.push(groupNotify(g, g.state));
    for (const i of all) if (!first.includes(i)) out.push(...this.run(i, { kind: 'start' }, nowUs));
    return out;
  }

  /** Shutdown: every instance notifies STOP, then every group (notify_shutdown). */
  stop(all: readonly VrrpInstance[], nowUs: number): MemberEffects[] {
    const out = all.flatMap((i) => this.run(i, { kind: 'stop' }, nowUs));
    for (const g of this.#groups) {
      g.state = 'STOP';
      out.push(groupNotify(g, 'STOP'));
    }
    return out;
  }

  /** One input for one instance, and what its group makes of the change. */
  run(i: VrrpInstance, input: InstanceInput, nowUs: number): MemberEffects[] {
    const g = this.#byMember.get(i.name);
    if (g === undefined) return [{ instance: i.name, effects: i.handle(input, nowUs).effects }];
    const before = i.state.runtime;
    const othersFaultyBefore = others(g, i).some((o) => o.state.runtime.faults.size > 0);
    const first = this.#member(g, i, input, nowUs);
    const out = [first];
    const after = i.state.runtime;
    if (!after.started || input.kind === 'start' || input.kind === 'stop') return out;
    if (input.kind === 'released') {
      // set_vrrp_backup: the other masters of the group give up too, each to come back after
      // its skew time; the group is BACKUP, with no "Syncing" line and no group notify.
      if (before.state !== 'MASTER') return out;
      for (const o of others(g, i))
        if (o.state.runtime.state === 'MASTER') out.push(this.#member(g, o, input, nowUs));
      g.state = 'BACKUP';
      return out;
    }
    if (input.kind === 'fault-set') {
      // down_instance: the first member down takes the group down.
      if (before.faults.size === 0 && after.faults.size > 0 && !othersFaultyBefore)
        out.push(...this.#sync(g, i, 'FAULT', nowUs));
    } else if (input.kind === 'fault-clear') {
      // try_up_instance: the last member up brings the others with it.
      if (before.state === 'FAULT' && after.state !== 'FAULT')
        out.push(...this.#sync(g, i, after.state === 'MASTER' ? 'MASTER' : 'BACKUP', nowUs));
    } else if (after.state === 'MASTER' && before.state !== 'INIT') {
      out.push(...this.#sync(g, i, 'MASTER', nowUs));
    } else if (after.state === 'BACKUP' && before.state === 'MASTER') {
      out.push(...this.#sync(g, i, 'BACKUP', nowUs));
    }
    if (first.effects.some((e) => e.kind === 'notify-event')) {
      for (const o of others(g, i)) out.push(this.#member(g, o, { kind: 'sync-lower-prio-garp' }, nowUs));
    }
    return out;
  }

  /** vrrp_sync_master / vrrp_sync_backup / vrrp_sync_fault. */
  #sync(g: Group, trigger: VrrpInstance, to: 'MASTER' | 'BACKUP' | 'FAULT', nowUs: number): MemberEffects[] {
    if (g.state === to) return [];
    if (to === 'MASTER' && !others(g, trigger).every((o) => o.state.runtime.wantState === 'MASTER'))
      return [];
    const out = [groupLine(g, to)];
    for (const o of others(g, trigger)) {
      if (o.state.runtime.state !== to) out.push(this.#member(g, o, { kind: 'sync', to }, nowUs));
    }
    g.state = to;
    out.push(groupNotify(g, to));
    return out;
  }

  #member(g: Group, i: VrrpInstance, input: InstanceInput, nowUs: number): MemberEffects {
    const rest = others(g, i);
    const view: SyncView = {
      groupState: g.state,
      othersWantMaster: rest.every((o) => o.state.runtime.wantState === 'MASTER'),
      othersFaulty: rest.some((o) => o.state.runtime.faults.size > 0),
    };
    const effects = i.handle(input, nowUs, view).effects.filter((e) => {
      if (e.kind !== 'notify') return true;
      if (g.notified.has(i.name) && e.state === g.state) return false;
      g.notified.add(i.name);
      return true;
    });
    return { instance: i.name, effects };
  }
}

function others(g: Group, i: VrrpInstance): VrrpInstance[] {
  return g.members.filter((m) => m !== i);
}

function stateOfMembers(members: readonly VrrpInstance[]): GroupState {
  const states = members.map((m) => m.state.runtime);
  if (states.some((r) => r.faults.size > 0 || r.state === 'FAULT')) return 'FAULT';
  if (states.every((r) => r.state === 'MASTER')) return 'MASTER';
  return 'BACKUP';
}
