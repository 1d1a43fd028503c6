/**
 * Checker blocks inside a real_server (TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, SMTP_CHECK,
 * DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK, BFD_CHECK). Inherited values (undefined in the
 * model) are left out so that the checker keeps inheriting them.
 */
import type {
  CheckerConfig,
  CheckerTiming,
  ConnectionOptions,
  HttpCheck,
  HttpUrl,
  UdpCheck,
} from '../model/checkers.js';
import { commandWord, type Out, seconds, word } from './format.js';

const SMTP_DEFAULT_HELO = 'smtpchecker.keepalived.org';

function connection(c: ConnectionOptions, o: Out): void {
  if (c.connectIp !== undefined) o.line('connect_ip', c.connectIp);
  if (c.connectPort !== undefined) o.line('connect_port', c.connectPort);
  if (c.bindto !== undefined) o.line('bindto', c.bindto);
  if (c.bindPort !== undefined) o.line('bind_port', c.bindPort);
  if (c.bindIf !== undefined) o.line('bind_if', word(c.bindIf));
  if (c.fwmark !== 0) o.line('fwmark', c.fwmark);
  if (c.connectTimeoutUs !== undefined) o.line('connect_timeout', seconds(c.connectTimeoutUs));
}

function timing(t: CheckerTiming, o: Out): void {
  if (t.retry !== undefined) o.line('retry', t.retry);
  if (t.delayBeforeRetryUs !== undefined) o.line('delay_before_retry', seconds(t.delayBeforeRetryUs));
  if (t.warmupUs !== undefined) o.line('warmup', seconds(t.warmupUs));
  if (t.delayLoopUs !== undefined) o.line('delay_loop', seconds(t.delayLoopUs));
  if (t.alpha !== undefined) o.line('alpha', t.alpha ? 'true' : 'false');
  if (t.logAllFailures) o.line('log_all_failures', 'true');
}

/** Status codes as keepalived's `status_code` reads them, runs of codes as ranges. */
function statusCodes(codes: readonly number[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < codes.length) {
    const start = codes[i] as number;
    let end = start;
    while (codes[i + 1] === end + 1) {
      end++;
      i++;
    }
    out.push(start === end ? String(start) : `${start}-${end}`);
    i++;
  }
  return out;
}

function isDefaultStatus(codes: readonly number[]): boolean {
  return codes.length === 100 && codes[0] === 200 && codes[99] === 299;
}

function url(u: HttpUrl, o: Out): void {
  o.block('url', (b) => {
    b.line('path', word(u.path));
    if (u.digest !== undefined) b.line('digest', u.digest);
    if (!isDefaultStatus(u.statusCodes)) b.line('status_code', ...statusCodes(u.statusCodes));
    if (u.virtualhost !== undefined) b.line('virtualhost', word(u.virtualhost));
    const r = u.regex;
    if (r) {
      b.line('regex', commandWord([r.pattern]));
      if (r.options.length > 0) b.line('regex_options', ...r.options);
      if (r.noMatch) b.line('regex_no_match');
      if (r.minOffset !== 0) b.line('regex_min_offset', r.minOffset);
      if (r.maxOffset !== 0) b.line('regex_max_offset', r.maxOffset - 1);
      if (r.stack) b.line('regex_stack', r.stack.start, r.stack.max);
    }
  });
}

function http(c: HttpCheck, o: Out): void {
  if (c.virtualhost !== undefined) o.line('virtualhost', word(c.virtualhost));
  if (c.httpProtocol !== '1.0') o.line('http_protocol', c.httpProtocol);
  if (c.enableSni) o.line('enable_sni', 'true');
  if (c.fastRecovery) o.line('fast_recovery', 'true');
  for (const u of c.urls) url(u, o);
}

function hex(b: Buffer, mask: Buffer | undefined): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const v = b[i] as number;
    const m = mask?.[i] ?? 0;
    s += m & 0xf0 ? 'X' : (v >> 4).toString(16);
    s += m & 0x0f ? 'X' : (v & 0xf).toString(16);
  }
  return s;
}

function udp(c: UdpCheck, o: Out): void {
  if (c.payload) o.line('payload', hex(c.payload, undefined));
  if (c.requireReply) o.line('require_reply', c.replyData ? hex(c.replyData, c.replyMask) : undefined);
  if (c.minReplyLength !== 0) o.line('min_reply_length', c.minReplyLength);
  if (c.maxReplyLength !== 255) o.line('max_reply_length', c.maxReplyLength);
}

export function printChecker(c: CheckerConfig, o: Out): void {
  o.block(c.type, (b) => {
    switch (c.type) {
      case 'TCP_CHECK':
      case 'PING_CHECK':
        connection(c.connection, b);
        timing(c, b);
        return;
      case 'HTTP_GET':
      case 'SSL_GET':
        connection(c.connection, b);
        timing(c, b);
        http(c, b);
        return;
      case 'MISC_CHECK':
        b.line('misc_path', commandWord(c.args));
        if (c.timeoutUs !== 0) b.line('misc_timeout', Math.round(c.timeoutUs / 1_000_000));
        if (c.dynamic) b.line('misc_dynamic');
        if (c.user)
          b.line('user', word(c.user.user), c.user.group === undefined ? undefined : word(c.user.group));
        timing(c, b);
        return;
      case 'SMTP_CHECK':
        if (c.heloName !== SMTP_DEFAULT_HELO) b.line('helo_name', word(c.heloName));
        connection(c.connection, b);
        timing(c, b);
        return;
      case 'DNS_CHECK':
        connection(c.connection, b);
        timing(c, b);
        if (c.queryType !== 'SOA') b.line('type', c.queryType);
        if (c.name !== '') b.line('name', word(c.name));
        return;
      case 'UDP_CHECK':
        connection(c.connection, b);
        timing(c, b);
        udp(c, b);
        return;
      case 'FILE_CHECK':
        b.line('track_file', word(c.trackFile));
        b.line('weight', c.weight, c.weightReverse ? 'reverse' : 'noreverse');
        return;
      case 'BFD_CHECK':
        b.line('name', word(c.name));
        if (c.alpha !== undefined) b.line('alpha', c.alpha ? 'true' : 'false');
        return;
    }
  });
}
