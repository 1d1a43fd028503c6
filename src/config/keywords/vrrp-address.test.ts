import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IpAddressConfig } from '../model/vrrp-instance.js';
import type { RootKeyword, Words } from '../parser.js';
import { fakeEnv, runPass } from './bfd-test-kit.js';
import { findScope, parseIpAddressLine } from './vrrp-address.js';

/** Parses each line of `text` as an address line; returns what came out and the diagnostics. */
function parse(
  lines: string[],
  isStatic = false,
  env = fakeEnv(),
): { out: (IpAddressConfig | undefined)[]; messages: string[] } {
  const out: (IpAddressConfig | undefined)[] = [];
  const roots: RootKeyword[] = [
    {
      name: 'addr',
      section: 'vrrp',
      handler: (ctx, w: Words) => {
        out.push(parseIpAddressLine(ctx, w.words.slice(1), { isStatic }));
      },
    },
  ];
  const { sink } = runPass('vrrp', lines.map((l) => `addr ${l}`).join('\n'), roots, env);
  return { out, messages: sink.items.map((d) => d.message) };
}

describe('parseIpAddressLine', () => {
  it('reads prefix, dev, scope, label, flags and lifetime', () => {
    const { out, messages } = parse([
      '192.0.2.1/24 dev eth0 scope link label eth0:1 home no_track preferred_lft 30',
    ]);
    assert.deepEqual(messages, []);
    assert.deepEqual(out[0], {
      family: 4,
      address: '192.0.2.1',
      prefixLen: 24,
      interface: 'eth0',
      scope: 253,
      label: 'eth0:1',
      ifaFlags: 0x10,
      ifaFlagMask: 0x10,
      noTrack: true,
      preferredLft: 30,
      useVmac: false,
    });
  });

  it('computes brd + and brd - from the prefix', () => {
    const { out } = parse(['10.1.2.3/16 brd +', '10.1.2.3/16 brd -']);
    assert.equal(out[0]?.broadcast, '10.1.255.255');
    assert.equal(out[1]?.broadcast, '10.1.0.0');
  });

  it('drops a line with a bad address or a missing parameter; keeps one on a missing dev, reported', () => {
    const { out, messages } = parse(['192.0.2.256', '192.0.2.1 dev nosuch', '192.0.2.1 label']);
    assert.equal(out[0], undefined);
    assert.equal(out[1]?.interface, 'nosuch', 'the daemon faults the instance on it');
    assert.equal(out[2], undefined);
    assert.deepEqual(messages, [
      'VRRP parsed invalid IP 192.0.2.256. skipping IP...',
      "WARNING - interface nosuch for ip address 192.0.2.1 doesn't exist",
      'No label parameter specified for 192.0.2.1',
    ]);
  });

  it('IPv6: no scope or label, old preferred_lft defaults', () => {
    const { out, messages } = parse(['2001:db8::1/64 scope host', '2001:DB8::2']);
    assert.equal(messages.length, 1);
    assert.equal(out[0]?.scope, 0);
    assert.equal(out[0]?.preferredLft, 0xffffffff);
    assert.equal(out[1]?.address, '2001:db8::2');
    assert.equal(out[1]?.preferredLft, 0);
  });

  it('static addresses need an interface or the default one', () => {
    const none = fakeEnv({ interfaces: { exists: () => false, isLoopback: () => false } });
    const { out, messages } = parse(['192.0.2.1'], true, none);
    assert.equal(out[0], undefined);
    assert.equal(parse(['192.0.2.1'], true).out[0]?.interface, 'eth0');
    assert.match(messages[0] ?? '', /requires either an interface or default interface must exist/);
  });

  it('use_vmac is only for virtual addresses', () => {
    assert.equal(parse(['192.0.2.1 use_vmac']).out[0]?.useVmac, true);
    assert.match(
      parse(['192.0.2.1 dev eth0 use_vmac'], true).messages[0] ?? '',
      /Unknown configuration entry/,
    );
  });
});

describe('findScope', () => {
  it('takes names and numbers up to 255', () => {
    assert.equal(findScope('site'), 200);
    assert.equal(findScope('0x10'), 16);
    assert.equal(findScope('256'), undefined);
    assert.equal(findScope('bogus'), undefined);
  });
});
