/**
 * The VRRP section's supporting root blocks: vrrp_script, vrrp_track_process,
 * vrrp_sync_group, track_group, static_ipaddress / static_routes / static_rules, garp_group,
 * linkbeat_interfaces and interface_up_down_delays.
 */
import { VRRP_SCRIPT_DEFAULTS, type VrrpExtrasConfig } from '../model/vrrp-extras.js';
import { commandWord, type Out, scriptLine, seconds, userWords, weightWords, word } from './format.js';
import { addressLine, routeLine, ruleLine } from './net.js';

const SECOND_US = 1_000_000;
const UINT_MAX = 4294967295;

/** Blocks that vrrp_instance lines refer to by name: printed before the instances. */
export function printVrrpTrackers(x: VrrpExtrasConfig, o: Out): void {
  for (const s of x.scripts) {
    o.block(`vrrp_script ${word(s.name)}`, (b) => {
      b.line('script', commandWord(s.script.args));
      if (s.script.runAs) b.line('user', ...userWords(s.script.runAs));
      const d = VRRP_SCRIPT_DEFAULTS;
      if (s.intervalUs !== d.intervalUs) b.line('interval', s.intervalUs / SECOND_US);
      if (s.timeoutUs !== d.timeoutUs) b.line('timeout', s.timeoutUs / SECOND_US);
      if (s.weight !== d.weight || s.weightReverse)
        b.line('weight', s.weight, s.weightReverse ? 'reverse' : undefined);
      if (s.rise !== d.rise) b.line('rise', s.rise);
      if (s.fall !== d.fall) b.line('fall', s.fall);
      if (s.initFail) b.line('init_fail');
    });
  }
  for (const p of x.trackProcesses) {
    o.block(`vrrp_track_process ${word(p.name)}`, (b) => {
      b.line('process', word(p.process), ...p.params.map(word));
      // Parameters imply full_command and exact matching.
      if (p.paramMatch !== 'none' && (p.params.length === 0 || p.paramMatch !== 'exact'))
        b.line('param_match', p.paramMatch === 'exact' ? undefined : p.paramMatch);
      if (p.fullCommand && p.paramMatch === 'none') b.line('full_command');
      if (p.weight !== 0 || p.weightReverse)
        b.line('weight', p.weight, p.weightReverse ? 'reverse' : undefined);
      if (p.quorumMax !== UINT_MAX) b.line('quorum_max', p.quorumMax);
      if (p.quorum !== 1 && p.quorumMax !== 0) b.line('quorum', p.quorum);
      if (p.terminateDelayUs !== 0) b.line('terminate_delay', seconds(p.terminateDelayUs));
      if (p.forkDelayUs !== 0) b.line('fork_delay', seconds(p.forkDelayUs));
    });
  }
}

/** static_*, track_group, garp_group, linkbeat_interfaces, interface_up_down_delays. */
export function printVrrpStatics(x: VrrpExtrasConfig, o: Out): void {
  for (const t of x.trackGroups) {
    o.block(`track_group ${word(t.name)}`, (b) => {
      b.block('group', (gb) => {
        for (const i of t.instances) gb.line(word(i));
      });
    });
  }
  const lines = (keyword: string, items: readonly string[]): void => {
    if (items.length > 0)
      o.block(keyword, (b) => {
        for (const l of items) b.line(l);
      });
  };
  lines('static_ipaddress', x.staticAddresses.map(addressLine));
  lines('static_routes', x.staticRoutes.map(routeLine));
  lines('static_rules', x.staticRules.map(ruleLine));
  for (const g of x.garpGroups) {
    o.block('garp_group', (b) => {
      if (g.garpIntervalUs !== undefined) b.line('garp_interval', seconds(g.garpIntervalUs));
      if (g.gnaIntervalUs !== undefined) b.line('gna_interval', seconds(g.gnaIntervalUs));
      if (g.aggregationGroup !== 0)
        b.block('interfaces', (ib) => {
          for (const i of g.interfaces) ib.line(word(i));
        });
      else for (const i of g.interfaces) b.line('interface', word(i));
    });
  }
  lines(
    'linkbeat_interfaces',
    x.linkbeatInterfaces.map((l) => [word(l.interface), ...(l.type === 'default' ? [] : [l.type])].join(' ')),
  );
  lines(
    'interface_up_down_delays',
    x.interfaceDelays.map((d) => `${word(d.interface)} ${seconds(d.downDelayUs)} ${seconds(d.upDelayUs)}`),
  );
}

/** vrrp_sync_group blocks: printed after the instances they group. */
export function printSyncGroups(x: VrrpExtrasConfig, o: Out): void {
  for (const s of x.syncGroups) {
    o.block(`vrrp_sync_group ${word(s.name)}`, (b) => {
      b.block('group', (gb) => {
        for (const i of s.instances) gb.line(word(i));
      });
      const tracks: [string, readonly { name: string; weight: number; weightReverse: boolean }[], boolean][] =
        [
          ['track_interface', s.trackInterfaces, false],
          ['track_script', s.trackScripts, true],
          ['track_file', s.trackFiles, true],
          ['track_process', s.trackProcesses, true],
          ['track_bfd', s.trackBfds, true],
        ];
      for (const [k, list, noreverse] of tracks) {
        if (list.length === 0) continue;
        b.block(k, (tb) => {
          for (const t of list) tb.line(word(t.name), ...weightWords(t.weight, t.weightReverse, noreverse));
        });
      }
      scriptLine(b, 'notify_master', s.notifyMaster);
      scriptLine(b, 'notify_backup', s.notifyBackup);
      scriptLine(b, 'notify_fault', s.notifyFault);
      scriptLine(b, 'notify_stop', s.notifyStop);
      scriptLine(b, 'notify', s.notify);
      if (s.smtpAlert !== undefined) b.line('smtp_alert', s.smtpAlert ? 'true' : 'false');
      if (s.trackingWeight) b.line('sync_group_tracking_weight');
      if (s.notifyPriorityChanges !== undefined)
        b.line('notify_priority_changes', s.notifyPriorityChanges ? 'true' : 'false');
    });
  }
}
