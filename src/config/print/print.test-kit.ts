/**
 * fast-check building blocks for printConfig()'s properties: keepalived.conf text assembled
 * from keyword snippets (global_defs, vrrp_script, track_file, vrrp_instance with VIPs, flags
 * and tracking, virtual_server with real servers and random checker blocks). The text need not
 * be valid: whatever model keepalived's rules leave is what must round-trip.
 */
import fc from 'fast-check';

const iface = fc.constantFrom('eth0', 'eth1', 'eth2', 'eth3');
const octet = fc.integer({ min: 1, max: 254 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => `10.${o[1]}.${o[2]}.${o[3]}`);
const ipv6 = fc
  .tuple(fc.integer({ min: 1, max: 0xffff }), fc.integer({ min: 1, max: 0xffff }))
  .map(([a, b]) => `2001:db8:${a.toString(16)}::${b.toString(16)}`);
const secs = fc.oneof(
  fc.integer({ min: 1, max: 30 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 999999 })).map(([a, b]) => `${a}.${b}`),
);
/** Script arguments, some with spaces or quotes that the printer must quote. */
const arg = fc.constantFrom('start', 'a b', "it's", '--flag=1', 'x\\y', '$HOME', '#hash', '{brace}');
const command = fc
  .tuple(
    fc.constantFrom('/usr/local/bin/check', '/etc/keepalived/my script.sh'),
    fc.array(arg, { maxLength: 3 }),
  )
  .map(([cmd, args]) => [cmd, ...args]);
/** A command line as a config writer quotes it: the whole line in double quotes. */
const commandText = command.map((a) => {
  // Quoted for the inner (command) split, then escaped again for the outer (line) split.
  const inner = a.map((x) => `'${x.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(' ');
  return `"${inner.replace(/\\/g, '\\\\')}"`;
});
const weight = fc.integer({ min: -260, max: 260 });
const bool = fc.constantFrom('true', 'false', 'on', 'off');
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | ''> => fc.option(a, { nil: '' });

const globalDefs = fc
  .tuple(
    opt(fc.constantFrom('router_id lb01', 'router_id "my router"')),
    opt(fc.constantFrom('vrrp_strict', 'vrrp_skip_check_adv_addr', 'enable_script_security')),
    opt(fc.integer({ min: 0, max: 10 }).map((n) => `vrrp_garp_master_delay ${n}`)),
    opt(fc.integer({ min: 1, max: 5 }).map((n) => `vrrp_garp_master_repeat ${n}`)),
    opt(bool.map((b) => `smtp_alert ${b}`)),
    opt(fc.constantFrom('vrrp_version 3', 'vrrp_version 2')),
    opt(secs.map((s) => `vrrp_garp_interval ${s}`)),
    opt(fc.constantFrom('vrrp_lower_prio_no_advert', 'vrrp_higher_prio_send_advert true')),
    opt(fc.constantFrom('notification_email {\n a@b.c\n d@e.f\n}', 'smtp_server 192.0.2.1 2525')),
  )
  .map((lines) => `global_defs {\n${lines.filter(Boolean).join('\n')}\n}\n`);

const scripts = fc.array(
  fc.tuple(commandText, fc.integer({ min: 0, max: 5 }), weight, fc.integer({ min: 0, max: 4 }), fc.boolean()),
  { maxLength: 2 },
);
function scriptBlocks(list: [string, number, number, number, boolean][]): string {
  return list
    .map(
      ([cmd, interval, w, rise, initFail], i) =>
        `vrrp_script chk_${i} {\n script ${cmd}\n interval ${interval}\n weight ${w}${w > 0 ? ' reverse' : ''}\n rise ${rise}\n fall ${rise + 1}\n${initFail ? ' init_fail\n' : ''}}\n`,
    )
    .join('');
}

const vip = fc
  .tuple(
    fc.oneof(ipv4, ipv6),
    fc.integer({ min: 8, max: 32 }),
    opt(iface.map((i) => `dev ${i}`)),
    opt(fc.constantFrom('scope link', 'scope host', 'label eth0:1', 'no_track', 'brd +', 'preferred_lft 0')),
  )
  .map(([a, len, dev, extra]) => `${a}/${a.includes(':') ? len + 96 : len} ${dev} ${extra}`);
const route = fc
  .tuple(
    ipv4,
    fc.integer({ min: 8, max: 32 }),
    opt(ipv4.map((a) => `via ${a}`)),
    opt(iface.map((i) => `dev ${i}`)),
  )
  .map(([a, len, via, dev]) => `${a}/${len} ${via} ${dev} ${len > 24 ? 'table 100 metric 5' : ''}`);
const rule = fc
  .tuple(ipv4, fc.integer({ min: 8, max: 32 }), fc.integer({ min: 1, max: 250 }), fc.boolean())
  .map(([a, len, table, pref]) => `from ${a}/${len} table ${table}${pref ? ` priority ${table * 10}` : ''}`);

function block(name: string, lines: readonly string[]): string {
  return lines.length === 0 ? '' : ` ${name} {\n${lines.map((l) => `  ${l}\n`).join('')} }\n`;
}

const instance = fc
  .record({
    state: fc.constantFrom('MASTER', 'BACKUP', ''),
    iface: fc.oneof({ arbitrary: iface, weight: 9 }, { arbitrary: fc.constant(''), weight: 1 }),
    vrid: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 255 }), weight: 9 },
      { arbitrary: fc.constantFrom(0, 256), weight: 1 },
    ),
    priority: opt(fc.integer({ min: 0, max: 256 })),
    advert: opt(fc.constantFrom('1', '2', '0.5', '3.25', '0.01')),
    vips: fc.array(vip, { minLength: 1, maxLength: 4 }),
    evips: fc.array(vip, { maxLength: 2 }),
    routes: fc.array(route, { maxLength: 2 }),
    rules: fc.array(rule, { maxLength: 2 }),
    peers: fc.array(ipv4, { maxLength: 2 }),
    flags: fc.subarray([
      'nopreempt',
      'accept',
      'no_accept',
      'strict_mode true',
      'strict_mode false',
      'preempt_delay 5.5',
      'garp_master_delay 2',
      'garp_master_refresh 30',
      'garp_lower_prio_repeat 2',
      'smtp_alert',
      'notify_priority_changes',
      'dont_track_primary',
      'skip_check_adv_addr',
      'use_vmac',
      'version 3',
      'unicast_ttl 10',
      'garp_extra_if 5 all',
      'debug 2',
      'authentication {\n  auth_type PASS\n  auth_pass secret\n }',
    ]),
    trackIfs: fc.array(fc.tuple(iface, weight), { maxLength: 2 }),
    trackScripts: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), opt(weight)), { maxLength: 2 }),
    trackFile: fc.boolean(),
    notify: opt(commandText),
  })
  .map((r) =>
    [
      r.state && ` state ${r.state}\n`,
      r.iface && ` interface ${r.iface}\n`,
      ` virtual_router_id ${r.vrid}\n`,
      r.priority !== '' ? ` priority ${r.priority}\n` : '',
      r.advert && ` advert_int ${r.advert}\n`,
      block('virtual_ipaddress', r.vips),
      block('virtual_ipaddress_excluded', r.evips),
      block('virtual_routes', r.routes),
      block('virtual_rules', r.rules),
      block('unicast_peer', r.peers),
      r.flags.map((f) => ` ${f}\n`).join(''),
      block(
        'track_interface',
        r.trackIfs.map(([i, w]) => `${i} weight ${w}`),
      ),
      block(
        'track_script',
        r.trackScripts.map(([i, w]) => `chk_${i}${w === '' ? '' : ` weight ${w}`}`),
      ),
      r.trackFile ? block('track_file', ['tf1 weight 3 reverse']) : '',
      r.notify && ` notify_master ${r.notify}\n notify ${r.notify} root\n`,
    ].join(''),
  );

const checker = fc.oneof(
  fc
    .tuple(opt(secs), opt(fc.integer({ min: 0, max: 5 })), opt(fc.integer({ min: 1, max: 65535 })))
    .map(
      ([ct, retry, port]) =>
        `TCP_CHECK {\n${ct && `connect_timeout ${ct}\n`}${retry !== '' ? `retry ${retry}\n` : ''}${port !== '' ? `connect_port ${port}\n` : ''}}`,
    ),
  fc
    .tuple(
      fc.constantFrom('HTTP_GET', 'SSL_GET'),
      fc.constantFrom('/', '/health', '/a b'),
      opt(fc.constantFrom('200', '200-204 301', '404')),
      opt(fc.constantFrom('digest 9b3a0c85a887a256d6939da88aabd8cd', 'virtualhost www.example.com')),
      opt(fc.constantFrom('http_protocol 1.1', 'enable_sni', 'fast_recovery', 'nb_get_retry 3')),
    )
    .map(
      ([t, path, codes, extra, more]) =>
        `${t} {\nurl {\npath "${path}"\n${codes && `status_code ${codes}\n`}${extra}\n}\n${more}\n}`,
    ),
  fc
    .tuple(commandText, opt(fc.integer({ min: 0, max: 30 })), fc.boolean())
    .map(
      ([cmd, t, dyn]) =>
        `MISC_CHECK {\nmisc_path ${cmd}\n${t !== '' ? `misc_timeout ${t}\n` : ''}${dyn ? 'misc_dynamic\n' : ''}}`,
    ),
  fc.constantFrom(
    'SMTP_CHECK {\nhelo_name mail.example.com\nconnect_timeout 10\n}',
    'DNS_CHECK {\ntype A\nname example.com\n}',
    'UDP_CHECK {\npayload 0102abcd\nrequire_reply 01XX03\nmin_reply_length 2\n}',
    'PING_CHECK {\ndelay_loop 3\nalpha\n}',
    'FILE_CHECK {\ntrack_file tf1\nweight 5 reverse\n}',
  ),
);

const realServer = fc
  .tuple(
    ipv4,
    opt(fc.integer({ min: 1, max: 65535 })),
    opt(fc.integer({ min: 0, max: 100 })),
    opt(fc.constantFrom('lvs_method DR', 'lvs_method NAT', 'lvs_method TUN', 'inhibit_on_failure')),
    fc.array(checker, { maxLength: 2 }),
  )
  .map(
    ([a, port, w, extra, checks]) =>
      `real_server ${a} ${port}{\n${w !== '' ? `weight ${w}\n` : ''}${extra}\n${checks.join('\n')}\n}`,
  );

const virtualServer = fc
  .tuple(
    fc.oneof(
      fc.tuple(ipv4, fc.integer({ min: 0, max: 65535 })).map(([a, p]) => `${a} ${p}`),
      fc.integer({ min: 1, max: 100 }).map((m) => `fwmark ${m}`),
    ),
    opt(fc.constantFrom('rr', 'wrr', 'lc', 'sh', 'mh')),
    opt(fc.constantFrom('lvs_method NAT', 'lvs_method DR', 'lvs_method TUN type gue port 6080')),
    opt(fc.constantFrom('protocol TCP', 'protocol UDP', 'protocol SCTP')),
    fc.subarray([
      'persistence_timeout 600',
      'quorum 3',
      'hysteresis 1',
      'delay_loop 6',
      'alpha',
      'ops',
      'ha_suspend',
    ]),
    fc.array(realServer, { minLength: 1, maxLength: 3 }),
    opt(ipv4.map((a) => `sorry_server ${a} 80`)),
  )
  .map(
    ([head, sched, method, proto, flags, rss, sorry]) =>
      `virtual_server ${head} {\n${sched && `lvs_sched ${sched}\n`}${method}\n${proto}\n${flags.join('\n')}\n${sorry}\n${rss.join('\n')}\n}\n`,
  );

/** Root blocks the instances and servers do not refer to: BFD, statics, processes, groups. */
const extras = fc.subarray([
  'bfd_instance bfd1 {\n neighbor_ip 10.9.9.9\n min_rx 25.5\n multiplier 3\n ttl 64\n max_hops 2\n weight 10 reverse\n vrrp\n}\n',
  'bfd_instance bfd6 {\n neighbor_ip 2001:db8::9\n source_ip 2001:db8::1\n idle_tx 2000\n passive\n}\n',
  'vrrp_track_process proc1 {\n process /usr/sbin/sshd -D\n param_match initial\n weight 5\n quorum 2\n quorum_max 4\n fork_delay 0.5\n}\n',
  'vrrp_track_process proc2 {\n process haproxy\n full_command\n terminate_delay 2\n}\n',
  'static_ipaddress {\n 10.20.0.1/24 dev eth1 scope link\n 2001:db8:20::1/64 dev eth2\n}\n',
  'static_routes {\n 10.30.0.0/16 via 10.20.0.254 dev eth1\n 10.31.0.0/16 dev eth2 no_track table 200\n blackhole 10.32.0.0/16\n 10.33.0.0/16 nexthop via 10.20.0.1 dev eth1 weight 2 nexthop via 10.20.0.2 dev eth1\n}\n',
  'static_rules {\n from 10.20.0.0/24 table 100 priority 100\n to 10.21.0.0/24 priority 200 blackhole no_track\n from 10.22.0.0/24 fwmark 7/255 priority 300 table 7\n}\n',
  'garp_group {\n garp_interval 0.25\n gna_interval 1.5\n interfaces {\n  eth1\n  eth2\n }\n}\n',
  'linkbeat_interfaces {\n eth1 MII\n eth3\n}\n',
  'interface_up_down_delays {\n eth1 2.5 1\n eth2 3\n}\n',
  'virtual_server_group G1 {\n 10.40.0.1 80\n 10.40.0.10-10.40.0.20 443\n 10.41.0.0/28 8080\n fwmark 9 inet\n}\nvirtual_server group G1 {\n lvs_sched rr\n lvs_method DR\n real_server 10.40.1.1 {\n  weight 3\n  TCP_CHECK {\n   connect_timeout 2\n  }\n }\n}\n',
  'SSL {\n ca /etc/ssl/ca.pem\n certificate "/etc/ssl/my cert.pem"\n key /etc/ssl/key.pem\n}\n',
]);

/** A whole keepalived.conf built from the snippets above. */
export const arbConfigText: fc.Arbitrary<string> = fc
  .tuple(
    globalDefs,
    scripts,
    fc.array(instance, { maxLength: 3 }),
    fc.boolean(),
    fc.array(virtualServer, { maxLength: 2 }),
    extras,
  )
  .map(([g, s, insts, sync, vss, more]) =>
    [
      g,
      'track_file tf1 {\n file /etc/keepalived/tf1\n weight 2\n}\n',
      scriptBlocks(s),
      insts.map((body, i) => `vrrp_instance VI_${i} {\n${body}}\n`).join(''),
      sync && insts.length > 0
        ? `vrrp_sync_group G1 {\n group {\n${insts.map((_b, i) => `  VI_${i}\n`).join('')} }\n notify_priority_changes\n}\n`
        : '',
      vss.join(''),
      more.join(''),
    ].join(''),
  );
