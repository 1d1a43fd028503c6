/**
 * The socket adapter against a scripted server on the loopback: the bytes it sends, and the
 * log lines when the server refuses, stays silent or goes away.
 */
import assert from 'node:assert/strict';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import type { MailSettings } from './smtp-message.js';
import { SmtpSender } from './smtp-sender.js';

const settings = (port: number, timeoutMs = 2000): MailSettings => ({
  server: { host: '127.0.0.1', port },
  heloName: 'lb01',
  from: 'ka@example.org',
  to: ['ops@example.org'],
  routerId: 'lb01',
  timeoutMs,
  noEmailFaults: false,
});
const TEXT = {
  subject: '[lb01] VRRP Instance VI_1 - Entering MASTER state',
  body: '=> VRRP Instance is now owning VRRP VIPs <=',
};
const NOW = () => ({ epochMs: Date.UTC(2021, 2, 1, 9, 44, 8), utcOffsetMin: 0 });

async function listen(
  onConn: (s: Socket, received: string[]) => void,
): Promise<{ server: Server; port: number; received: string[] }> {
  const received: string[] = [];
  const server = createServer((s) => onConn(s, received));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, received };
}

test("a whole mail: the bytes on the wire are keepalived's", async () => {
  const { server, port, received } = await listen((s, received) => {
    s.setEncoding('latin1');
    s.write('220 catcher ESMTP\r\n');
    let buf = '';
    s.on('data', (c: string) => {
      buf += c;
      for (;;) {
        if (buf.startsWith('Date:')) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.push(buf.slice(0, end + 5));
          buf = buf.slice(end + 5);
          s.write('250 queued\r\n');
          continue;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = buf.slice(0, eol);
        buf = buf.slice(eol + 2);
        received.push(line);
        s.write(line === 'DATA' ? '354 go\r\n' : line === 'QUIT' ? '221 bye\r\n' : '250 ok\r\n');
        if (line === 'QUIT') s.end();
      }
    });
  });
  const logs: string[] = [];
  const sender = new SmtpSender(settings(port), { log: (t) => logs.push(t), now: NOW });
  sender.send(TEXT);
  await sender.idle();
  server.close();
  assert.deepEqual(received, [
    'HELO lb01',
    'MAIL FROM:<ka@example.org>',
    'RCPT TO:<ops@example.org>',
    'DATA',
    'Date: Mon, 01 Mar 2021 09:44:08 +0000\r\nFrom: ka@example.org\r\n' +
      'Subject: [lb01] VRRP Instance VI_1 - Entering MASTER state\r\nX-Mailer: Keepalived\r\n' +
      'To: ops@example.org\r\n\r\n=> VRRP Instance is now owning VRRP VIPs <=\r\n\r\n.\r\n',
    'QUIT',
  ]);
  assert.deepEqual(logs, [
    `Remote SMTP server [127.0.0.1]:${port} connected.`,
    'SMTP alert successfully sent.',
  ]);
});

test('a refused connection is logged as keepalived logs it, and nothing else happens', async () => {
  const { server, port } = await listen(() => {});
  await new Promise<void>((r) => server.close(() => r()));
  const logs: string[] = [];
  const sender = new SmtpSender(settings(port), { log: (t) => logs.push(t) });
  sender.send(TEXT);
  await sender.idle();
  assert.equal(logs.length, 1);
  assert.match(logs[0] ?? '', /^smtp fd \d+ returned write error$/);
});

test('a silent server: after the timeout QUIT, after another the connection is closed', async () => {
  let closedAt = 0;
  const { server, port, received } = await listen((s, received) => {
    s.setEncoding('latin1');
    s.on('data', (c: string) => received.push(c));
    s.on('close', () => {
      closedAt = performance.now();
    });
  });
  const logs: string[] = [];
  const sender = new SmtpSender(settings(port, 150), { log: (t) => logs.push(t) });
  const t0 = performance.now();
  sender.send(TEXT);
  await sender.idle();
  await new Promise((r) => setTimeout(r, 50));
  server.close();
  assert.deepEqual(received, ['QUIT\r\n']);
  assert.deepEqual(
    logs.filter((l) => !l.includes('connected')),
    Array(2).fill(`Timeout reading data to remote SMTP server [127.0.0.1]:${port}.`),
  );
  assert.ok(closedAt - t0 >= 290, `closed after ${closedAt - t0} ms, two timeouts of 150 ms`);
});

test('the server hanging up mid-dialogue is logged and ends the mail', async () => {
  const { server, port } = await listen((s) => {
    s.write('220 catcher\r\n');
    s.once('data', () => s.end());
  });
  const logs: string[] = [];
  const sender = new SmtpSender(settings(port), { log: (t) => logs.push(t) });
  sender.send(TEXT);
  await sender.idle();
  server.close();
  assert.deepEqual(logs.slice(1), [`Remote SMTP server [127.0.0.1]:${port} has closed the connection.`]);
});
