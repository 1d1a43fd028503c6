/**
 * A real SMTP server for tests and the lab: Debian's python3-aiosmtpd (an RFC 5321 server
 * library) run as its own process inside a lab node. It accepts every message and appends one
 * JSON line per finished session to a file: the commands in the order the client sent them,
 * the HELO name, the envelope and the message as received (dot-unstuffed, CRLF kept).
 */
import { readFileSync } from 'node:fs';
import type { SpawnOptions } from './lab-node.js';
import type { LabProcess } from './lab-process.js';
import { pollUntil } from './poll.js';

/** Debian's interpreter: python3-aiosmtpd is installed for it, not for other pythons on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/**
 * The server. Every command line is recorded (the reply hooks see them all: aiosmtpd calls
 * handle_<VERB> for HELO, EHLO, MAIL, RCPT, DATA, QUIT, RSET, NOOP, VRFY); a session is written
 * out when its connection ends, so a client that never sends QUIT still shows up.
 */
const SERVER_PY = String.raw`
import asyncio, json, sys, time
from aiosmtpd.smtp import SMTP

host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]

class Handler:
    def __init__(self):
        self.sessions = {}
    def rec(self, session):
        return self.sessions.setdefault(id(session), {"commands": [], "messages": []})
    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        self.rec(session)["commands"].append("HELO " + hostname)
        return "250 {}".format(server.hostname)
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.rec(session)["commands"].append("EHLO " + hostname)
        return responses
    async def handle_MAIL(self, server, session, envelope, address, options):
        self.rec(session)["commands"].append("MAIL FROM:<" + address + ">")
        envelope.mail_from = address
        return "250 OK"
    async def handle_RCPT(self, server, session, envelope, address, options):
        self.rec(session)["commands"].append("RCPT TO:<" + address + ">")
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        r = self.rec(session)
        r["commands"].append("DATA")
        r["messages"].append({
            "mailFrom": envelope.mail_from,
            "rcptTos": list(envelope.rcpt_tos),
            "data": envelope.original_content.decode("latin-1"),
            "atMs": int(time.time() * 1000),
        })
        return "250 Message accepted for delivery"
    async def handle_QUIT(self, server, session, envelope):
        self.rec(session)["commands"].append("QUIT")
        return "221 Bye"

handler = Handler()

class Server(SMTP):
    def connection_lost(self, error):
        r = handler.sessions.pop(id(self.session), None) if self.session else None
        if r is not None:
            r["peer"] = self.session.peer[0] if self.session.peer else ""
            r["helo"] = self.session.host_name or ""
            with open(out, "a") as f:
                f.write(json.dumps(r) + "\n")
        super().connection_lost(error)

async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(lambda: Server(handler, hostname="catcher"), host, port)
    print("listening", flush=True)
    await srv.serve_forever()

asyncio.run(main())
`;

export interface CaughtMessage {
  readonly mailFrom: string;
  readonly rcptTos: readonly string[];
  /** Headers, blank line, body, as received; CRLF line ends. */
  readonly data: string;
  /** The server's wall clock when the message was accepted. */
  readonly atMs: number;
}

export interface CaughtSession {
  readonly peer: string;
  readonly helo: string;
  /** Every command, in order ("HELO x", "MAIL FROM:<a>", "RCPT TO:<b>", "DATA", "QUIT"). */
  readonly commands: readonly string[];
  readonly messages: readonly CaughtMessage[];
}

/** One accepted message with its session's facts, its headers parsed. */
export interface CaughtMail extends CaughtMessage {
  readonly peer: string;
  readonly helo: string;
  readonly commands: readonly string[];
  readonly headers: ReadonlyMap<string, string>;
  /** The text after the blank line, without the trailing CRLF. */
  readonly body: string;
}

/** What the catcher needs from a lab node or machine. */
export interface SpawnHost {
  spawn(cmd: string, args?: readonly string[], opts?: SpawnOptions): LabProcess;
}

export class SmtpCatcher {
  private constructor(
    readonly proc: LabProcess,
    readonly file: string,
    readonly address: string,
    readonly port: number,
  ) {}

  /** Starts the server on `address`:`port` inside `host`; resolves once it listens. */
  static async start(
    host: SpawnHost,
    opts: { readonly address: string; readonly port?: number; readonly file: string },
  ): Promise<SmtpCatcher> {
    const port = opts.port ?? 25;
    const proc = host.spawn(SYSTEM_PYTHON, ['-c', SERVER_PY, opts.address, String(port), opts.file], {
      label: 'smtp-catcher',
    });
    await proc.waitForLine(/^listening$/, { timeoutMs: 10_000 });
    return new SmtpCatcher(proc, opts.file, opts.address, port);
  }

  /** Every finished session so far, oldest first. */
  sessions(): CaughtSession[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as CaughtSession);
  }

  /** Every accepted message so far, in the order accepted. */
  mails(): CaughtMail[] {
    return this.sessions()
      .flatMap((s) =>
        s.messages.map((m) => ({
          ...m,
          ...parseMessage(m.data),
          peer: s.peer,
          helo: s.helo,
          commands: s.commands,
        })),
      )
      .sort((a, b) => a.atMs - b.atMs);
  }

  /** Waits until `pred` holds for the mails caught so far; resolves with them. */
  async waitFor(
    pred: (mails: readonly CaughtMail[]) => boolean,
    opts: { readonly timeoutMs?: number; readonly what?: string } = {},
  ): Promise<CaughtMail[]> {
    return await pollUntil(
      () => {
        const m = this.mails();
        return pred(m) ? m : undefined;
      },
      { what: opts.what ?? 'mails at the catcher', timeoutMs: opts.timeoutMs ?? 10_000, intervalMs: 50 },
    );
  }

  async stop(): Promise<void> {
    await this.proc.stop({ timeoutMs: 3000 });
  }
}

/** Headers (lower-cased names, unfolded) and body of a message. */
export function parseMessage(data: string): { headers: Map<string, string>; body: string } {
  const split = data.indexOf('\r\n\r\n');
  const head = split < 0 ? data : data.slice(0, split);
  const body = split < 0 ? '' : data.slice(split + 4).replace(/\r\n$/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}
