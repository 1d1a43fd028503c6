/**
 * Checker blocks inside real_server: TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, SMTP_CHECK,
 * DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK, BFD_CHECK (keepalived check/check_*.c).
 */
import type { Keyword } from '../../parser.js';

export const checkerKeywords: Keyword[] = [];
