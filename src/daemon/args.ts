/**
 * keepalived 2.2.7's command line (getopt_long: `-fFILE`, `-f FILE`, `--use-file=FILE`,
 * `--use-file FILE`, bundled short flags), plus keepalived-ts's own long options.
 */

export interface CliOptions {
  configFile: string;
  vrrpOnly: boolean;
  checkOnly: boolean;
  noBfd: boolean;
  all: boolean;
  logConsole: boolean;
  logDetail: boolean;
  logFacility: string | undefined;
  noSyslog: boolean;
  umask: string | undefined;
  releaseVips: boolean;
  dontReleaseVrrp: boolean;
  dontReleaseIpvs: boolean;
  dontRespawn: boolean;
  dontFork: boolean;
  dumpConf: boolean;
  pidFile: string | undefined;
  vrrpPidFile: string | undefined;
  checkersPidFile: string | undefined;
  bfdPidFile: string | undefined;
  addressMonitoring: boolean;
  snmp: boolean;
  snmpAgentSocket: string | undefined;
  namespace: string | undefined;
  coreDump: boolean;
  coreDumpPattern: string | undefined;
  allConfig: boolean;
  configId: string | undefined;
  signum: string | undefined;
  /** `-t`: undefined = not testing, '' = to stderr, else the log file. */
  configTest: string | undefined;
  version: boolean;
  help: boolean;
  genhash: boolean;
  /** keepalived-ts: print the model as JSON. */
  dumpConfigJson: boolean;
  /** keepalived-ts: print the model back as canonical keepalived.conf text. */
  printConfig: boolean;
  /** keepalived-ts: print what a reload to this file would change. */
  reloadPlan: string | undefined;
  /** keepalived-ts: a script run when a master hears another master (a split brain). */
  splitBrainNotify: string | undefined;
}

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';

type Arg = 'none' | 'required' | 'optional';
interface OptSpec {
  readonly short?: string;
  readonly long: string;
  readonly arg: Arg;
  readonly set: (o: CliOptions, v: string | undefined) => void;
}

const SPECS: readonly OptSpec[] = [
  { short: 'f', long: 'use-file', arg: 'required', set: (o, v) => (o.configFile = v ?? '') },
  { short: 'P', long: 'vrrp', arg: 'none', set: (o) => (o.vrrpOnly = true) },
  { short: 'C', long: 'check', arg: 'none', set: (o) => (o.checkOnly = true) },
  { short: 'B', long: 'no_bfd', arg: 'none', set: (o) => (o.noBfd = true) },
  { long: 'all', arg: 'none', set: (o) => (o.all = true) },
  { short: 'l', long: 'log-console', arg: 'none', set: (o) => (o.logConsole = true) },
  { short: 'D', long: 'log-detail', arg: 'none', set: (o) => (o.logDetail = true) },
  { short: 'S', long: 'log-facility', arg: 'required', set: (o, v) => (o.logFacility = v) },
  { short: 'G', long: 'no-syslog', arg: 'none', set: (o) => (o.noSyslog = true) },
  { short: 'u', long: 'umask', arg: 'required', set: (o, v) => (o.umask = v) },
  { short: 'X', long: 'release-vips', arg: 'none', set: (o) => (o.releaseVips = true) },
  { short: 'V', long: 'dont-release-vrrp', arg: 'none', set: (o) => (o.dontReleaseVrrp = true) },
  { short: 'I', long: 'dont-release-ipvs', arg: 'none', set: (o) => (o.dontReleaseIpvs = true) },
  { short: 'R', long: 'dont-respawn', arg: 'none', set: (o) => (o.dontRespawn = true) },
  { short: 'n', long: 'dont-fork', arg: 'none', set: (o) => (o.dontFork = true) },
  { short: 'd', long: 'dump-conf', arg: 'none', set: (o) => (o.dumpConf = true) },
  { short: 'p', long: 'pid', arg: 'required', set: (o, v) => (o.pidFile = v) },
  { short: 'r', long: 'vrrp_pid', arg: 'required', set: (o, v) => (o.vrrpPidFile = v) },
  { short: 'T', long: 'genhash', arg: 'none', set: (o) => (o.genhash = true) },
  { short: 'c', long: 'checkers_pid', arg: 'required', set: (o, v) => (o.checkersPidFile = v) },
  { short: 'a', long: 'address-monitoring', arg: 'none', set: (o) => (o.addressMonitoring = true) },
  { short: 'b', long: 'bfd_pid', arg: 'required', set: (o, v) => (o.bfdPidFile = v) },
  { short: 'x', long: 'snmp', arg: 'none', set: (o) => (o.snmp = true) },
  { short: 'A', long: 'snmp-agent-socket', arg: 'required', set: (o, v) => (o.snmpAgentSocket = v) },
  { short: 's', long: 'namespace', arg: 'required', set: (o, v) => (o.namespace = v) },
  { short: 'm', long: 'core-dump', arg: 'none', set: (o) => (o.coreDump = true) },
  {
    short: 'M',
    long: 'core-dump-pattern',
    arg: 'optional',
    set: (o, v) => (o.coreDumpPattern = v ?? 'core'),
  },
  { short: 'e', long: 'all-config', arg: 'none', set: (o) => (o.allConfig = true) },
  { short: 'i', long: 'config-id', arg: 'required', set: (o, v) => (o.configId = v) },
  { long: 'signum', arg: 'required', set: (o, v) => (o.signum = v) },
  { short: 't', long: 'config-test', arg: 'optional', set: (o, v) => (o.configTest = v ?? '') },
  { short: 'v', long: 'version', arg: 'none', set: (o) => (o.version = true) },
  { short: 'h', long: 'help', arg: 'none', set: (o) => (o.help = true) },
  { long: 'dump-config', arg: 'none', set: (o) => (o.dumpConfigJson = true) },
  { long: 'print-config', arg: 'none', set: (o) => (o.printConfig = true) },
  { long: 'reload-plan', arg: 'none', set: (o) => (o.reloadPlan = '') },
  { long: 'split-brain-notify', arg: 'required', set: (o, v) => (o.splitBrainNotify = v) },
];

export function defaultOptions(): CliOptions {
  return {
    configFile: DEFAULT_CONFIG_FILE,
    vrrpOnly: false,
    checkOnly: false,
    noBfd: false,
    all: false,
    logConsole: false,
    logDetail: false,
    logFacility: undefined,
    noSyslog: false,
    umask: undefined,
    releaseVips: false,
    dontReleaseVrrp: false,
    dontReleaseIpvs: false,
    dontRespawn: false,
    dontFork: false,
    dumpConf: false,
    pidFile: undefined,
    vrrpPidFile: undefined,
    checkersPidFile: undefined,
    bfdPidFile: undefined,
    addressMonitoring: false,
    snmp: false,
    snmpAgentSocket: undefined,
    namespace: undefined,
    coreDump: false,
    coreDumpPattern: undefined,
    allConfig: false,
    configId: undefined,
    signum: undefined,
    configTest: undefined,
    version: false,
    help: false,
    genhash: false,
    dumpConfigJson: false,
    printConfig: false,
    reloadPlan: undefined,
    splitBrainNotify: undefined,
  };
}

export type ParsedArgs = { ok: true; options: CliOptions } | { ok: false; error: string };

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const o = defaultOptions();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') break;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const candidates = SPECS.filter((s) => s.long === name || s.long.startsWith(name));
      const spec =
        candidates.find((s) => s.long === name) ?? (candidates.length === 1 ? candidates[0] : undefined);
      if (!spec) return { ok: false, error: `Unknown option ${a}` };
      let value: string | undefined = eq < 0 ? undefined : a.slice(eq + 1);
      if (spec.arg === 'none' && value !== undefined)
        return { ok: false, error: `Option ${a} takes no value` };
      if (spec.arg === 'required' && value === undefined) {
        value = argv[++i];
        if (value === undefined) return { ok: false, error: `Option --${spec.long} requires an argument` };
      }
      if (spec.long === 'reload-plan') o.reloadPlan = '';
      spec.set(o, value);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        const spec = SPECS.find((s) => s.short === c);
        if (!spec) return { ok: false, error: `Unknown option -${c}` };
        if (spec.arg === 'none') {
          spec.set(o, undefined);
          continue;
        }
        let value: string | undefined = a.slice(j + 1) || undefined;
        if (value === undefined && spec.arg === 'required') {
          value = argv[++i];
          if (value === undefined) return { ok: false, error: `Option -${c} requires an argument` };
        }
        spec.set(o, value);
        break;
      }
      continue;
    }
    return { ok: false, error: `Unexpected argument ${a}` };
  }
  return { ok: true, options: o };
}

/** keepalived --signum: the signal each function is sent with. */
export const SIGNUMS: Record<string, number> = {
  STOP: 15,
  RELOAD: 1,
  DATA: 10,
  STATS: 12,
  STATS_CLEAR: 63,
  JSON: 36,
};
