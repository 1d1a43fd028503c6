/**
 * keepalived's log output: with -l (and -n) each line goes to stderr prefixed by the C
 * locale's "%c" time, as keepalived's log_message does; otherwise to syslog through the addon.
 * Lines keepalived logs only with -D (LOG_DETAIL) are dropped without it.
 */

export interface LogSinks {
  /** Writes one finished line (newline included) to the console. */
  readonly console?: (line: string) => void;
  /** Sends one message to syslog at LOG_INFO. */
  readonly syslog?: (message: string) => void;
  readonly now?: () => Date;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** strftime("%c") in the C locale: "Wed Nov  5 09:03:07 2026" (day of month space-padded). */
export function cTimestamp(d: Date): string {
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${time} ${d.getFullYear()}`;
}

export class DaemonLog {
  readonly #sinks: LogSinks;
  readonly #detail: boolean;

  constructor(sinks: LogSinks, opts: { readonly detail: boolean }) {
    this.#sinks = sinks;
    this.#detail = opts.detail;
  }

  log(text: string, detail = false): void {
    if (detail && !this.#detail) return;
    const now = this.#sinks.now?.() ?? new Date();
    this.#sinks.console?.(`${cTimestamp(now)}: ${text}\n`);
    this.#sinks.syslog?.(text);
  }
}
