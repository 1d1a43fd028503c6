/**
 * Reload, pure: what happens to a running instance when a reload keeps it with new settings
 * (reconfigure) or deletes it (retire). keepalived 2.2.7 (vrrp.c clear_diff_vrrp,
 * clear_diff_vrrp_vip, restore_vrrp_state): a kept instance keeps its state, its timers, its
 * statistics and its AH sequence number; only the VIPs that left the config are removed and
 * the new ones added (while it holds them). A deleted master sends priority 0 and releases its
 * VIPs; the notify is DELETED with notify_deleted, else FAULT (keepalived's old way), and none
 * for an instance already in FAULT without notify_deleted.
 *
 * A priority change is not applied here: the daemon's trackers send it as a `priority` input,
 * so a master with a new lower priority stays master until a better advert arrives, and a
 * backup with a new higher priority preempts (or not) by the ordinary rules.
 */
import { buildAdvert, deadlineOf, type StepResult, type VrrpState, vipAddress } from './fsm.js';
import { PRIORITY_OWNER, PRIORITY_STOP, type VrrpEffect, type VrrpInstanceParams } from './ports.js';

/** VIP texts (`addr` or `addr/len`) a reload adds to or removes from a kept instance. */
export interface VipDelta {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

const split = (texts: readonly string[], p: VrrpInstanceParams) => ({
  vips: texts.filter((t) => !p.excludedVips.includes(t)),
  excludedVips: texts.filter((t) => p.excludedVips.includes(t)),
  blockIncoming: p.basePriority !== PRIORITY_OWNER && !p.accept,
});

/** The instance keeps running under `next`; only the VIP delta touches the kernel. */
export function reconfigure(
  state: VrrpState,
  next: VrrpInstanceParams,
  delta: VipDelta,
  _nowUs: number,
): StepResult {
  const prev = state.config;
  const r = { ...state.runtime };
  const fx: VrrpEffect[] = [];
  // An owner that lowered itself to 254 on meeting another owner stays lowered unless the
  // configured priority itself changed.
  if (prev.basePriority !== next.basePriority) r.basePriority = next.basePriority;
  if (r.state !== 'BACKUP' || next.version === 2) r.masterAdverIntUs = next.adverIntUs;
  if (r.vipsSet) {
    for (const t of delta.removed) {
      fx.push({ kind: 'log', text: `(${next.name}) ip address ${t}, no longer exist` });
    }
    const routesGone = prev.routes.filter((t) => !next.routes.includes(t));
    const rulesGone = prev.rules.filter((t) => !next.rules.includes(t));
    const routesNew = next.routes.filter((t) => !prev.routes.includes(t));
    const rulesNew = next.rules.filter((t) => !prev.rules.includes(t));
    if (delta.removed.length > 0 || routesGone.length > 0 || rulesGone.length > 0) {
      fx.push({ kind: 'del-vips', ...split(delta.removed, prev), routes: routesGone, rules: rulesGone });
    }
    // keepalived (restore_vrrp_state) adds every route again: the kernel drops a route with
    // the address it depended on, without telling anyone.
    const readdRoutes = delta.removed.length > 0 || routesGone.length > 0 || routesNew.length > 0;
    if (delta.added.length > 0 || readdRoutes || rulesNew.length > 0) {
      const routes = readdRoutes ? next.routes : [];
      fx.push({ kind: 'add-vips', ...split(delta.added, next), routes, rules: rulesNew });
    }
    if (delta.added.length > 0) {
      // keepalived re-announces every address when any was added ("a bit over the top").
      const addresses = [...next.vips, ...next.excludedVips].map(vipAddress);
      if (next.garp.masterRepeat > 0)
        fx.push({ kind: 'announce', addresses, repeat: next.garp.masterRepeat, reason: 'become-master' });
    }
  }
  const runtime = r;
  return { state: { config: next, runtime }, effects: fx, deadlineUs: deadlineOf(runtime) };
}

/** The instance is gone from the config: it leaves the network as keepalived's clear_diff_vrrp. */
export function retire(state: VrrpState, notifyDeleted: boolean, _nowUs: number): StepResult {
  const p = state.config;
  const r = { ...state.runtime };
  const fx: VrrpEffect[] = [{ kind: 'log', text: `(${p.name}) removed by the reload` }];
  if (r.state === 'MASTER') {
    fx.push({ kind: 'send-advert', priority: PRIORITY_STOP, advert: buildAdvert(p, PRIORITY_STOP) });
    fx.push({ kind: 'log', text: `(${p.name}) sent 0 priority`, detail: true });
  }
  if (r.vipsSet) {
    const all = split([...p.vips, ...p.excludedVips], p);
    fx.push({ kind: 'del-vips', ...all, routes: p.routes, rules: p.rules });
  }
  const notifyState = notifyDeleted ? 'DELETED' : r.state === 'FAULT' ? undefined : 'FAULT';
  if (notifyState !== undefined && r.started) {
    fx.push({ kind: 'notify', state: notifyState, priority: r.effectivePriority, deleted: true });
  }
  const runtime = {
    ...r,
    state: 'INIT' as const,
    started: false,
    vipsSet: false,
    sandsUs: undefined,
    garpDelayAtUs: undefined,
    lowerPrioGarpAtUs: undefined,
    masterSinceUs: undefined,
    splitBrainUntilUs: undefined,
  };
  return { state: { config: p, runtime }, effects: fx, deadlineUs: undefined };
}
