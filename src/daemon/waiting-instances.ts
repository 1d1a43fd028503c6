/**
 * Instances the config has but the plan could not start (their interface is missing, or has
 * no address to send adverts from yet). keepalived with dynamic_interfaces runs them once the
 * interface appears; the daemon re-plans when a link change concerns one of these interfaces.
 */
import type { KeepalivedConfig } from '../config/model.js';

/** The interfaces that unplanned instances wait for. */
export function waitingInterfaces(
  config: KeepalivedConfig,
  planned: readonly { readonly params: { readonly name: string } }[],
): Set<string> {
  const running = new Set(planned.map((p) => p.params.name));
  const out = new Set<string>();
  for (const v of config.vrrp.instances)
    if (v.interface !== undefined && !running.has(v.name)) out.add(v.interface);
  return out;
}
