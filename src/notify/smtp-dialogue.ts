/**
 * keepalived 2.2.7's SMTP client dialogue (core/smtp.c) as a state machine over the server's
 * reply lines: greeting 220, HELO 250, MAIL FROM 250, one RCPT TO per recipient 250, DATA 354,
 * the message 250, QUIT 221. A reply with another code logs keepalived's "Error processing"
 * line and goes to QUIT; a reply timeout sends QUIT (or, already at QUIT, closes). The log
 * lines are keepalived's, with the server written as inet_sockaddrtopair does ("[addr]:port").
 * Pure: the socket adapter feeds it connection events and text and carries out its actions.
 */

export type SmtpAction =
  | { readonly type: 'send'; readonly text: string }
  | { readonly type: 'log'; readonly text: string; readonly detail?: true }
  | { readonly type: 'close' }
  /** The message was accepted (the reply to its DATA block was 250). */
  | { readonly type: 'sent' };

export interface SmtpEnvelope {
  readonly heloName: string;
  readonly from: string;
  readonly to: readonly string[];
  /** The DATA block, ending in "\r\n.\r\n". */
  readonly data: string;
}

type Stage = 'greeting' | 'HELO' | 'MAIL' | 'RCPT' | 'DATA' | 'BODY' | 'QUIT' | 'END';

/** Expected code and keepalived's cmd_name per stage (SMTP_FSM). */
const EXPECT: Readonly<Record<Exclude<Stage, 'END'>, { code: number; name: string }>> = {
  greeting: { code: 220, name: '(E)SMTP' },
  HELO: { code: 250, name: 'HELO' },
  MAIL: { code: 250, name: 'MAIL' },
  RCPT: { code: 250, name: 'RCPT' },
  DATA: { code: 354, name: 'DATA' },
  BODY: { code: 250, name: 'BODY' },
  QUIT: { code: 221, name: 'QUIT' },
};

/** SMTP_BUFFER_MAX: replies are read into a 1 KiB buffer. */
const BUFFER_MAX = 1024;

/** "[192.0.2.1]:25", "[2001:db8::1]:25" (inet_sockaddrtopair). */
export function serverLabel(address: string, port: number): string {
  return `[${address}]:${port}`;
}

/** Log lines of connection failures, keepalived's wording. */
export const connectLog = {
  timeout: (server: string): string => `Timeout opening connection to remote SMTP server ${server}.`,
  /** The connect completed with an error (e.g. refused): epoll reports it as a write error. */
  writeError: (fd: number): string => `smtp fd ${fd} returned write error`,
  /** connect() itself failed (e.g. no route). */
  error: (server: string): string => `SMTP connection ERROR to ${server}.`,
} as const;

export class SmtpDialogue {
  private stage: Stage = 'greeting';
  private buffer = '';
  private nextRcpt = 0;

  constructor(
    private readonly mail: SmtpEnvelope,
    private readonly server: string,
  ) {}

  get finished(): boolean {
    return this.stage === 'END';
  }

  /** The TCP connection is up: wait for the greeting. */
  connected(): SmtpAction[] {
    return [{ type: 'log', text: `Remote SMTP server ${this.server} connected.`, detail: true }];
  }

  /** Text from the server. */
  received(chunk: string): SmtpAction[] {
    if (this.stage === 'END') return [];
    if (this.buffer.length + chunk.length >= BUFFER_MAX) {
      this.buffer = '';
      this.stage = 'QUIT';
      return [
        {
          type: 'log',
          text: `Received buffer from remote SMTP server ${this.server} overflow our get read buffer length.`,
        },
        this.command(),
      ];
    }
    this.buffer += chunk;
    const out: SmtpAction[] = [];
    for (;;) {
      const code = this.takeReply();
      if (code === undefined) break;
      out.push(...this.reply(code));
      if (this.finished) break;
    }
    return out;
  }

  /** No reply within smtp_connect_timeout. */
  timedOut(): SmtpAction[] {
    if (this.stage === 'END') return [];
    const log: SmtpAction = {
      type: 'log',
      text: `Timeout reading data to remote SMTP server ${this.server}.`,
    };
    if (this.stage === 'QUIT') {
      this.stage = 'END';
      return [log, { type: 'close' }];
    }
    this.stage = 'QUIT';
    return [log, this.command()];
  }

  /** The server closed the connection before the dialogue ended. */
  closedByServer(): SmtpAction[] {
    if (this.stage === 'END') return [];
    this.stage = 'END';
    return [
      { type: 'log', text: `Remote SMTP server ${this.server} has closed the connection.` },
      { type: 'close' },
    ];
  }

  /** The last complete reply's code, skipping "NNN-" continuation lines; undefined = incomplete. */
  private takeReply(): number | undefined {
    for (;;) {
      const eol = this.buffer.indexOf('\r\n');
      if (eol < 0) return undefined;
      const line = this.buffer.slice(0, eol);
      this.buffer = this.buffer.slice(eol + 2);
      if (line[3] === '-') continue;
      // keepalived computes the code from the first three characters without checking them.
      const digit = (i: number): number => (line.charCodeAt(i) || 0) - 48;
      return digit(0) * 100 + digit(1) * 10 + digit(2);
    }
  }

  private reply(code: number): SmtpAction[] {
    const stage = this.stage;
    if (stage === 'END') return [];
    const expect = EXPECT[stage];
    if (code !== expect.code) {
      const log: SmtpAction = {
        type: 'log',
        text: `Error processing ${expect.name} cmd on SMTP server ${this.server}. SMTP status code = ${code}`,
      };
      // keepalived sends QUIT again after a bad reply to QUIT; closing ends the exchange instead.
      if (stage === 'QUIT') {
        this.stage = 'END';
        return [log, { type: 'close' }];
      }
      this.stage = 'QUIT';
      return [log, this.command()];
    }
    const out: SmtpAction[] = [];
    switch (stage) {
      case 'greeting':
        this.stage = 'HELO';
        break;
      case 'HELO':
        this.stage = 'MAIL';
        break;
      case 'MAIL':
        this.stage = 'RCPT';
        break;
      case 'RCPT':
        if (this.nextRcpt >= this.mail.to.length) this.stage = 'DATA';
        break;
      case 'DATA':
        this.stage = 'BODY';
        break;
      case 'BODY':
        out.push({ type: 'log', text: 'SMTP alert successfully sent.', detail: true }, { type: 'sent' });
        this.stage = 'QUIT';
        break;
      case 'QUIT':
        this.stage = 'END';
        return [{ type: 'close' }];
    }
    out.push(this.command());
    return out;
  }

  /** The command the current stage sends. */
  private command(): SmtpAction {
    const m = this.mail;
    switch (this.stage) {
      case 'HELO':
        return { type: 'send', text: `HELO ${m.heloName}\r\n` };
      case 'MAIL':
        return { type: 'send', text: `MAIL FROM:<${m.from}>\r\n` };
      case 'RCPT': {
        const to = m.to[this.nextRcpt] ?? '';
        this.nextRcpt++;
        return { type: 'send', text: `RCPT TO:<${to}>\r\n` };
      }
      case 'DATA':
        return { type: 'send', text: 'DATA\r\n' };
      case 'BODY':
        return { type: 'send', text: m.data };
      default:
        return { type: 'send', text: 'QUIT\r\n' };
    }
  }
}
