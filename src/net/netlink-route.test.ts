import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { constants as osConstants } from 'node:os';
import { describe, test } from 'node:test';
import { parseIp } from '../base/ip.js';
import { FakeRtnetlink } from '../testing/fake-rtnetlink.js';
import { errnoText, NetlinkError, NetlinkRoute, rtmName } from './netlink-route.js';
import { type AddrRequest, encodeDelAddr, encodeGetAddrDump, encodeNewAddr } from './rtnetlink-addr.js';

const E = osConstants.errno;

const v4 = (text: string, ifindex = 2): AddrRequest => {
  const r = parseIp(text);
  if (!r.ok) throw new Error(text);
  return { family: 4, ifindex, prefixLen: 32, scope: 0, ifaFlags: 0, local: r.value.bytes };
};

const setup = (opts: { timeoutMs?: number; maxInFlight?: number } = {}) => {
  const kernel = new FakeRtnetlink();
  const logs: string[] = [];
  const route = new NetlinkRoute({ open: kernel.open, firstSeq: 100, log: (t) => logs.push(t), ...opts });
  return { kernel, route, logs };
};

describe('NetlinkRoute', () => {
  test('request() resolves with the ack or the errno of its own sequence number', async () => {
    const { route } = setup();
    const a = route.request((seq) => encodeNewAddr(v4('192.0.2.1'), seq));
    const b = route.request((seq) => encodeNewAddr(v4('192.0.2.1'), seq));
    const c = route.request((seq) => encodeNewAddr(v4('192.0.2.2', 99), seq));
    assert.deepEqual(await Promise.all([a, b, c]), [
      { seq: 101, errno: 0 },
      { seq: 102, errno: E.EEXIST },
      { seq: 103, errno: E.ENODEV },
    ]);
    route.close();
  });

  test('requests reach the kernel in the order they were made', async () => {
    const { kernel, route } = setup({ maxInFlight: 3 });
    const addrs = Array.from({ length: 20 }, (_, i) => `192.0.2.${i + 1}`);
    await Promise.all(addrs.map((a) => route.request((seq) => encodeNewAddr(v4(a), seq))));
    const seqs = kernel.received.map((m) => m.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => 101 + i),
    );
    assert.deepEqual(
      kernel.addrs.map((a) => [...(a.attrs.get(2) ?? [])].join('.')),
      addrs,
    );
    route.close();
  });

  test('no more than maxInFlight requests are ever unanswered', async () => {
    const { kernel, route } = setup({ maxInFlight: 4 });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => route.request((seq) => encodeNewAddr(v4(`198.51.100.${i}`), seq))),
    );
    assert.equal(kernel.maxUnanswered, 4);
    assert.equal(route.pending, 0);
    route.close();
  });

  test('an unanswered request fails with ERR_NETLINK_TIMEOUT and the queue moves on', async () => {
    const { kernel, route } = setup({ timeoutMs: 20, maxInFlight: 1 });
    kernel.silent = true;
    const lost = route.request((seq) => encodeNewAddr(v4('192.0.2.1'), seq));
    const next = route.request((seq) => encodeNewAddr(v4('192.0.2.2'), seq));
    await assert.rejects(lost, (e: unknown) => e instanceof NetlinkError && e.code === 'ERR_NETLINK_TIMEOUT');
    kernel.silent = false;
    await assert.rejects(next, { code: 'ERR_NETLINK_TIMEOUT' }); // sent while the kernel was silent
    assert.deepEqual(await route.request((seq) => encodeNewAddr(v4('192.0.2.3'), seq)), {
      seq: 103,
      errno: 0,
    });
    route.close();
  });

  test('a failing send rejects that request with ERR_NETLINK_SEND and its errno', async () => {
    const { kernel, route } = setup();
    kernel.sendError = Object.assign(new Error('sendto(AF_NETLINK): No buffer space available'), {
      code: 'ENOBUFS',
    });
    await assert.rejects(
      route.request((seq) => encodeNewAddr(v4('192.0.2.1'), seq)),
      {
        code: 'ERR_NETLINK_SEND',
        errno: E.ENOBUFS,
      },
    );
    route.close();
  });

  test('an encoder that throws fails its own request only', async () => {
    const { route } = setup();
    const bad = route.request(() => {
      throw new TypeError('local is 16 bytes, IPv4 needs 4');
    });
    const good = route.request((seq) => encodeNewAddr(v4('192.0.2.1'), seq));
    await assert.rejects(bad, TypeError);
    assert.equal((await good).errno, 0);
    route.close();
  });

  test('requestBatch() sends many requests in few datagrams, with an answer for each', async () => {
    const { kernel, route } = setup({ maxInFlight: 1024 });
    kernel.addrs.length = 0;
    const reqs = Array.from({ length: 300 }, (_, i) => v4(`192.0.2.${i % 250}`, i < 250 ? 2 : 99));
    const messages = Buffer.concat(reqs.map((r) => encodeNewAddr(r, 0)));
    const r = await route.requestBatch(messages);
    // 250 adds, then 50 on an interface that does not exist: the kernel's errno, message by message.
    assert.deepEqual([...r.errnos], [...Array(250).fill(0), ...Array(50).fill(E.ENODEV)]);
    assert.deepEqual([...r.seqs.subarray(0, 3)], [101, 102, 103]);
    assert.equal(kernel.addrs.length, 250);
    assert.ok(kernel.datagrams <= 2, `${kernel.datagrams} datagrams`);
    assert.deepEqual(
      kernel.received.map((m) => m.seq),
      [...r.seqs],
    );
    // The same bytes again, with fresh sequence numbers: every add now finds its address.
    const again = await route.requestBatch(messages);
    assert.equal(again.seqs[0], 401);
    assert.ok(again.errnos.subarray(0, 250).every((e) => e === E.EEXIST));
    assert.equal(route.pending, 0);
    route.close();
  });

  test('a batch keeps to the window, and single requests queue behind it in order', async () => {
    const { kernel, route } = setup({ maxInFlight: 7 });
    const messages = Buffer.concat(
      Array.from({ length: 40 }, (_, i) => encodeNewAddr(v4(`192.0.2.${i}`), 0)),
    );
    const batch = route.requestBatch(messages);
    const after = route.request((seq) => encodeDelAddr(v4('192.0.2.0'), seq));
    const r = await batch;
    assert.ok(r.errnos.every((e) => e === 0));
    assert.deepEqual(await after, { seq: 141, errno: 0 });
    assert.equal(kernel.maxUnanswered, 7);
    assert.equal(kernel.addrs.length, 39);
    route.close();
  });

  test('a batch: lost answers time out one by one, a failed send fails its datagram', async () => {
    const { kernel, route } = setup({ timeoutMs: 20 });
    kernel.silent = true;
    const lost = await route.requestBatch(Buffer.concat([encodeNewAddr(v4('192.0.2.1'), 0)]));
    assert.deepEqual([...lost.errnos], [-1]);
    assert.equal(lost.errors.get(0)?.code, 'ERR_NETLINK_TIMEOUT');
    assert.match(lost.errors.get(0)?.message ?? '', /no answer to RTM_NEWADDR\(20\) seq=101 within 20 ms/);
    kernel.silent = false;
    kernel.sendError = Object.assign(new Error('sendto(AF_NETLINK): No buffer space available'), {
      code: 'ENOBUFS',
    });
    const refused = await route.requestBatch(
      Buffer.concat([encodeNewAddr(v4('192.0.2.1'), 0), encodeNewAddr(v4('192.0.2.2'), 0)]),
    );
    assert.deepEqual([...refused.errnos], [-1, -1]);
    assert.equal(refused.errors.get(1)?.errno, E.ENOBUFS);
    kernel.sendError = undefined;
    kernel.silent = true;
    const closing = route.requestBatch(encodeNewAddr(v4('192.0.2.3'), 0));
    route.close();
    assert.equal((await closing).errors.get(0)?.code, 'ERR_NETLINK_CLOSED');
  });

  test('a dump gathers its parts over several datagrams up to NLMSG_DONE', async () => {
    const { kernel, route } = setup();
    kernel.dumpBatch = 2;
    for (let i = 1; i <= 7; i++) await route.request((seq) => encodeNewAddr(v4(`203.0.113.${i}`), seq));
    const addrs = await route.listAddresses();
    assert.deepEqual(
      addrs.map((a) => a.local),
      Array.from({ length: 7 }, (_, i) => `203.0.113.${i + 1}`),
    );
    route.close();
  });

  test('a second dump waits for the first (the kernel would answer EBUSY), and what follows waits in line', async () => {
    const { kernel, route } = setup();
    const d1 = route.dump((seq) => encodeGetAddrDump(seq));
    const d2 = route.dump((seq) => encodeGetAddrDump(seq));
    const r = route.request((seq) => encodeNewAddr(v4('192.0.2.1'), seq));
    assert.deepEqual(
      kernel.received.map((m) => m.type),
      [22],
    );
    await Promise.all([d1, d2, r]);
    assert.deepEqual(
      kernel.received.map((m) => m.type),
      [22, 22, 20],
    );
    route.close();
  });

  test('an interrupted dump is repeated', async () => {
    const { kernel, route } = setup();
    await route.request((seq) => encodeNewAddr(v4('192.0.2.1'), seq));
    kernel.interruptNextDump = true;
    assert.equal((await route.listAddresses()).length, 1);
    assert.equal(kernel.received.filter((m) => m.type === 22).length, 2);
    route.close();
  });

  test('close() fails what waits with ERR_NETLINK_CLOSED, and later requests too', async () => {
    const { kernel, route } = setup();
    kernel.silent = true;
    const waiting = route.request((seq) => encodeDelAddr(v4('192.0.2.1'), seq));
    route.close();
    route.close();
    await assert.rejects(waiting, { code: 'ERR_NETLINK_CLOSED' });
    await assert.rejects(route.listLinks(), { code: 'ERR_NETLINK_CLOSED' });
    assert.equal(kernel.closed, true);
  });

  test('listLinks() decodes the link dump', async () => {
    const { route } = setup();
    const [eth0] = await route.listLinks();
    assert.equal(eth0?.name, 'eth0');
    assert.equal(eth0?.mac, '02:00:5e:00:01:07');
    assert.equal(eth0?.up, true);
    route.close();
  });

  test('errno and message type names read as keepalived logs them', () => {
    assert.equal(errnoText(E.EEXIST), 'File exists');
    assert.equal(errnoText(E.EADDRNOTAVAIL), 'Cannot assign requested address');
    assert.equal(rtmName(20), 'RTM_NEWADDR(20)');
    assert.match(errnoText(100000), /100000/);
  });
});
