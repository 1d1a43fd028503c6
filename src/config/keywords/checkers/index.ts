/**
 * Checker blocks inside real_server: TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, SMTP_CHECK,
 * DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK, BFD_CHECK (keepalived check/check_*.c).
 * Each finished checker is pushed, as a frozen `CheckerConfig` (model/checkers.ts), onto
 * `currentRealServer(ctx).checkers`; a checker keepalived drops (e.g. an HTTP_GET without
 * urls) is reported and not pushed.
 */
import type { Keyword } from '../../parser.js';
import { dnsCheck } from './dns.js';
import { bfdCheck, fileCheck } from './file-bfd.js';
import { httpGetCheck, sslGetCheck } from './http.js';
import { miscCheck } from './misc.js';
import { smtpCheck } from './smtp.js';
import { pingCheck, tcpCheck } from './tcp.js';
import { udpCheck } from './udp.js';

export { noteCheckerScript } from './scripts.js';

export const checkerKeywords: Keyword[] = [
  miscCheck,
  smtpCheck,
  tcpCheck,
  pingCheck,
  udpCheck,
  httpGetCheck,
  sslGetCheck,
  dnsCheck,
  fileCheck,
  bfdCheck,
];
