/**
 * Fault reasons are plain strings ("script chk_nginx", "interface eth1"): the trackers name
 * them, the VRRP core only counts them. One kind the core must tell apart: a weight-0 script
 * that has not returned yet. keepalived 2.2.7 holds such an instance in FAULT
 * (vrrp_init_state, num_script_init) without logging "Entering FAULT STATE (init)" and without
 * running notify scripts (send_instance_notifies only when num_script_if_fault); the script's
 * first failure then runs the FAULT notifies (down_instance -> vrrp_state_leave_fault), still
 * without a log line. Measured against keepalived in test/integration/vrrp-script-security.test.ts.
 */
const SCRIPT_INIT_PREFIX = 'init ';

/** The reason a weight-0 tracked object that has not reported yet holds its instance down. */
export function initFaultReason(reason: string): string {
  return `${SCRIPT_INIT_PREFIX}${reason}`;
}

export function isInitFaultReason(reason: string): boolean {
  return reason.startsWith(SCRIPT_INIT_PREFIX);
}

/** True when there are reasons and all of them are init reasons (keepalived's silent FAULT). */
export function onlyInitFaults(reasons: ReadonlySet<string>): boolean {
  if (reasons.size === 0) return false;
  for (const r of reasons) if (!isInitFaultReason(r)) return false;
  return true;
}
