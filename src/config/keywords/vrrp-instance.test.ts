import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadResult } from '../load.js';
import type { Environment } from '../parser.js';
import { load as loadWith, messagesAt, places } from './bfd-test-kit.js';

const env: Environment = {
  interfaces: {
    exists: (n) => ['eth0', 'eth1', 'eth2', 'lo'].includes(n),
    isLoopback: (n) => n === 'lo',
  },
  fileExists: () => false,
};

function load(text: string): LoadResult {
  return loadWith(text, env);
}

/** Messages without a line (the checks after the parse). */
function unplaced(r: LoadResult): string[] {
  return r.diagnostics.filter((d) => !d.loc).map((d) => d.message);
}

const minimal = (body: string, head = ''): string =>
  `${head}vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n${body}  virtual_ipaddress {\n    192.0.2.1/24\n  }\n}\n`;

describe('vrrp_instance keywords', () => {
  it('a minimal instance is accepted and gets keepalived defaults', () => {
    const r = load(minimal(''));
    assert.equal(r.exitStatus, 0);
    assert.deepEqual(r.diagnostics, []);
    const v = r.config?.vrrp.instances[0];
    assert.ok(v);
    assert.equal(v.state, 'BACKUP');
    assert.equal(v.priority, 100);
    assert.equal(v.advertIntUs, 1_000_000);
    assert.equal(v.version, 2);
    assert.equal(v.family, 4);
    assert.equal(v.accept, true);
    assert.equal(v.mcastDstIp, '224.0.0.18');
    assert.deepEqual(
      v.virtualIpaddresses.map((a) => `${a.address}/${a.prefixLen}`),
      ['192.0.2.1/24'],
    );
  });

  it('MASTER without priority becomes the address owner', () => {
    const v = load(minimal('  state MASTER\n')).config?.vrrp.instances[0];
    assert.equal(v?.priority, 255);
    assert.equal(v?.state, 'MASTER');
  });

  it('reports out-of-range values at their line with keepalived kinds', () => {
    const r = load(minimal('  priority 300\n  advert_int 0.001\n  virtual_router_id 0\n'));
    assert.deepEqual(places(r), [
      '4:general-error',
      '4:invalid-number',
      '5:general-error',
      '5:invalid-number',
      '6:general-error',
      '6:invalid-number',
    ]);
    assert.match(messagesAt(r, 4).join('|'), /Priority not valid/);
    assert.equal(r.config?.vrrp.instances[0]?.priority, 100);
    assert.equal(r.config?.vrrp.instances[0]?.vrid, 51);
    assert.equal(r.exitStatus, 5);
  });

  it('a keyword without its value stops the parse (exit 2)', () => {
    const r = load(minimal('  priority\n'));
    assert.equal(r.exitStatus, 2);
  });

  it('a missing interface is reported at its line and stops the VRRP checks', () => {
    const text = 'vrrp_instance VI_1 {\n  interface nosuch\n}\n';
    const r = load(text);
    assert.match(messagesAt(r, 2)[0] ?? '', /interface nosuch for vrrp_instance VI_1 doesn't exist/);
    assert.deepEqual(unplaced(r), ['Non-existent interface specified in configuration']);
    // keepalived -t exits 5 here: the general error outranks the bad-interface class.
    assert.equal(r.exitStatus, 5);
  });

  it('refuses a loopback interface, then the instance has none', () => {
    const r = load('vrrp_instance VI_1 {\n  interface lo\n  virtual_router_id 1\n}\n');
    assert.match(messagesAt(r, 2)[0] ?? '', /cannot use a loopback interface/);
    assert.deepEqual(unplaced(r), ['(VI_1) Unknown interface!']);
  });

  it('duplicate and nameless instances are skipped whole', () => {
    const r = load(`${minimal('')}vrrp_instance VI_1 {\n  priority 300\n}\nvrrp_instance {\n  bogus\n}\n`);
    assert.deepEqual(places(r), ['8:general-error', '11:general-error']);
    assert.equal(r.config?.vrrp.instances.length, 1);
  });

  it('address lines report at their own line inside the block', () => {
    const r = load(
      'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  virtual_ipaddress {\n    192.0.2.1/24 dev eth1 brd + label eth1:v\n    192.0.2.300\n    192.0.2.2 bogus\n  }\n}\n',
    );
    assert.deepEqual(places(r), ['6:general-error', '7:general-error']);
    const a = r.config?.vrrp.instances[0]?.virtualIpaddresses[0];
    assert.equal(a?.broadcast, '192.0.2.255');
    assert.equal(a?.interface, 'eth1');
    assert.equal(a?.label, 'eth1:v');
  });

  it('strict mode conflicts are reported after the parse', () => {
    const r = load(
      minimal(
        '  state MASTER\n  priority 100\n  authentication {\n    auth_type PASS\n    auth_pass x\n  }\n',
      ),
    );
    assert.deepEqual(places(r), []);
    assert.equal(r.exitStatus, 0);
    const strict = load(
      minimal(
        '  state MASTER\n  priority 100\n  authentication {\n    auth_type PASS\n    auth_pass x\n  }\n',
        'global_defs {\n  vrrp_strict\n}\n',
      ),
    );
    assert.deepEqual(unplaced(strict), [
      '(VI_1) State MASTER must match being address owner',
      '(VI_1) Strict mode does not support authentication. Ignoring.',
    ]);
    assert.equal(strict.config?.vrrp.instances[0]?.auth, undefined);
    assert.equal(strict.exitStatus, 5);
  });

  it('v2 advert_int is rounded to whole seconds, v3 to centiseconds', () => {
    const r = load(minimal('  advert_int 1.5\n'));
    assert.deepEqual(unplaced(r), [
      '(VI_1) VRRPv2 advertisement interval 1.500000s must be an integer. rounding',
    ]);
    assert.equal(r.config?.vrrp.instances[0]?.advertIntUs, 2_000_000);
    const v3 = load(minimal('  version 3\n  advert_int 0.015\n'));
    assert.equal(v3.config?.vrrp.instances[0]?.advertIntUs, 20_000);
  });

  it('two instances with one VRID on one interface conflict', () => {
    const two = `${minimal('')}${minimal('').replace('VI_1', 'VI_2')}`;
    const r = load(two);
    assert.deepEqual(unplaced(r), ['VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0']);
    assert.equal(r.exitStatus, 5);
  });

  it('track_script names must be vrrp_scripts', () => {
    const r = load(minimal('  track_script {\n    nosuch\n  }\n'));
    assert.deepEqual(messagesAt(r, 5), ['(VI_1) track script nosuch not found, ignoring...']);
  });

  it('unicast peers with per-peer TTL options', () => {
    const r = load(minimal('  unicast_peer {\n    192.0.2.9 min_ttl 10 max_ttl 5\n    2001:db8::1\n  }\n'));
    assert.deepEqual(places(r), ['5:general-error', '6:general-error']);
    const v = r.config?.vrrp.instances[0];
    assert.deepEqual(v?.unicastPeers, [{ address: '192.0.2.9', family: 4, minTtl: 10, maxTtl: 5 }]);
    assert.equal(v?.mcastDstIp, undefined);
  });

  it('the deprecated vmac_garp_intvl warns with the deprecated kind', () => {
    const r = load(minimal('  vmac_garp_intvl 5\n'));
    assert.deepEqual(places(r), ['4:deprecated']);
  });
});
