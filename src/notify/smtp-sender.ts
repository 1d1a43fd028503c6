/**
 * Sends alert mails over TCP as keepalived does: one connection per mail, in the background,
 * each bounded by smtp_connect_timeout for the connect and for every reply; failures are
 * logged with keepalived's lines and never retried. The dialogue itself is SmtpDialogue (pure);
 * this adapter owns the socket. `connect` and `lookup` are injectable for tests.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { createConnection, isIP, type Socket } from 'node:net';
import { connectLog, type SmtpAction, SmtpDialogue, serverLabel } from './smtp-dialogue.js';
import { type AlertText, dataBlock, type MailSettings, rfc822Date } from './smtp-message.js';

export interface SmtpSenderDeps {
  /** Log a line; `detail` lines only with -D, as keepalived's LOG_DETAIL_BIT. */
  readonly log: (text: string, detail?: boolean) => void;
  readonly connect?: (port: number, host: string) => Socket;
  readonly lookup?: (host: string) => Promise<string>;
  /** Wall clock for the Date header: epoch ms and minutes east of UTC. */
  readonly now?: () => { epochMs: number; utcOffsetMin: number };
}

const systemNow = (): { epochMs: number; utcOffsetMin: number } => {
  const d = new Date();
  return { epochMs: d.getTime(), utcOffsetMin: -d.getTimezoneOffset() };
};

export class SmtpSender {
  private readonly pending = new Set<Promise<void>>();
  private address: Promise<string> | undefined;

  constructor(
    readonly settings: MailSettings,
    private readonly deps: SmtpSenderDeps,
  ) {}

  /** Starts sending one mail; never throws, never blocks the caller. */
  send(text: AlertText): void {
    const now = (this.deps.now ?? systemNow)();
    const data = dataBlock(this.settings, text, rfc822Date(now.epochMs, now.utcOffsetMin));
    const p = this.deliver(data).catch((e: unknown) => this.deps.log(`SMTP alert failed: ${String(e)}`));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every mail started so far has finished (sent or failed). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** The server's address, looked up once (keepalived resolves smtp_server when it reads the config). */
  private resolve(): Promise<string> {
    const { host } = this.settings.server;
    if (isIP(host) !== 0) return Promise.resolve(host);
    this.address ??= (this.deps.lookup ?? ((h: string) => dnsLookup(h).then((r) => r.address)))(host);
    return this.address;
  }

  private async deliver(data: string): Promise<void> {
    const s = this.settings;
    let address: string;
    try {
      address = await this.resolve();
    } catch {
      this.address = undefined;
      this.deps.log(`Invalid smtp server ${s.server.host} ${s.server.port}`);
      return;
    }
    const server = serverLabel(address, s.server.port);
    const dialogue = new SmtpDialogue({ heloName: s.heloName, from: s.from, to: s.to, data }, server);
    const connect = this.deps.connect ?? ((port: number, host: string) => createConnection({ port, host }));
    await new Promise<void>((done) => {
      const socket = connect(s.server.port, address);
      // A mail never keeps the daemon alive: keepalived exits without waiting for its mails.
      socket.unref();
      // The descriptor exists once the connect has started; an error closes it before we see it.
      let fd = -1;
      process.nextTick(() => {
        fd = socketFd(socket);
      });
      let connected = false;
      let ended = false;
      const finish = (): void => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        socket.destroy();
        done();
      };
      let timer = setTimeout(() => {
        this.deps.log(connectLog.timeout(server));
        finish();
      }, s.timeoutMs).unref();
      const rearm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => act(dialogue.timedOut()), s.timeoutMs).unref();
      };
      const act = (actions: readonly SmtpAction[]): void => {
        for (const a of actions) {
          if (ended) return;
          switch (a.type) {
            case 'log':
              this.deps.log(a.text, a.detail === true);
              break;
            case 'send':
              socket.write(a.text, 'latin1');
              break;
            case 'close':
              finish();
              return;
            case 'sent':
              break;
          }
        }
        if (!ended) rearm();
      };
      socket.setEncoding('latin1');
      socket.on('connect', () => {
        connected = true;
        act(dialogue.connected());
      });
      socket.on('data', (chunk: string) => act(dialogue.received(chunk)));
      socket.on('end', () => act(dialogue.closedByServer()));
      socket.on('error', (e: NodeJS.ErrnoException) => {
        if (ended) return;
        if (!connected) {
          // A connect that fails at once (no route) is connect_fail; one that completes with an
          // error (refused) reaches keepalived as an epoll error on the fd.
          this.deps.log(e.syscall === 'connect' ? connectLog.writeError(fd) : connectLog.error(server));
        } else {
          this.deps.log(`smtp fd ${fd} returned read error`);
        }
        finish();
      });
      socket.on('close', finish);
    });
  }
}

/** The socket's descriptor for keepalived's "smtp fd N" lines; -1 when Node does not expose it. */
function socketFd(socket: Socket): number {
  const handle: unknown = Reflect.get(socket, '_handle');
  const fd: unknown = handle !== null && typeof handle === 'object' ? Reflect.get(handle, 'fd') : undefined;
  return typeof fd === 'number' ? fd : -1;
}
