/**
 * Writes the large configuration of the issue-3 benchmark: 1,000 vrrp_instances (VRIDs
 * spread over eth0..eth3) and 2,000 virtual servers × 15 real servers with a TCP_CHECK each.
 * Usage: node dist/bench/gen-large-config.js OUT.conf [instances] [virtualServers] [realServers]
 */
import { writeFileSync } from 'node:fs';

export function largeConfig(instances = 1000, virtualServers = 2000, realServers = 15): string {
  const out: string[] = ['global_defs {', '    router_id bench', '}', ''];
  for (let i = 0; i < instances; i++) {
    const iface = `eth${i % 4}`;
    const vrid = Math.floor(i / 4) + 1;
    out.push(
      `vrrp_instance VI_${i} {`,
      '    state BACKUP',
      `    interface ${iface}`,
      `    virtual_router_id ${vrid}`,
      `    priority ${100 + (i % 100)}`,
      '    advert_int 1',
      '    virtual_ipaddress {',
      `        198.51.${Math.floor(i / 250)}.${(i % 250) + 1}/32`,
      '    }',
      '}',
    );
  }
  for (let v = 0; v < virtualServers; v++) {
    out.push(
      `virtual_server 203.0.${Math.floor(v / 250)}.${(v % 250) + 1} 80 {`,
      '    delay_loop 6',
      '    lb_algo wrr',
      '    lb_kind NAT',
      '    protocol TCP',
    );
    for (let r = 0; r < realServers; r++) {
      out.push(
        `    real_server 192.0.2.${r + 1} ${8000 + (v % 1000)} {`,
        '        weight 1',
        '        TCP_CHECK {',
        '            connect_timeout 3',
        '            retry 3',
        '            delay_before_retry 3',
        '        }',
        '    }',
      );
    }
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}

if (process.argv[1]?.endsWith('gen-large-config.js')) {
  const [file, i, v, r] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: gen-large-config.js OUT.conf [instances] [virtualServers] [realServers]\n');
    process.exit(2);
  }
  writeFileSync(file, largeConfig(Number(i ?? 1000), Number(v ?? 2000), Number(r ?? 15)));
}
