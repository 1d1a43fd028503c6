/**
 * The files of one load balancer in the demo lab, all under `<runDir>/<node>/`: the seed's 4.6
 * keepalived.conf with only its script paths moved into the lab, the seed's check_n.sh and
 * notify.sh unchanged, the lab's stand-ins for systemctl and mail first on the daemon's PATH,
 * an nginx prefix serving the node's page, and node.env telling the stand-ins where things are.
 * The text transforms are pure and exported for tests; writeNodeFiles does the I/O.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../testing/config-compare.js';

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
/** Where examples/seed-4.6-*.conf expect the seed's scripts. */
export const SEED_SCRIPT_DIR = '/etc/keepalived/scripts';

export interface NodeLayout {
  readonly dir: string;
  /** Stand-ins (systemctl, mail), first on the daemon's PATH. */
  readonly binDir: string;
  /** The seed's check_n.sh and notify.sh. */
  readonly scriptsDir: string;
  readonly conf: string;
  readonly pidFile: string;
  readonly vrrpPidFile: string;
  readonly checkPidFile: string;
  readonly nginxPrefix: string;
  readonly nginxConf: string;
  readonly nginxPid: string;
  /** Every systemctl call, one line each. */
  readonly systemctlLog: string;
  /** The daemon's console output (-l), across restarts; a line marks each exit. */
  readonly keepalivedLog: string;
  /** The lab-wide outbox of the mail stand-in. */
  readonly mailDir: string;
}

export function nodeLayout(runDir: string, node: string): NodeLayout {
  const dir = join(runDir, node);
  const nginxPrefix = join(dir, 'nginx');
  return {
    dir,
    binDir: join(dir, 'bin'),
    scriptsDir: join(dir, 'scripts'),
    conf: join(dir, 'keepalived.conf'),
    pidFile: join(dir, 'keepalived.pid'),
    vrrpPidFile: join(dir, 'keepalived-vrrp.pid'),
    checkPidFile: join(dir, 'keepalived-check.pid'),
    nginxPrefix,
    nginxConf: join(nginxPrefix, 'conf', 'nginx.conf'),
    nginxPid: join(nginxPrefix, 'logs', 'nginx.pid'),
    systemctlLog: join(dir, 'systemctl.log'),
    keepalivedLog: join(dir, 'keepalived.log'),
    mailDir: join(runDir, 'outbox'),
  };
}

/** The seed's config with its script paths moved into the node's directory; nothing else changes. */
export function labConfig(seedText: string, layout: Pick<NodeLayout, 'scriptsDir'>): string {
  return seedText.split(`${SEED_SCRIPT_DIR}/`).join(`${layout.scriptsDir}/`);
}

/**
 * The lab's mail setup, added to global_defs (a lab adaptation, like the addresses): keepalived's
 * own alert mails (smtp_alert) to the lab's SMTP server. HELO name and sender are given, so no
 * daemon has to resolve the machine's name (nothing in the lab would answer).
 */
export function withMailAlerts(configText: string, node: string, server: string, rcpt: string): string {
  const lines = [
    '   notification_email {',
    `      ${rcpt}`,
    '   }',
    `   notification_email_from keepalived@${node}.example.org`,
    `   smtp_server ${server}`,
    `   smtp_helo_name ${node}.example.org`,
    '   smtp_connect_timeout 5',
    '   smtp_alert',
  ];
  return configText.replace(/^global_defs\s*\{[ \t]*\n/m, (m) => `${m}${lines.join('\n')}\n`);
}

/**
 * The demo's one fix to the seed (see the first step): lb01 without its `notify_backup` line.
 * keepalived 2.x starts every instance that is not the address owner in BACKUP, even with
 * `state MASTER`; the seed's notify.sh stops nginx on every BACKUP entry and check_n.sh stops
 * keepalived when nginx is gone, so lb01 would shut itself down at every start.
 */
export function withoutNotifyBackup(configText: string): string {
  return configText.replace(/^[ \t]*notify_backup\b.*\n/gm, '');
}

/**
 * The variant where both nodes are `state BACKUP` with `nopreempt` (the way keepalived's docs
 * ask for nopreempt to be used): the master's `state MASTER` becomes `state BACKUP` followed by
 * `nopreempt`; a config that already has nopreempt only gets its state changed.
 */
export function bothBackupNopreempt(configText: string): string {
  const hasNopreempt = /^\s*nopreempt\s*$/m.test(configText);
  return configText.replace(/^(\s*)state\s+MASTER\s*$/m, (_m, indent: string) =>
    hasNopreempt ? `${indent}state BACKUP` : `${indent}state BACKUP\n${indent}nopreempt`,
  );
}

/**
 * nginx as the seed runs it (section 4.2: a page saying "master" or "slave" on port 80), with
 * every path in its own prefix. Listening on 0.0.0.0 so it answers on the VIP as soon as the VIP
 * is on the node; workers as root because the lab directory is private to root.
 * worker_shutdown_timeout: a graceful stop (QUIT, as Debian's nginx.service stops it) otherwise
 * waits for client connections left half-open when the VIP moved away, up to the unit's 5 s
 * plus TERM; if the node becomes MASTER again meanwhile, the seed's notify.sh master sees the
 * stopping nginx in `ps`, does not start it, and the new MASTER serves nothing.
 */
export function nginxConf(layout: Pick<NodeLayout, 'nginxPrefix' | 'nginxPid'>): string {
  const p = layout.nginxPrefix;
  return `# nginx for the keepalived-ts demo lab (seed section 4.2: one page on port 80)
user root;
daemon on;
worker_processes 1;
worker_shutdown_timeout 1s;
pid ${layout.nginxPid};
error_log ${p}/logs/error.log;
events { worker_connections 256; }
http {
    access_log ${p}/logs/access.log;
    client_body_temp_path ${p}/tmp/body;
    proxy_temp_path ${p}/tmp/proxy;
    fastcgi_temp_path ${p}/tmp/fastcgi;
    uwsgi_temp_path ${p}/tmp/uwsgi;
    scgi_temp_path ${p}/tmp/scgi;
    keepalive_timeout 0;
    server {
        listen 0.0.0.0:80;
        root ${p}/html;
        index index.html;
    }
}
`;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The daemon's command line as keepalived.service runs it: foreground, console log, detail. */
export function daemonArgs(layout: NodeLayout): string[] {
  return [
    '-n', // --dont-fork: in the foreground of its service (Debian's unit runs it so)
    '-l', // --log-console: the log goes to keepalived.log
    '-D', // --log-detail
    // -P, VRRP only: the lab has no IPVS (and the seed's DR virtual_server points at the directors
    // themselves); without -P keepalived's checker exits FATAL and takes keepalived down with it.
    '-P',
    '-f',
    layout.conf,
    '-p',
    layout.pidFile,
    '-r',
    layout.vrrpPidFile,
    '-c',
    layout.checkPidFile,
  ];
}

/**
 * What the stand-ins source: shell assignments, values single-quoted. `daemon` is the argv of the
 * keepalived (or keepalived-ts) that `systemctl start keepalived` runs.
 */
export function nodeEnv(layout: NodeLayout, daemon: readonly string[]): string {
  const q = shellQuote;
  return [
    `KEEPALIVED_CMD=(${daemon.map(q).join(' ')})`,
    `KEEPALIVED_LOG=${q(layout.keepalivedLog)}`,
    `KEEPALIVED_PID=${q(layout.pidFile)}`,
    `NGINX_PREFIX=${q(layout.nginxPrefix)}`,
    `NGINX_CONF=${q(layout.nginxConf)}`,
    `NGINX_PID=${q(layout.nginxPid)}`,
    `MAIL_DIR=${q(layout.mailDir)}`,
    '',
  ].join('\n');
}

export interface NodeFiles {
  /** The seed config file under examples/, e.g. `seed-4.6-master.conf`. */
  readonly seedConfig: string;
  /** The node's name and the lab's SMTP server and recipient, for withMailAlerts. */
  readonly mail: { readonly node: string; readonly server: string; readonly rcpt: string };
  /** The page nginx serves: "master" on lb01, "slave" on lb02 (seed 4.2). */
  readonly page: string;
}

/** Points `systemctl start keepalived` on this node at `daemon` (argv). */
export function setDaemon(layout: NodeLayout, daemon: readonly string[]): void {
  writeFileSync(join(layout.dir, 'node.env'), nodeEnv(layout, daemon));
}

/** Writes the node's directory (not node.env: see setDaemon); returns the daemon's config text. */
export function writeNodeFiles(layout: NodeLayout, files: NodeFiles): string {
  for (const d of [layout.binDir, layout.scriptsDir, layout.mailDir]) mkdirSync(d, { recursive: true });
  for (const d of ['conf', 'html', 'logs', 'tmp'])
    mkdirSync(join(layout.nginxPrefix, d), { recursive: true });
  for (const s of ['check_n.sh', 'notify.sh']) {
    copyFileSync(join(EXAMPLES_DIR, 'scripts', s), join(layout.scriptsDir, s));
    chmodSync(join(layout.scriptsDir, s), 0o755);
  }
  for (const s of ['systemctl', 'mail']) {
    copyFileSync(join(EXAMPLES_DIR, 'lab', 'bin', s), join(layout.binDir, s));
    chmodSync(join(layout.binDir, s), 0o755);
  }
  writeFileSync(layout.keepalivedLog, '');
  writeFileSync(layout.nginxConf, nginxConf(layout));
  writeFileSync(join(layout.nginxPrefix, 'html', 'index.html'), `${files.page}\n`);
  const seed = labConfig(readFileSync(join(EXAMPLES_DIR, files.seedConfig), 'utf8'), layout);
  const config = withMailAlerts(seed, files.mail.node, files.mail.server, files.mail.rcpt);
  writeFileSync(layout.conf, config);
  return config;
}
