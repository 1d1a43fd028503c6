/**
 * Reload as a diff, pure: the running VRRP plan against the one a new configuration gives,
 * instance by instance, VIP by VIP and vrrp_script by vrrp_script, with a printable summary.
 *
 * Identity follows keepalived 2.2.7's vrrp_exist (vrrp.c): an instance is the same one when
 * its VRID, family and interface match, it is still unicast or still multicast, and (unicast)
 * its source address or (multicast) its group is the same; the name is not part of it there.
 * Kept instances keep their state. Some kept instances are restarted here all the same
 * ("replaced": removed, then added) because everything in this daemon is keyed by the name or
 * because the running state would be meaningless under the new settings: a new name, VRRP
 * version, interface index, AH on or off (another socket protocol), or becoming or ceasing to
 * be the address owner (priority 255).
 * VIPs are matched as keepalived's compare_ipaddress: address, prefix and every attribute
 * (interface, scope, label, ...); one whose attributes changed is removed and added.
 * vrrp_scripts are matched by name (clear_diff_script).
 */
import type { VrrpScriptConfig } from '../config/model/vrrp-extras.js';
import { PRIORITY_OWNER } from '../vrrp/ports.js';
import type { PlannedInstance, PlannedVip } from './vrrp-plan.js';

/** What a reload compares: the planned instances and the vrrp_scripts. */
export interface RunningPlan {
  readonly instances: readonly PlannedInstance[];
  readonly scripts: readonly VrrpScriptConfig[];
}

export type InstanceChange =
  | { readonly kind: 'unchanged'; readonly name: string }
  | {
      readonly kind: 'changed';
      readonly name: string;
      /** keepalived keywords whose values changed. */
      readonly fields: readonly string[];
      readonly vipsAdded: readonly string[];
      readonly vipsRemoved: readonly string[];
    }
  /** Same keepalived identity, but restarted: removed then added (see the file comment). */
  | {
      readonly kind: 'replaced';
      readonly name: string;
      readonly oldName: string;
      readonly fields: readonly string[];
    }
  | { readonly kind: 'added'; readonly name: string }
  | { readonly kind: 'removed'; readonly name: string };

export type ScriptChange =
  | { readonly kind: 'unchanged' | 'added' | 'removed'; readonly name: string }
  | { readonly kind: 'changed'; readonly name: string; readonly fields: readonly string[] };

export interface PlanDiff {
  readonly instances: readonly InstanceChange[];
  readonly scripts: readonly ScriptChange[];
}

/** keepalived's vrrp_exist key. */
export function instanceIdentity(i: PlannedInstance): string {
  const w = i.wiring;
  const how = w.multicast ? `multicast ${w.destinations[0] ?? ''}` : `unicast from ${w.srcAddr}`;
  return `IPv${w.family} ${w.ifname} VRID ${i.params.vrid} ${how}`;
}

/** A VIP with every attribute compare_ipaddress looks at (and the rest: a change re-adds it). */
function vipKey(text: string, v: PlannedVip): string {
  return `${text} dev ${v.ifname} ${JSON.stringify(v.config)}`;
}

/** Parameter names as the keepalived keywords an operator wrote. */
const KEYWORD: Readonly<Record<string, string>> = {
  basePriority: 'priority',
  adverIntUs: 'advert_int',
  preempt: 'nopreempt',
  preemptDelayUs: 'preempt_delay',
  initialState: 'state',
  vips: 'virtual_ipaddress',
  excludedVips: 'virtual_ipaddress_excluded',
  routes: 'virtual_routes',
  rules: 'virtual_rules',
  auth: 'authentication',
  unicastPeers: 'unicast_peer',
  destinations: 'unicast_peer',
  srcAddr: 'src_ip',
  strict: 'strict_mode',
  garp: 'garp_*',
  interfaceName: 'interface',
  vrid: 'virtual_router_id',
  version: 'version',
  name: 'name',
  ttl: 'unicast_ttl',
  ifindex: 'interface index',
  intervalUs: 'interval',
  timeoutUs: 'timeout',
  weightReverse: 'weight reverse',
};

const keyword = (k: string): string => KEYWORD[k] ?? k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function changedKeys(a: object, b: object, skip: readonly string[] = []): string[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  return [...keys].filter((k) => !skip.includes(k) && !same(ra[k], rb[k]));
}

/** Settings that restart a kept instance (see the file comment). */
function restartFields(a: PlannedInstance, b: PlannedInstance): string[] {
  const out: string[] = [];
  if (a.params.name !== b.params.name) out.push('name');
  if (a.params.version !== b.params.version) out.push('version');
  if (a.wiring.ifindex !== b.wiring.ifindex) out.push('interface index');
  if ((a.params.auth.type === 'ah') !== (b.params.auth.type === 'ah')) out.push('authentication');
  const owner = (i: PlannedInstance) => i.params.basePriority === PRIORITY_OWNER;
  if (owner(a) !== owner(b)) out.push('priority');
  return out;
}

function diffInstance(a: PlannedInstance, b: PlannedInstance): InstanceChange {
  const restart = restartFields(a, b);
  const fields = [
    ...changedKeys(a.params, b.params, ['name', 'version']),
    ...changedKeys(a.wiring, b.wiring, [
      'name',
      'vips',
      'routes',
      'rules',
      'ifindex',
      'srcAddr',
      'family',
      'ifname',
    ]),
  ];
  const oldVips = new Map([...a.wiring.vips].map(([t, v]) => [vipKey(t, v), t]));
  const newVips = new Map([...b.wiring.vips].map(([t, v]) => [vipKey(t, v), t]));
  const vipsRemoved = [...oldVips].filter(([k]) => !newVips.has(k)).map(([, t]) => t);
  const vipsAdded = [...newVips].filter(([k]) => !oldVips.has(k)).map(([, t]) => t);
  if ((vipsAdded.length > 0 || vipsRemoved.length > 0) && !fields.includes('vips')) fields.push('vips');
  const named = [...new Set([...restart, ...fields.map(keyword)])];
  if (restart.length > 0)
    return { kind: 'replaced', name: b.params.name, oldName: a.params.name, fields: named };
  if (named.length === 0) return { kind: 'unchanged', name: b.params.name };
  return { kind: 'changed', name: b.params.name, fields: named, vipsAdded, vipsRemoved };
}

function diffScripts(a: readonly VrrpScriptConfig[], b: readonly VrrpScriptConfig[]): ScriptChange[] {
  const before = new Map(a.map((s) => [s.name, s]));
  const after = new Set(b.map((s) => s.name));
  const out: ScriptChange[] = [];
  for (const s of a) if (!after.has(s.name)) out.push({ kind: 'removed', name: s.name });
  for (const s of b) {
    const old = before.get(s.name);
    if (old === undefined) {
      out.push({ kind: 'added', name: s.name });
      continue;
    }
    const fields = changedKeys(old, s).map(keyword);
    out.push(
      fields.length === 0 ? { kind: 'unchanged', name: s.name } : { kind: 'changed', name: s.name, fields },
    );
  }
  return out;
}

export function diffPlans(running: RunningPlan, next: RunningPlan): PlanDiff {
  const byIdentity = new Map(next.instances.map((i) => [instanceIdentity(i), i]));
  const matched = new Set<PlannedInstance>();
  const out: InstanceChange[] = [];
  for (const a of running.instances) {
    const b = byIdentity.get(instanceIdentity(a));
    if (b === undefined || matched.has(b)) {
      out.push({ kind: 'removed', name: a.params.name });
      continue;
    }
    matched.add(b);
    out.push(diffInstance(a, b));
  }
  for (const b of next.instances) if (!matched.has(b)) out.push({ kind: 'added', name: b.params.name });
  return { instances: out, scripts: diffScripts(running.scripts, next.scripts) };
}

/** True when the reload changes nothing that runs. */
export function isNoop(d: PlanDiff): boolean {
  return [...d.instances, ...d.scripts].every((c) => c.kind === 'unchanged');
}

/** One line per instance and script, e.g. `VI_1: changed: priority; VIPs +192.0.2.9 -192.0.2.8`. */
export function formatPlanDiff(d: PlanDiff): string[] {
  const lines = d.instances.map(instanceLine);
  for (const s of d.scripts) {
    const what = s.kind === 'changed' ? `changed: ${s.fields.join(', ')}` : s.kind;
    lines.push(`vrrp_script ${s.name}: ${what}`);
  }
  return lines;
}

function instanceLine(c: InstanceChange): string {
  switch (c.kind) {
    case 'unchanged':
      return `vrrp_instance ${c.name}: unchanged`;
    case 'added':
      return `vrrp_instance ${c.name}: added`;
    case 'removed':
      return `vrrp_instance ${c.name}: removed`;
    case 'replaced': {
      const renamed = c.oldName === c.name ? '' : ` (was ${c.oldName})`;
      return `vrrp_instance ${c.name}${renamed}: restarted (${c.fields.join(', ')} changed)`;
    }
    case 'changed': {
      const vips = [...c.vipsAdded.map((v) => `+${v}`), ...c.vipsRemoved.map((v) => `-${v}`)];
      const vipText = vips.length > 0 ? `; VIPs ${vips.join(' ')}` : '';
      return `vrrp_instance ${c.name}: changed: ${c.fields.join(', ')}${vipText}`;
    }
  }
}
