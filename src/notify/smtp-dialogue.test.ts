import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SmtpAction, SmtpDialogue } from './smtp-dialogue.js';

const MAIL = {
  heloName: 'lb01',
  from: 'ka@example.org',
  to: ['a@example.org', 'b@example.org'],
  data: 'X\r\n.\r\n',
};
const SERVER = '[192.0.2.25]:25';

const sent = (actions: readonly SmtpAction[]): string[] =>
  actions.flatMap((a) => (a.type === 'send' ? [a.text] : a.type === 'close' ? ['<close>'] : []));
const logs = (actions: readonly SmtpAction[]): string[] =>
  actions.flatMap((a) => (a.type === 'log' && a.detail !== true ? [a.text] : []));

test("the dialogue in keepalived's order: HELO, MAIL FROM, one RCPT per recipient, DATA, the message, QUIT", () => {
  const d = new SmtpDialogue(MAIL, SERVER);
  assert.deepEqual(d.connected(), [
    { type: 'log', text: `Remote SMTP server ${SERVER} connected.`, detail: true },
  ]);
  const replies = [
    '220 mx ESMTP\r\n',
    '250 mx\r\n',
    '250 OK\r\n',
    '250 OK\r\n',
    '250 OK\r\n',
    '354 go\r\n',
    '250 queued\r\n',
    '221 bye\r\n',
  ];
  const out = replies.map((r) => sent(d.received(r)));
  assert.deepEqual(out, [
    ['HELO lb01\r\n'],
    ['MAIL FROM:<ka@example.org>\r\n'],
    ['RCPT TO:<a@example.org>\r\n'],
    ['RCPT TO:<b@example.org>\r\n'],
    ['DATA\r\n'],
    ['X\r\n.\r\n'],
    ['QUIT\r\n'],
    ['<close>'],
  ]);
  assert.ok(d.finished);
});

test('multi-line replies count by their last line; replies may arrive split', () => {
  const d = new SmtpDialogue(MAIL, SERVER);
  assert.deepEqual(sent(d.received('220-mx first\r\n220-second\r\n22')), []);
  assert.deepEqual(sent(d.received('0 ready\r\n')), ['HELO lb01\r\n']);
});

test("an unexpected code logs keepalived's line and goes to QUIT", () => {
  const d = new SmtpDialogue(MAIL, SERVER);
  d.received('220 mx\r\n');
  d.received('250 mx\r\n');
  const a = d.received('550 no such sender\r\n');
  assert.deepEqual(logs(a), [`Error processing MAIL cmd on SMTP server ${SERVER}. SMTP status code = 550`]);
  assert.deepEqual(sent(a), ['QUIT\r\n']);
  assert.deepEqual(sent(d.received('221 bye\r\n')), ['<close>']);
});

test('a greeting other than 220 is an (E)SMTP error', () => {
  const d = new SmtpDialogue(MAIL, SERVER);
  const a = d.received('554 go away\r\n');
  assert.deepEqual(logs(a), [
    `Error processing (E)SMTP cmd on SMTP server ${SERVER}. SMTP status code = 554`,
  ]);
  assert.deepEqual(sent(a), ['QUIT\r\n']);
});

test('a reply timeout sends QUIT; a second one, at QUIT, closes', () => {
  const d = new SmtpDialogue(MAIL, SERVER);
  const a = d.timedOut();
  assert.deepEqual(logs(a), [`Timeout reading data to remote SMTP server ${SERVER}.`]);
  assert.deepEqual(sent(a), ['QUIT\r\n']);
  assert.deepEqual(sent(d.timedOut()), ['<close>']);
  assert.ok(d.finished);
});

test('a reply that overflows the 1 KiB buffer is logged and ends in QUIT', () => {
  const d = new SmtpDialogue(MAIL, SERVER);
  const a = d.received(`220-${'x'.repeat(1100)}`);
  assert.deepEqual(logs(a), [
    `Received buffer from remote SMTP server ${SERVER} overflow our get read buffer length.`,
  ]);
  assert.deepEqual(sent(a), ['QUIT\r\n']);
});

test('the server closing early is logged once; nothing follows', () => {
  const d = new SmtpDialogue(MAIL, SERVER);
  assert.deepEqual(logs(d.closedByServer()), [`Remote SMTP server ${SERVER} has closed the connection.`]);
  assert.deepEqual(d.received('220 mx\r\n'), []);
  assert.deepEqual(d.closedByServer(), []);
});

test('the accepted message reports sent with the detail line', () => {
  const d = new SmtpDialogue({ ...MAIL, to: ['a@example.org'] }, SERVER);
  for (const r of ['220 a\r\n', '250 a\r\n', '250 a\r\n', '250 a\r\n', '354 a\r\n']) d.received(r);
  const a = d.received('250 ok\r\n');
  assert.ok(a.some((x) => x.type === 'sent'));
  assert.ok(
    a.some((x) => x.type === 'log' && x.text === 'SMTP alert successfully sent.' && x.detail === true),
  );
});
