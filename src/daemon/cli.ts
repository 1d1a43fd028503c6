/**
 * `keepalived-ts`: keepalived's command line. `-t` checks a configuration with keepalived's
 * diagnostics and exit statuses; `--dump-config` prints the model as JSON; `--reload-plan`
 * shows what a SIGHUP would change.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { type Diagnostic, formatDiagnostic } from '../base/diagnostics.js';
import { type CliOptions, parseArgs, SIGNUMS } from './args.js';
import { readConfig } from './read-config.js';

// The daemon, --reload-plan and --print-config are imported when used: `-t` then loads only
// the configuration reader (ES modules load one by one, and the daemon is half of them).
// The daemon and --reload-plan are named through variables: the single-file build of the
// command line (tsconfig.bundle.json, bundle-main.cts) follows literal imports only, so it
// holds `-t` and its kin, and these two load as ES modules. Their types are stated here and
// checked against the modules in cli.test.ts.
const DAEMON: string = './daemon.js';
const RELOAD_PLAN: string = './reload-plan-cli.js';

export interface DaemonModule {
  runDaemon(o: CliOptions, argv: readonly string[]): Promise<number>;
}
export interface ReloadPlanModule {
  runReloadPlan(o: CliOptions, io: CliIo, read: (path: string) => string): Promise<number>;
}

export const VERSION = '0.1.0';
export const COMPATIBLE_WITH = 'Keepalived v2.2.7';

const HELP = `Usage: keepalived-ts [OPTION...]
  -f, --use-file=FILE          Use the specified configuration file
                                default '/etc/keepalived/keepalived.conf'
  -P, --vrrp                   Only run with VRRP subsystem
  -C, --check                  Only run with Health-checker subsystem
  -B, --no_bfd                 Don't run BFD subsystem
      --all                    Force all child processes to run, even if have no configuration
  -l, --log-console            Log messages to local console
  -D, --log-detail             Detailed log messages
  -S, --log-facility=([0-7]|local[0-7]|user|daemon)
                               Set syslog facility to LOG_LOCAL[0-7], user or daemon (default)
  -G, --no-syslog              Don't log via syslog
  -u, --umask=MASK             umask for file creation (in numeric form)
  -X, --release-vips           Drop VIP on transition from signal.
  -V, --dont-release-vrrp      Don't remove VRRP VIPs and VROUTEs on daemon stop
  -I, --dont-release-ipvs      Don't remove IPVS topology on daemon stop
  -R, --dont-respawn           Don't respawn child processes
  -n, --dont-fork              Don't fork the daemon process
  -d, --dump-conf              Dump the configuration data
  -p, --pid=FILE               Use specified pidfile for parent process
  -r, --vrrp_pid=FILE          Use specified pidfile for VRRP child process
  -c, --checkers_pid=FILE      Use specified pidfile for checkers child process
  -a, --address-monitoring     Report all address additions/deletions notified via netlink
  -b, --bfd_pid=FILE           Use specified pidfile for BFD child process
  -x, --snmp                   Enable SNMP subsystem (not built in: accepted and ignored)
  -A, --snmp-agent-socket=FILE Use the specified socket for master agent
  -s, --namespace=NAME         Run in network namespace NAME (overrides config)
  -m, --core-dump              Produce core dump if terminate abnormally
  -M, --core-dump-pattern=PATN Also set /proc/sys/kernel/core_pattern to PATN (default 'core')
  -e, --all-config             Error if any configuration file missing (same as includet)
  -i, --config-id id           Skip any configuration lines beginning '@' that don't match id
                                or any lines beginning @^ that do match.
                                The config-id defaults to the node name if option not used
      --signum=SIGFUNC         Return signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON
  -t, --config-test[=LOG_FILE] Check the configuration for obvious errors, output to
                                stderr by default
      --dump-config            Print the configuration model as JSON (keepalived-ts)
      --print-config           Print the configuration as keepalived reads it: includes,
                                definitions and ~SEQ expanded, defaults applied (keepalived-ts)
      --reload-plan            With -f NEW: what a reload to NEW would change (keepalived-ts)
      --split-brain-notify=PATH  Run PATH INSTANCE NAME SPLIT_BRAIN PRIO PEER PEER_PRIO when a
                                master hears another master for its VRID (keepalived-ts)
  -v, --version                Display the version number
  -h, --help                   Display this help message
`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** One line per distinct diagnostic (keepalived repeats them once per process). */
export function distinctDiagnostics(items: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return items.filter((d) => {
    const key = formatDiagnostic(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function runCli(argv: readonly string[], io: CliIo = processIo): number | Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.stderr(`${parsed.error}\n`);
    return 1;
  }
  const o = parsed.options;
  if (o.help) {
    io.stderr(HELP);
    return 0;
  }
  if (o.version) {
    io.stderr(
      `keepalived-ts v${VERSION} (command line and configuration compatible with ${COMPATIBLE_WITH})\n`,
    );
    return 0;
  }
  if (o.signum !== undefined) {
    const n = SIGNUMS[o.signum];
    if (n === undefined) {
      io.stderr(`Unknown sigfunc ${o.signum}\n`);
      return 1;
    }
    io.stdout(`${n}\n`);
    return 0;
  }
  if (o.reloadPlan !== undefined)
    return (import(RELOAD_PLAN) as Promise<ReloadPlanModule>).then((m) => m.runReloadPlan(o, io, readText));
  if (o.snmp) io.stderr('keepalived-ts: SNMP is not built in - ignoring -x\n');
  if (o.configTest !== undefined || o.dumpConfigJson || o.printConfig) {
    // `-t` alone needs no model (the JSON and printed forms do).
    const result = readConfig(o, o.dumpConfigJson || o.printConfig);
    const lines = distinctDiagnostics(result.diagnostics).map((d) => `${formatDiagnostic(d)}\n`);
    if (o.configTest) {
      try {
        appendFileSync(o.configTest, lines.join(''));
      } catch (e) {
        io.stderr(`keepalived-ts: cannot write ${o.configTest}: ${(e as Error).message}\n`);
      }
    } else if (lines.length > 0) io.stderr(lines.join('')); // (no stream set up for nothing)
    if (o.dumpConfigJson && result.config) io.stdout(`${JSON.stringify(result.config, null, 2)}\n`);
    const status = o.configTest !== undefined ? result.exitStatus : result.config ? 0 : 1;
    const config = result.config;
    if (o.printConfig && config) {
      return import('../config/print/index.js').then((m) => {
        io.stdout(m.printConfig(config));
        return status;
      });
    }
    return status;
  }
  return (import(DAEMON) as Promise<DaemonModule>).then((m) => m.runDaemon(o, argv));
}

/** Reads a small text file, for tools that print a config's source lines. */
export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
