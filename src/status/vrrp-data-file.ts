/**
 * keepalived's /tmp/keepalived.data (SIGUSR1), VRRP part: the "VRRP Topology" section of its
 * dump_data_vrrp(), one block per instance with keepalived's line wording and indentation.
 * Pure: the instances' parameters and runtime in, text out.
 *
 * Omitted (README "deliberate differences"): keepalived's global definitions, socket pool and
 * interface sections; per instance the wall-clock lines (Last transition, Read timeout), the
 * socket fds, the tracked objects, routes and rules, and the v2 password (not written to disk).
 */
import type { VrrpRuntime } from '../vrrp/fsm.js';
import type { InstanceStats } from '../vrrp/instance.js';
import type { VrrpInstanceParams } from '../vrrp/ports.js';

/** What the VRRP worker reports of one instance for the dumps (structured-clone safe). */
export interface InstanceDump {
  readonly params: VrrpInstanceParams;
  readonly runtime: VrrpRuntime;
  readonly stats: InstanceStats;
  /** The vrrp_sync_group it is a member of. */
  readonly syncGroup: string | undefined;
  /** Its interface's index (keepalived prints it beside the IPv6 multicast group). */
  readonly ifindex: number;
}

const MCAST = { 4: '224.0.0.18', 6: 'ff02::12' } as const;
const US_PER_S = 1_000_000;

/** keepalived's "%g" for the few non-integral seconds it prints. */
function g(n: number): string {
  return String(Number(n.toPrecision(6)));
}

function instanceBlock(d: InstanceDump): string[] {
  const p = d.params;
  const r = d.runtime;
  const l: string[] = [` VRRP Instance = ${p.name}`, `   VRRP Version = ${p.version}`];
  if (d.syncGroup !== undefined) l.push(`   Sync group = ${d.syncGroup}`);
  if (p.family === 6) l.push('   Using Native IPv6');
  l.push(`   State = ${r.state}`);
  if (r.state === 'BACKUP' && r.masterAddr !== undefined) {
    l.push(`   Master router = ${r.masterAddr}`, `   Master priority = ${r.masterPriority ?? 0}`);
    if (p.version === 3) l.push(`   Master advert int = ${(r.masterAdverIntUs / US_PER_S).toFixed(2)} sec`);
  }
  const unicast = p.unicastPeers.length > 0;
  l.push(unicast ? '   Flags:' : '   Flags: none');
  if (unicast) l.push('     Using unicast');
  l.push(
    `   Wantstate = ${r.wantState}`,
    '   Number of config faults = 0',
    `   Number of interface and track script faults = ${r.faults.size}`,
    `   Master down timer = ${r.msDownTimerUs} usecs`,
    `   Interface = ${p.interfaceName}`,
  );
  if (p.skipCheckAdvAddr) l.push('   Skip checking advert IP addresses');
  if (p.strict) l.push('   Enforcing strict VRRP compliance');
  // An instance that waits for its interface has no source yet (daemon/waiting-dump.ts).
  l.push(`   Using src_ip = ${p.srcAddr === '' ? '(none)' : p.srcAddr}`);
  if (!unicast) {
    l.push(
      p.family === 4
        ? `   Multicast address ${MCAST[4]}`
        : `   Multicast address ${MCAST[6]}, ifindex ${d.ifindex}`,
    );
  }
  l.push(
    `   Gratuitous ARP delay = ${Math.trunc(p.garp.masterDelayUs / US_PER_S)}`,
    `   Gratuitous ARP repeat = ${p.garp.masterRepeat}`,
    `   Gratuitous ARP refresh = ${Math.trunc(p.garp.masterRefreshUs / US_PER_S)}`,
    `   Gratuitous ARP refresh repeat = ${p.garp.masterRefreshRepeat}`,
    `   Gratuitous ARP lower priority delay = ${Math.trunc(p.garp.lowerPrioDelayUs / US_PER_S)}`,
    `   Gratuitous ARP lower priority repeat = ${p.garp.lowerPrioRepeat}`,
    `   Down timer adverts = ${p.downTimerAdverts}`,
    `   Send advert after receive lower priority advert = ${p.lowerPrioNoAdvert ? 'false' : 'true'}`,
    `   Send advert after receive higher priority advert = ${p.higherPrioSendAdvert ? 'true' : 'false'}`,
    `   Virtual Router ID = ${p.vrid}`,
    `   Priority = ${p.basePriority}`,
    `   Effective priority = ${r.effectivePriority}`,
    `   Total priority = ${r.totalPriority}`,
    p.version === 2
      ? `   Advert interval = ${Math.trunc(p.adverIntUs / US_PER_S)} sec`
      : `   Advert interval = ${Math.trunc(p.adverIntUs / 1000)} milli-sec`,
  );
  if (r.state === 'BACKUP' && p.version === 3)
    l.push(`   Master advert interval = ${Math.trunc(r.masterAdverIntUs / 1000)} milli-sec`);
  l.push(
    `   Accept = ${p.accept ? 'enabled' : 'disabled'}`,
    `   Preempt = ${p.preempt ? 'enabled' : 'disabled'}`,
  );
  if (p.preemptDelayUs > 0) l.push(`   Preempt delay = ${g(p.preemptDelayUs / US_PER_S)} secs`);
  if (p.auth.type !== 'none')
    l.push(`   Authentication type = ${p.auth.type === 'ah' ? 'IPSEC_AH' : 'SIMPLE_PASSWORD'}`);
  else if (p.version === 2) l.push('   Authentication type = none');
  if (p.vips.length > 0) {
    l.push(`   Virtual IP (${p.vips.length}):`);
    for (const v of p.vips) l.push(`     ${v} dev ${p.interfaceName} scope global${r.vipsSet ? ' set' : ''}`);
  }
  if (p.excludedVips.length > 0) {
    l.push('   Virtual IP Excluded :');
    for (const v of p.excludedVips)
      l.push(`     ${v} dev ${p.interfaceName} scope global${r.vipsSet ? ' set' : ''}`);
  }
  if (unicast) {
    l.push(`   Check unicast src : ${p.checkUnicastSrc ? 'yes' : 'no'}`, '   Unicast Peer :');
    for (const peer of p.unicastPeers) l.push(`     ${peer}`);
  }
  // keepalived-ts's own counter; the data file is for people, who may want it.
  if (d.stats.splitBrain > 0) l.push(`   Split brain episodes = ${d.stats.splitBrain}`);
  return l;
}

/** The file's text: the VRRP Topology section, instances in config order. */
export function formatDataFile(instances: readonly InstanceDump[]): string {
  const lines = ['------< VRRP Topology >------'];
  for (const d of instances) lines.push(...instanceBlock(d));
  return `${lines.join('\n')}\n`;
}
