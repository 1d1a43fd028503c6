/**
 * Health checkers attached to a real_server (keepalived check/check_*.c), as a discriminated
 * union on `type`. Timers are in microseconds (keepalived's TIMER_HZ). A field that is
 * `undefined` where keepalived inherits means "inherit": validate_check_config() fills it from
 * the real_server, then the virtual_server, then the checker's own default (given beside it).
 */
import type { SourceLoc } from '../../base/diagnostics.js';

/** Where a checker connects from and to (keepalived's conn_opts_t). */
export interface ConnectionOptions {
  /** connect_ip; undefined = the real server's address. */
  readonly connectIp: string | undefined;
  /** connect_port; undefined = the real server's port. */
  readonly connectPort: number | undefined;
  /** bindto: source address. */
  readonly bindto: string | undefined;
  /** bind_port: source port. */
  readonly bindPort: number | undefined;
  /** bind_if: source interface (needed for an IPv6 link-local destination). */
  readonly bindIf: string | undefined;
  /** fwmark (SO_MARK) on the checker's socket; 0 = none. */
  readonly fwmark: number;
  /** connect_timeout; undefined = inherit (real_server, then virtual_server: 5 s). */
  readonly connectTimeoutUs: number | undefined;
}

/** Keywords every checker but FILE_CHECK and BFD_CHECK takes (install_checker_common_keywords). */
export interface CheckerTiming {
  /** retry; undefined = inherit from the real_server, else `defaultRetry`. */
  readonly retry: number | undefined;
  /** The checker's own default when nothing sets retry: 1, MISC_CHECK 0, DNS_CHECK 3. */
  readonly defaultRetry: number;
  /** delay_before_retry; undefined = inherit from the real_server, else the default below. */
  readonly delayBeforeRetryUs: number | undefined;
  /**
   * Default delay_before_retry: 1 s, HTTP_GET/SSL_GET 3 s; 0 (DNS_CHECK) means the
   * checker's delay_loop.
   */
  readonly defaultDelayBeforeRetryUs: number;
  /** warmup; undefined = inherit from the real_server, else the checker's delay_loop. */
  readonly warmupUs: number | undefined;
  /** delay_loop; undefined = inherit (real_server, then virtual_server: 60 s). */
  readonly delayLoopUs: number | undefined;
  /** alpha; undefined = inherit from the real_server. */
  readonly alpha: boolean | undefined;
  readonly logAllFailures: boolean;
}

interface CheckerBase {
  /** The line of the checker's keyword, for messages about it. */
  readonly loc: SourceLoc | undefined;
}

export interface TcpCheck extends CheckerBase, CheckerTiming {
  readonly type: 'TCP_CHECK';
  readonly connection: ConnectionOptions;
}

export type HttpProtocol = '1.0' | '1.1' | '1.0C';

export interface HttpUrl {
  readonly path: string;
  /** MD5 of the body, 32 lowercase hex digits. */
  readonly digest: string | undefined;
  /** Accepted status codes, sorted; default 200..299. */
  readonly statusCodes: readonly number[];
  readonly virtualhost: string | undefined;
  readonly regex: HttpRegex | undefined;
}

export interface HttpRegex {
  /** A PCRE2 pattern, not compiled here. */
  readonly pattern: string;
  /** PCRE2 option names from regex_options (caseless, multiline, ...). */
  readonly options: readonly string[];
  /** regex_no_match: the check passes when the pattern does not match. */
  readonly noMatch: boolean;
  readonly minOffset: number;
  /** One past the last acceptable offset, 0 = none (keepalived stores max + 1). */
  readonly maxOffset: number;
  /** regex_stack start/max (JIT stack), undefined = not set. */
  readonly stack: { readonly start: number; readonly max: number } | undefined;
}

export interface HttpCheck extends CheckerBase, CheckerTiming {
  readonly type: 'HTTP_GET' | 'SSL_GET';
  readonly connection: ConnectionOptions;
  readonly urls: readonly HttpUrl[];
  /** virtualhost at checker level; a url's own virtualhost wins. */
  readonly virtualhost: string | undefined;
  /** http_protocol, default 1.0. */
  readonly httpProtocol: HttpProtocol;
  /** enable_sni: send the virtualhost as TLS SNI (SSL_GET). */
  readonly enableSni: boolean;
  readonly fastRecovery: boolean;
}

export interface MiscCheck extends CheckerBase, CheckerTiming {
  readonly type: 'MISC_CHECK';
  /** The command, split as keepalived splits it (quotes and escapes). */
  readonly args: readonly string[];
  /** misc_timeout; 0 = the virtual server's delay_loop. */
  readonly timeoutUs: number;
  /** misc_dynamic: exit status 2..255 sets the weight to status - 2. */
  readonly dynamic: boolean;
  /** `user` in the block; undefined = the default script user. */
  readonly user: { readonly user: string; readonly group: string | undefined } | undefined;
}

export interface SmtpCheck extends CheckerBase, CheckerTiming {
  readonly type: 'SMTP_CHECK';
  /** helo_name; default "smtpchecker.keepalived.org". */
  readonly heloName: string;
  /**
   * Each deprecated `host` block becomes one more SMTP_CHECK with the same settings and that
   * host's connection, as keepalived queues one checker per host.
   */
  readonly connection: ConnectionOptions;
}

export type DnsType = 'A' | 'NS' | 'CNAME' | 'SOA' | 'MX' | 'TXT' | 'AAAA' | 'RRSIG' | 'DNSKEY';

export interface DnsCheck extends CheckerBase, CheckerTiming {
  readonly type: 'DNS_CHECK';
  readonly connection: ConnectionOptions;
  /** Query type, default SOA. */
  readonly queryType: DnsType;
  /** Query name, default "" (the root). */
  readonly name: string;
}

export interface UdpCheck extends CheckerBase, CheckerTiming {
  readonly type: 'UDP_CHECK';
  readonly connection: ConnectionOptions;
  /** Bytes sent; undefined = keepalived's default probe. */
  readonly payload: Buffer | undefined;
  readonly requireReply: boolean;
  /** Expected reply bytes; where `replyMask` has bits set (X digits) anything matches. */
  readonly replyData: Buffer | undefined;
  readonly replyMask: Buffer | undefined;
  readonly minReplyLength: number;
  /** Default 255. */
  readonly maxReplyLength: number;
}

export interface PingCheck extends CheckerBase, CheckerTiming {
  readonly type: 'PING_CHECK';
  readonly connection: ConnectionOptions;
}

export interface FileCheck extends CheckerBase {
  readonly type: 'FILE_CHECK';
  /** Name of the track_file block. */
  readonly trackFile: string;
  /** weight, else the track_file's weight. */
  readonly weight: number;
  /** `weight N reverse`, else the track_file's setting. */
  readonly weightReverse: boolean;
}

export interface BfdCheck extends CheckerBase {
  readonly type: 'BFD_CHECK';
  /** Name of the bfd_instance. */
  readonly name: string;
  /** alpha; undefined = inherit from the real_server. */
  readonly alpha: boolean | undefined;
}

export type CheckerConfig =
  | TcpCheck
  | HttpCheck
  | MiscCheck
  | SmtpCheck
  | DnsCheck
  | UdpCheck
  | PingCheck
  | FileCheck
  | BfdCheck;

export type CheckerType = CheckerConfig['type'];
