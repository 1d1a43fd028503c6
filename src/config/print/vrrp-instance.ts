/**
 * vrrp_instance blocks. Values that keepalived derives from global_defs (GARP timings, strict
 * mode, smtp_alert, ...) are written only when the instance's value differs from what it would
 * derive, so a printed instance still follows its global_defs.
 */
import type { GlobalDefs } from '../model/global.js';
import type { TrackedObjectConfig, VrrpInstanceConfig } from '../model/vrrp-instance.js';
import { type Out, scriptLine, seconds, weightWords, word } from './format.js';
import { addressLine, routeLine, ruleLine } from './net.js';

const SECOND_US = 1_000_000;

function tracked(o: Out, keyword: string, list: readonly TrackedObjectConfig[], noreverse: boolean): void {
  if (list.length === 0) return;
  o.block(keyword, (b) => {
    for (const t of list) b.line(word(t.name), ...weightWords(t.weight, t.weightReverse, noreverse));
  });
}

function lines(o: Out, keyword: string, items: readonly string[]): void {
  if (items.length === 0) return;
  o.block(keyword, (b) => {
    for (const l of items) b.line(l);
  });
}

function identity(v: VrrpInstanceConfig, g: GlobalDefs, o: Out): void {
  o.line('state', v.state);
  if (v.interface !== undefined) o.line('interface', word(v.interface));
  if (v.vrf !== undefined) o.line('vrf', word(v.vrf));
  o.line('virtual_router_id', v.vrid);
  o.line('priority', v.priority);
  if (v.advertIntUs !== SECOND_US) o.line('advert_int', seconds(v.advertIntUs));
  // native_ipv6 implies version 3; so does any IPv6 address.
  if (v.nativeIpv6) o.line('native_ipv6');
  const dfltVersion = v.family === 6 ? 3 : g.vrrpVersion;
  if (v.version !== dfltVersion) o.line('version', v.version);
  if (v.auth)
    o.block('authentication', (b) => {
      b.line('auth_type', v.auth?.type);
      b.line('auth_pass', word(v.auth?.pass ?? ''));
    });
}

function unicast(v: VrrpInstanceConfig, g: GlobalDefs, o: Out): void {
  if (v.mcastSrcIp !== undefined) o.line('mcast_src_ip', v.mcastSrcIp);
  const group = v.family === 6 ? g.vrrpMcastGroup6 : g.vrrpMcastGroup4;
  if (v.mcastDstIp !== undefined && v.mcastDstIp !== group) o.line('mcast_dst_ip', v.mcastDstIp);
  if (v.unicastSrcIp !== undefined) o.line('unicast_src_ip', v.unicastSrcIp);
  if (v.unicastPeers.length > 0)
    o.block('unicast_peer', (b) => {
      for (const p of v.unicastPeers) {
        const ttl: (string | number)[] = [];
        if (p.minTtl !== 0) ttl.push('min_ttl', p.minTtl);
        if (p.maxTtl !== 255) ttl.push('max_ttl', p.maxTtl);
        b.line(p.address, ...ttl.map(String));
      }
    });
  if (v.unicastFaultNoPeer) o.line('unicast_fault_no_peer');
  if (v.checkUnicastSrc) o.line('check_unicast_src');
  // IPv4 instances get 255 when unset; without peers keepalived resets a given value to 0.
  if (v.unicastTtl !== undefined && !(v.family === 4 && v.unicastTtl === 255))
    o.line('unicast_ttl', v.unicastTtl);
  if (v.oldUnicastChecksum !== undefined)
    o.line('old_unicast_checksum', v.oldUnicastChecksum === 'never' ? 'never' : undefined);
}

function vmacIpvlan(v: VrrpInstanceConfig, o: Out): void {
  const m = v.vmac;
  if (m) {
    // A 5-octet MAC (macUsesVrid) is stored as given; the VRID completes it.
    o.line('use_vmac', m.ifname === undefined ? undefined : word(m.ifname), m.mac);
    if (m.useVmacAddr) o.line('use_vmac_addr');
    if (m.xmitBase) o.line('vmac_xmit_base');
  }
  const i = v.ipvlan;
  if (i) {
    const a = i.address;
    o.line(
      'use_ipvlan',
      i.ifname === undefined ? undefined : word(i.ifname),
      a && `${a.address}/${a.prefixLen}`,
      i.mode,
    );
  }
}

function addresses(v: VrrpInstanceConfig, o: Out): void {
  lines(o, 'virtual_ipaddress', v.virtualIpaddresses.map(addressLine));
  lines(o, 'virtual_ipaddress_excluded', v.virtualIpaddressesExcluded.map(addressLine));
  lines(o, 'virtual_routes', v.virtualRoutes.map(routeLine));
  lines(o, 'virtual_rules', v.virtualRules.map(ruleLine));
}

function tracking(v: VrrpInstanceConfig, o: Out): void {
  if (v.trackInterfaces.length > 0)
    o.block('track_interface', (b) => {
      for (const t of v.trackInterfaces) b.line(word(t.name), ...weightWords(t.weight, t.weightReverse));
    });
  tracked(o, 'track_script', v.trackScripts, true);
  tracked(o, 'track_file', v.trackFiles, true);
  tracked(o, 'track_process', v.trackProcesses, true);
  tracked(o, 'track_bfd', v.trackBfds, true);
  if (v.trackSrcIp) o.line('track_src_ip');
  if (v.dontTrackPrimary) o.line('dont_track_primary');
}

function behaviour(v: VrrpInstanceConfig, g: GlobalDefs, o: Out): void {
  if (v.strictMode !== g.vrrpStrict) o.line('strict_mode', v.strictMode ? 'true' : 'false');
  const strict = v.strictMode;
  if (v.nopreempt) o.line('nopreempt');
  if (v.preemptDelayUs !== 0) o.line('preempt_delay', seconds(v.preemptDelayUs));
  if (v.accept !== (v.priority === 255 ? true : !strict)) o.line(v.accept ? 'accept' : 'no_accept');
  if (v.skipCheckAdvAddr && !g.vrrpSkipCheckAdvAddr) o.line('skip_check_adv_addr');
  if (v.promoteSecondaries) o.line('promote_secondaries');
  if (v.linkbeatUsePolling) o.line('linkbeat_use_polling');
  if (v.debug !== 0) o.line('debug', v.debug);
  if (v.kernelRxBufSize !== 0) o.line('kernel_rx_buf_size', v.kernelRxBufSize);
  if (v.lowerPrioNoAdvert !== (strict ? true : g.vrrpLowerPrioNoAdvert))
    o.line('lower_prio_no_advert', v.lowerPrioNoAdvert ? 'true' : 'false');
  if (v.higherPrioSendAdvert !== (strict ? false : g.vrrpHigherPrioSendAdvert))
    o.line('higher_prio_send_advert', v.higherPrioSendAdvert ? 'true' : 'false');
}

function garp(v: VrrpInstanceConfig, g: GlobalDefs, o: Out): void {
  if (v.garpMasterDelayUs !== g.vrrpGarpMasterDelayUs)
    o.line('garp_master_delay', v.garpMasterDelayUs / SECOND_US);
  if (v.garpMasterRepeat !== g.vrrpGarpMasterRepeat) o.line('garp_master_repeat', v.garpMasterRepeat);
  if (v.garpMasterRefreshUs !== g.vrrpGarpMasterRefreshUs)
    o.line('garp_master_refresh', v.garpMasterRefreshUs / SECOND_US);
  if (v.garpMasterRefreshRepeat !== g.vrrpGarpMasterRefreshRepeat)
    o.line('garp_master_refresh_repeat', v.garpMasterRefreshRepeat);
  const strict = v.strictMode;
  const lowDelay = strict ? 0 : (g.vrrpGarpLowerPrioDelayUs ?? g.vrrpGarpMasterDelayUs);
  if (v.garpLowerPrioDelayUs !== lowDelay)
    o.line('garp_lower_prio_delay', v.garpLowerPrioDelayUs / SECOND_US);
  const lowRep = strict ? 0 : (g.vrrpGarpLowerPrioRepeat ?? g.vrrpGarpMasterRepeat);
  if (v.garpLowerPrioRepeat !== lowRep) o.line('garp_lower_prio_repeat', v.garpLowerPrioRepeat);
  if (v.downTimerAdverts !== g.vrrpDownTimerAdverts) o.line('down_timer_adverts', v.downTimerAdverts);
  const extra = v.garpExtraIfS ?? g.vrrpGarpExtraIfS;
  if (extra !== g.vrrpGarpExtraIfS || v.garpExtraIfAll !== g.vrrpGarpExtraIfAll)
    o.line('garp_extra_if', extra, v.garpExtraIfAll ? 'all' : undefined);
}

function notify(v: VrrpInstanceConfig, g: GlobalDefs, o: Out): void {
  const n = v.notify;
  scriptLine(o, 'notify_master', n.master);
  scriptLine(o, 'notify_backup', n.backup);
  scriptLine(o, 'notify_fault', n.fault);
  scriptLine(o, 'notify_stop', n.stop);
  if (n.deleted) scriptLine(o, 'notify_deleted', n.deleted);
  else if (n.notifyDeleted) o.line('notify_deleted');
  scriptLine(o, 'notify', n.notify);
  scriptLine(o, 'notify_master_rx_lower_pri', n.masterRxLowerPri);
  const alert = g.smtpAlertVrrp ?? g.smtpAlert ?? false;
  if (v.smtpAlert !== undefined && v.smtpAlert !== alert)
    o.line('smtp_alert', v.smtpAlert ? 'true' : 'false');
  if (v.notifyPriorityChanges !== undefined && v.notifyPriorityChanges !== g.vrrpNotifyPriorityChanges)
    o.line('notify_priority_changes', v.notifyPriorityChanges ? 'true' : 'false');
}

export function printVrrpInstance(v: VrrpInstanceConfig, g: GlobalDefs, o: Out): void {
  o.block(`vrrp_instance ${word(v.name)}`, (b) => {
    identity(v, g, b);
    vmacIpvlan(v, b);
    unicast(v, g, b);
    addresses(v, b);
    tracking(v, b);
    behaviour(v, g, b);
    garp(v, g, b);
    notify(v, g, b);
  });
}
