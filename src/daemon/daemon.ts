/**
 * The running daemon (keepalived without -t): reads the config, writes the pid files, starts
 * the VRRP worker thread with the plan, runs notify scripts for the worker's state changes,
 * and handles keepalived's signals: SIGTERM / SIGINT stop gracefully (priority-0 adverts,
 * VIPs removed) within a backstop, SIGHUP reloads, SIGUSR1 / SIGUSR2 / STATS_CLEAR / JSON write
 * keepalived's dump files (dumps.ts).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { formatDiagnostic } from '../base/diagnostics.js';
import type { VrrpNotifyScripts } from '../config/model/vrrp-instance.js';
import type { KeepalivedConfig } from '../config/model.js';
import { LinkMonitor } from '../net/link-monitor.js';
import { rawsock } from '../net/rawsock.js';
import { instanceFifoLine } from '../notify/fifo-line.js';
import {
  type GroupNotifyScripts,
  groupNotifyRuns,
  instanceNotifyRuns,
  splitBrainRun,
} from '../notify/instance-notify.js';
import { startMailAlerts } from '../notify/mail-alerts.js';
import { NotifyFifoWriter } from '../notify/notify-fifo.js';
import { readInterfaces, readInterfacesAtStart } from '../sys/interface-table.js';
import { localName } from '../sys/local-name.js';
import { realClock } from '../sys/real-clock.js';
import { applyNft, dropTables } from '../sys/vmac-firewall.js';
import { vrrpSchedulingOf } from '../sys/worker-scheduling.js';
import type { EngineEvent } from '../vrrp/engine.js';
import type { CliOptions } from './args.js';
import { DUMP_SIGNALS, realtimeDumpSignals, requestDump, writeDump } from './dumps.js';
import { tuneHeapForDaemon } from './heap-tuning.js';
import { DaemonLog } from './log.js';
import { NotifyScripts } from './notify-scripts.js';
import type { RunningPlan } from './plan-diff.js';
import { removeSnapshot, snapshotPath, writeSnapshot } from './plan-snapshot.js';
import { readConfig } from './read-config.js';
import { freshInstances, prepareReload, runningPlanOf, workerReload } from './reload.js';
import { InstanceTracking, idsOf } from './tracking.js';
import { DaemonVmacs } from './vmacs.js';
import { planVrrp, syncGroupSpecs } from './vrrp-plan.js';
import { withWaitingInstances } from './waiting-dump.js';
import { waitingInterfaces } from './waiting-instances.js';
import type { FromWorker, ToWorker, VrrpWorkerData } from './worker-protocol.js';

export const VERSION_STRING = 'keepalived-ts v0.1.0 (compatible with Keepalived v2.2.7)';
export const DEFAULT_PID_FILE = '/run/keepalived.pid';
const DEFAULT_VRRP_PID_FILE = '/run/keepalived_vrrp.pid';
/** keepalived's KEEPALIVED_EXIT_NO_CONFIG. */
const EXIT_NO_CONFIG = 6;
/** How long a graceful stop may take before the worker is terminated. */
const STOP_BACKSTOP_MS = 5000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** keepalived_running(): a pid file naming a live process other than us. */
function alreadyRunning(pidFile: string): boolean {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid);
  } catch {
    return false;
  }
}

function makeLog(o: CliOptions): DaemonLog {
  let syslog: ((m: string) => void) | undefined;
  if (!o.noSyslog && !o.logConsole) {
    const addon = rawsock() as unknown as {
      syslog?: (f: number, p: number, ident: string, m: string) => void;
    };
    // LOG_DAEMON (3 << 3) unless -S; LOG_INFO (6).
    const facility = o.logFacility === undefined ? 3 << 3 : facilityCode(o.logFacility);
    if (typeof addon.syslog === 'function') syslog = (m) => addon.syslog?.(facility, 6, 'Keepalived', m);
  }
  const console =
    o.logConsole || syslog === undefined ? (line: string) => process.stderr.write(line) : undefined;
  return new DaemonLog(
    { ...(console ? { console } : {}), ...(syslog ? { syslog } : {}) },
    { detail: o.logDetail },
  );
}

/** -S: 0..7 = local0..local7, or a name. */
function facilityCode(s: string): number {
  const local = /^(?:local)?([0-7])$/.exec(s);
  if (local) return (16 + Number(local[1])) << 3;
  return s === 'user' ? 1 << 3 : 3 << 3;
}

/** Without -n keepalived forks and the parent returns at once; we start ourselves detached with -n. */
function daemonize(argv: readonly string[]): number {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const child = spawn(process.execPath, [main, ...argv, '--dont-fork'], { detached: true, stdio: 'ignore' });
  child.unref();
  return 0;
}

export async function runDaemon(o: CliOptions, argv: readonly string[]): Promise<number> {
  if (!o.dontFork) return daemonize(argv);
  tuneHeapForDaemon();
  const log = makeLog(o);
  const pidFile = o.pidFile ?? DEFAULT_PID_FILE;
  const vrrpPidFile = o.vrrpPidFile ?? DEFAULT_VRRP_PID_FILE;
  log.log(`Starting ${VERSION_STRING}`);
  if (alreadyRunning(pidFile)) {
    log.log('daemon is already running');
    return 0;
  }
  const loaded = readConfig(o);
  for (const d of loaded.diagnostics) log.log(formatDiagnostic(d));
  const config = loaded.config;
  if (config === undefined) {
    log.log(`Stopped ${VERSION_STRING}`);
    return EXIT_NO_CONFIG;
  }
  const pidFiles = o.checkOnly ? [pidFile] : [pidFile, vrrpPidFile];
  for (const f of pidFiles) writeFileSync(f, `${process.pid}\n`);
  // keepalived's notice, word for word (operators grep for it); -1 silences it.
  if (config.global.maxAutoPriority === 0)
    log.log('NOTICE: setting config option max_auto_priority should result in better keepalived performance');
  const snapshot = snapshotPath(pidFile);
  try {
    return await runVrrp(o, config, log, snapshot);
  } finally {
    removeSnapshot(snapshot);
    for (const f of pidFiles) rmSync(f, { force: true });
    log.log(`Stopped ${VERSION_STRING}`);
  }
}

async function runVrrp(
  o: CliOptions,
  config: KeepalivedConfig,
  log: DaemonLog,
  snapshot: string,
): Promise<number> {
  // keepalived's one nft table (VMAC rules and no_accept drop rules): a crashed run's goes
  // first, then the VMACs add theirs, then the worker its drop rules.
  const nftTable = { name: config.global.nftables ?? 'keepalived', priority: config.global.nftablesPriority };
  const usesNft = (c: KeepalivedConfig): boolean =>
    c.vrrp.instances.some((v) => v.vmac !== undefined || (!v.accept && v.priority !== 255));
  const dropNft = (): void => {
    const error = applyNft(dropTables(nftTable));
    if (error !== undefined) log.log(`nftables: removing the firewall tables failed: ${error}`);
  };
  if (usesNft(config) && !o.checkOnly) dropNft();
  // The VMACs first: the plan puts VIPs and sockets on them.
  const vmacs = new DaemonVmacs((text, detail) => log.log(text, detail));
  if (!o.checkOnly) {
    try {
      await vmacs.apply(config);
    } catch (e) {
      // The instances on a VMAC then say they cannot start; the others run.
      log.log(`VMAC setup failed: ${(e as Error).message}`);
    }
  }
  const interfaces = await readInterfacesAtStart();
  const plan = planVrrp(config, interfaces, vmacs.bindings);
  for (const m of plan.messages) log.log(m);
  let running = runningPlanOf(config, o.checkOnly ? [] : plan.instances);
  const saveSnapshot = (): void => {
    try {
      writeSnapshot(snapshot, { pid: process.pid, configFile: o.configFile, plan: running });
    } catch (e) {
      log.log(`Cannot write the plan snapshot ${snapshot}: ${(e as Error).message}`);
    }
  };
  saveSnapshot();
  let notifyScripts = new Map(config.vrrp.instances.map((v) => [v.name, v.notify]));
  let groupScripts = new Map<string, GroupNotifyScripts>(config.vrrp.syncGroups.map((g) => [g.name, g]));
  /** The notify scripts of instances the last reload removed (their DELETED / FAULT notify). */
  let retiredScripts = new Map<string, VrrpNotifyScripts>();
  const notify = new NotifyScripts({ log: (text) => log.log(text), scriptUser: config.global.scriptUser });
  // The worker is created below; events from the trackers wait for it.
  let sendToWorker: (m: ToWorker) => void = () => {};
  const fifos = openFifos(config, log);
  const mailDeps = {
    log: (text: string, detail?: boolean) => log.log(text, detail),
    localName: () => localName(),
    userName: userName(),
  };
  let mails = startMailAlerts(config, mailDeps);
  /** The mails of the configuration before the last reload: its removed instances' last mail. */
  let retiredMails = mails;
  const links = new Map([...interfaces.values()].map((i) => [i.name, i.up]));
  const noAccept = running.instances.some((i) => i.params.basePriority !== 255 && !i.params.accept);
  if (noAccept && config.global.nftables === undefined)
    log.log('use_vmac or no_accept/strict specified, but no firewall configured - using nftables');
  const trackingOptions = {
    clock: realClock,
    log: (text: string) => log.log(text),
    send: (instance: string, event: EngineEvent) => sendToWorker({ type: 'event', instance, event }),
    vmacs: vmacs.bindings,
  };
  let tracking = new InstanceTracking(config, links, trackingOptions);
  let workerReady = false;
  const data: VrrpWorkerData = {
    instances: running.instances,
    interfaces: [...interfaces.values()],
    garpIntervalUs: config.global.vrrpGarpIntervalUs,
    gnaIntervalUs: config.global.vrrpGnaIntervalUs,
    firewall: {
      table: config.global.nftables ?? 'keepalived',
      priority: config.global.nftablesPriority,
      counters: config.global.nftablesCounters,
      ifindex: config.global.nftablesIfindex,
    },
    keepVipsOnStop: o.dontReleaseVrrp,
    initialEvents: tracking.initialEvents(),
    syncGroups: syncGroupSpecs(config, running.instances),
    scheduling: vrrpSchedulingOf(config.global),
  };
  const worker = new Worker(new URL('./vrrp-worker.js', import.meta.url), { workerData: data });
  const send = (m: ToWorker): void => worker.postMessage(m);
  sendToWorker = send;
  /** Set below: re-plans when the interface of an instance that could not start changes. */
  let linkSeen: (name: string) => void = () => {};
  let addressSeen: (ifindex: number) => void = () => {};
  const linkMonitor = new LinkMonitor({
    addon: rawsock(),
    log: (text) => log.log(text),
    onLink: (e) => {
      if (tracking.linkChanged(e.name, e.usable)) {
        log.log(`Netlink reports ${e.name} ${e.usable ? 'up' : 'down'}`);
        linkSeen(e.name);
      }
    },
    // An address on the interface of an instance that had none to send adverts from.
    onAddress: (ifindex) => addressSeen(ifindex),
  });
  linkMonitor.start();
  return new Promise<number>((resolve) => {
    let exitCode = 0;
    let stopping = false;
    const finish = (code: number): void => {
      linkMonitor.close();
      for (const f of fifos) f.close();
      for (const s of SIGNALS) process.removeAllListeners(s);
      // The worker has removed the VIPs; now their VMACs go.
      void vmacs
        .stop(o.dontReleaseVrrp)
        .catch((e: unknown) => log.log(`VMAC removal failed: ${(e as Error).message}`))
        .finally(() => {
          if (usesNft(config) && !o.dontReleaseVrrp) dropNft();
          resolve(code);
        });
    };
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void tracking.stop();
      send({ type: 'stop' });
      setTimeout(() => {
        log.log('VRRP worker did not stop in time - terminating it');
        void worker.terminate();
      }, STOP_BACKSTOP_MS).unref();
    };
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'log':
          for (const l of m.lines) log.log(l.text, l.detail);
          break;
        case 'notify': {
          const g = m.effect;
          if (g.kind === 'notify-group') {
            const scripts = groupScripts.get(g.group);
            if (scripts !== undefined)
              for (const r of groupNotifyRuns(g.group, scripts, g.state)) notify.run(r);
            const line = instanceFifoLine('', g);
            if (line !== undefined) for (const f of fifos) f.write(line);
            void mails.then((a) => a?.group(g.group, g.state));
            break;
          }
          if (g.kind === 'split-brain') {
            // keepalived has no such notify: only the --split-brain-notify script hears of it.
            if (o.splitBrainNotify !== undefined)
              notify.run(splitBrainRun(o.splitBrainNotify, m.instance, g));
            break;
          }
          const deleted = m.effect.kind === 'notify' && m.effect.deleted === true;
          const scripts = (deleted ? retiredScripts : notifyScripts).get(m.instance);
          if (scripts !== undefined) {
            for (const r of instanceNotifyRuns(m.instance, scripts, m.effect)) notify.run(r);
          }
          const line = instanceFifoLine(m.instance, m.effect);
          if (line !== undefined) for (const f of fifos) f.write(line);
          const effect = m.effect;
          if (effect.kind === 'notify')
            void (deleted ? retiredMails : mails).then((a) => a?.instance(m.instance, effect.state));
          break;
        }
        case 'fatal':
          log.log(m.text);
          exitCode = 1;
          void worker.terminate();
          break;
        case 'ready':
          workerReady = true;
          if (!stopping) tracking.start();
          break;
        case 'dump': {
          // Instances waiting for their interface are listed too, in FAULT, as keepalived does.
          const names = new Set([...readInterfaces().values()].map((i) => i.name));
          const all = withWaitingInstances(m.instances, config, (n) => names.has(n));
          writeDump(m.what, all, (text) => log.log(text));
          break;
        }
        case 'state':
        case 'status':
          break;
        case 'reloaded':
          // The worker has moved off the VMACs the new config dropped.
          void vmacs
            .removeUnused()
            .catch((e: unknown) => log.log(`VMAC removal failed: ${(e as Error).message}`));
          break;
        case 'stopped':
          break;
      }
    });
    worker.on('error', (e) => {
      log.log(`VRRP worker failed: ${e.message}`);
      exitCode = 1;
    });
    worker.on('exit', () => finish(exitCode));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // SIGUSR1 / SIGUSR2: keepalived.data / keepalived.stats (dumps.ts). A listener also keeps
    // Node from opening its inspector on SIGUSR1.
    for (const [sig, what] of Object.entries(DUMP_SIGNALS))
      process.on(sig, () => {
        if (!stopping) requestDump(what, (text) => log.log(text), send);
      });
    // They stay until exit (finish() leaves them): SIGUSR2's default action would kill us
    // before the VMACs are removed, SIGUSR1's would open Node's inspector.
    // STATS_CLEAR and JSON are real-time signals, whose default action would kill us.
    const addon = rawsock();
    for (const [signum, what] of realtimeDumpSignals(addon.realtimeSignals()))
      addon.onSignal(signum, () => {
        if (!stopping) requestDump(what, (text) => log.log(text), send);
      });
    // SIGHUP: reload as a diff (reload.ts); the worker keeps advertising meanwhile.
    let reloading = Promise.resolve();
    const queueReload = (replanFor?: string): void => {
      // One reload at a time: each waits for the VMACs of the one before.
      reloading = reloading
        .then(() => reload(replanFor))
        .catch((e: unknown) =>
          log.log(`${replanFor ? 'Re-plan' : 'Reload'} failed: ${(e as Error).message}`),
        );
    };
    process.on('SIGHUP', () => queueReload());
    // An instance whose interface was missing (or had no address) waits in FAULT; when that
    // interface changes, the running config is planned again, as a reload without reading
    // the file (keepalived with dynamic_interfaces runs it once the interface appears).
    /** waitingInterfaces of the running plan (config and running change together). */
    let waitingMemo: { readonly of: RunningPlan; readonly names: Set<string> } | undefined;
    const waitingNow = (): Set<string> => {
      if (waitingMemo?.of !== running)
        waitingMemo = { of: running, names: waitingInterfaces(config, running.instances) };
      return waitingMemo.names;
    };
    linkSeen = (name) => {
      if (!stopping && waitingNow().has(name)) queueReload(name);
    };
    addressSeen = (ifindex) => {
      // Called for every address added, the daemon's own VIPs included: cheap when none wait.
      const waiting = waitingNow();
      if (stopping || waiting.size === 0) return;
      const name = [...readInterfaces().values()].find((i) => i.ifindex === ifindex)?.name;
      if (name !== undefined && waiting.has(name)) queueReload(name);
    };
    /** A SIGHUP, or with `replanFor` the running config planned again for that interface. */
    const reload = async (replanFor?: string): Promise<void> => {
      if (stopping) return;
      if (replanFor !== undefined && !waitingNow().has(replanFor)) return;
      log.log(
        replanFor === undefined
          ? 'Reloading'
          : `Interface ${replanFor} changed - planning the instances waiting for it`,
      );
      const loaded =
        replanFor === undefined ? readConfig(o) : { config, diagnostics: [], exitStatus: 0, lineCount: 0 };
      if (loaded.config !== undefined && loaded.exitStatus < 4 && !o.checkOnly)
        await vmacs.apply(loaded.config);
      if (stopping) return;
      const r = await prepareReload(
        o,
        running,
        (text) => log.log(text),
        { loaded, vmacs: vmacs.bindings },
        replanFor === undefined ? 'Reload' : 'Re-plan',
      );
      if (r === undefined || stopping) return;
      // A VMAC made for this reload is known up before the link monitor says so: no FAULT (init).
      for (const { ifname } of vmacs.bindings.values()) {
        const itf = r.interfaces.get(ifname);
        if (itf !== undefined) tracking.linkChanged(ifname, itf.up);
      }
      const next = new InstanceTracking(
        r.config,
        tracking.links,
        { ...trackingOptions, reload: true, vmacs: vmacs.bindings },
        tracking,
      );
      const events = next.reloadEvents(tracking, freshInstances(r.diff));
      send({ type: 'reload', ...workerReload(r, config, events) });
      retiredScripts = notifyScripts;
      notifyScripts = new Map(r.config.vrrp.instances.map((v) => [v.name, v.notify]));
      groupScripts = new Map(r.config.vrrp.syncGroups.map((g) => [g.name, g]));
      // keepalived re-reads the mail settings and starts every instance's last mailed state
      // afresh (last_email_state = INIT in the new vrrp_t) at a reload.
      if (replanFor === undefined) {
        retiredMails = mails;
        mails = startMailAlerts(r.config, mailDeps);
      }
      void tracking.stop();
      tracking = next;
      if (workerReady) tracking.start();
      config = r.config;
      running = r.running;
      saveSnapshot();
    };
  });
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** getpwuid(getuid())'s name; undefined when the uid has no passwd entry. */
function userName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/**
 * notify_fifo and vrrp_notify_fifo, each with its script. The same path given for both is
 * opened once, as keepalived ignores the vrrp one then.
 */
function openFifos(config: KeepalivedConfig, log: DaemonLog): NotifyFifoWriter[] {
  const g = config.global;
  const out: NotifyFifoWriter[] = [];
  for (const [fifo, script] of [
    [g.notifyFifo, g.notifyFifoScript],
    [g.vrrpNotifyFifo, g.vrrpNotifyFifoScript],
  ] as const) {
    if (fifo === undefined || out.some((f) => f.path === fifo.path)) continue;
    const owner = idsOf(fifo.owner ?? g.scriptUser);
    const scriptIds = idsOf(script?.runAs ?? g.scriptUser);
    out.push(
      new NotifyFifoWriter(fifo, {
        ...(script === undefined ? {} : { script }),
        ...(owner === undefined ? {} : { owner }),
        ...(scriptIds === undefined ? {} : { scriptIds }),
        log: (text) => log.log(text),
      }),
    );
  }
  return out;
}
