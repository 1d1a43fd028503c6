/** The production sender against a fake addon, and the sysfs reader against a fake tree. */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseMac } from './announce-frames.js';
import { createPacketSender, interfaceFromSysfs } from './announcer-sender.js';

describe('createPacketSender', () => {
  test('opens one socket per ifindex on first use, reopens after ENODEV, closes all on close()', () => {
    const log: string[] = [];
    let nextFd = 10;
    let fail: string | undefined;
    const sender = createPacketSender(() => ({
      openPacket: (ifindex) => {
        log.push(`open ${ifindex}`);
        return nextFd++;
      },
      sendFrame: (fd, ifindex, frame) => {
        log.push(`send ${fd} ${ifindex} ${frame.length}`);
        if (fail) throw Object.assign(new Error(fail), { code: fail });
        return frame.length;
      },
      close: (fd) => {
        log.push(`close ${fd}`);
      },
    }));
    const f = Buffer.alloc(42);
    sender.send(2, f);
    sender.send(2, f);
    sender.send(3, f);
    fail = 'ENODEV';
    assert.throws(() => sender.send(2, f), { code: 'ENODEV' });
    fail = 'ENOBUFS';
    assert.throws(() => sender.send(3, f), { code: 'ENOBUFS' });
    fail = undefined;
    sender.send(2, f);
    sender.close();
    sender.close();
    assert.deepEqual(log, [
      'open 2',
      'send 10 2 42',
      'send 10 2 42',
      'open 3',
      'send 11 3 42',
      'send 10 2 42',
      'close 10',
      'send 11 3 42',
      'open 2',
      'send 12 2 42',
      'close 11',
      'close 12',
    ]);
  });
});

describe('interfaceFromSysfs', () => {
  test('reads ifindex, MAC, NOARP and IPv6 forwarding; undefined for a missing interface', () => {
    const root = mkdtempSync(join(tmpdir(), 'announce-sysfs-'));
    try {
      const put = (path: string, text: string) => {
        mkdirSync(join(root, path, '..'), { recursive: true });
        writeFileSync(join(root, path), `${text}\n`);
      };
      put('/sys/class/net/eth0/ifindex', '4');
      put('/sys/class/net/eth0/address', '00:00:5e:00:53:0a');
      put('/sys/class/net/eth0/flags', '0x1003');
      put('/proc/sys/net/ipv6/conf/eth0/forwarding', '1');
      put('/sys/class/net/tun0/ifindex', '5');
      put('/sys/class/net/tun0/address', '');
      put('/sys/class/net/tun0/flags', '0x10d1');
      assert.deepEqual(interfaceFromSysfs('eth0', root), {
        ifindex: 4,
        mac: parseMac('00:00:5e:00:53:0a'),
        name: 'eth0',
        noArp: false,
        ipv6Router: true,
      });
      assert.equal(interfaceFromSysfs('tun0', root), undefined, 'no MAC: nothing to announce with');
      assert.equal(interfaceFromSysfs('eth9', root), undefined);
      assert.equal(interfaceFromSysfs('../eth0', root), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
