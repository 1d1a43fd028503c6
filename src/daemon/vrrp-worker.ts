/**
 * The VRRP worker thread (keepalived's VRRP child process): owns the raw sockets, the VIPs and
 * the announcements, and runs the engine on the real clock, so that nothing the main thread
 * does (checkers, scripts, status) can delay an advert. Talks to the main thread only through
 * worker-protocol.ts messages.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { DeletionMonitor } from '../net/deletion-monitor.js';
import { rawsock } from '../net/rawsock.js';
import { VrrpSockets } from '../net/vrrp-sockets.js';
import { realClock } from '../sys/real-clock.js';
import { lateTimerClock, WorkerScheduling } from '../sys/worker-scheduling.js';
import type { VrrpPorts } from '../vrrp/ports.js';
import { createAnnouncerBackend, createVipBackend } from './vrrp-backends.js';
import { VrrpRuntime } from './vrrp-runtime.js';
import type { FromWorker, ToWorker, VrrpWorkerData } from './worker-protocol.js';
import { applyReload, socketWiring } from './worker-reload.js';

if (parentPort === null) throw new Error('vrrp-worker.js runs as a worker thread');
const port: MessagePort = parentPort;
const data = workerData as VrrpWorkerData;
/**
 * Log lines wait for the end of the current turn and go as one message (one structured clone
 * instead of one per line: a 1,000-VIP takeover logs a line per VIP and per announcement);
 * any other message first sends them, so the main thread sees everything in order.
 */
let pendingLines: { text: string; detail: boolean }[] = [];
const flushLines = (): void => {
  if (pendingLines.length === 0) return;
  const lines = pendingLines;
  pendingLines = [];
  port.postMessage({ type: 'log', lines } satisfies FromWorker);
};
const post = (m: FromWorker): void => {
  flushLines();
  port.postMessage(m);
};
const log = (text: string, detail = false): void => {
  if (pendingLines.length === 0) queueMicrotask(flushLines);
  pendingLines.push({ text, detail });
};
/** The fault reason of a VIP the kernel refused, and how long before the instance tries again. */
const REFUSED = 'kernel refused an address';
const RETRY_REFUSED_MS = 10_000;

async function main(): Promise<void> {
  const addon = rawsock();
  const scheduling = new WorkerScheduling(addon, data.scheduling, (text) => log(text));
  scheduling.apply();
  // Timers report how late they ran (keepalived's "A thread timer expired ..." and
  // max_auto_priority); the threshold is read live, so a reload's min_auto_priority_delay counts.
  let lateThresholdUs = data.scheduling.minAutoPriorityDelayUs;
  const clock = lateTimerClock(
    realClock,
    () => lateThresholdUs,
    (lateUs) => scheduling.timerLate(lateUs),
    (fn) => setImmediate(fn),
  );
  const interfaces = new Map(data.interfaces.map((i) => [i.name, i]));
  let stopping = false;
  let runtime: VrrpRuntime | undefined;
  // A VIP the kernel refuses (not a missing interface: that one is tracked) faults its
  // instance, which then releases what it did install, so nothing stays half-applied; the
  // fault clears after RETRY_REFUSED_MS and the instance tries again.
  const refused = new Map<string, NodeJS.Timeout>();
  const onRefused = (instance: string, vip: string): void => {
    if (stopping || refused.has(instance) || runtime === undefined) return;
    log(
      `(${instance}) the kernel refused address ${vip} - entering FAULT state, retrying in ${RETRY_REFUSED_MS / 1000} s`,
    );
    runtime.event(instance, { kind: 'fault-set', reason: REFUSED });
    const retry = setTimeout(() => {
      refused.delete(instance);
      if (!stopping) runtime?.event(instance, { kind: 'fault-clear', reason: REFUSED });
    }, RETRY_REFUSED_MS);
    refused.set(instance, retry);
  };
  const vips = await createVipBackend(data, interfaces, log, onRefused);
  const announcer = createAnnouncerBackend(data, clock, log);
  // Announcements wait until the kernel has the addresses (keepalived sends its GARPs / NAs
  // after netlink has answered for every VIP): a client must not be sent to an address that
  // is not there yet, and with 1,000 VIPs the frames would otherwise compete with the adds.
  // Leaving MASTER cancels what has not gone out (the generation changes).
  const generation = new Map<string, number>();
  const cancel = (instance: string): void => {
    generation.set(instance, (generation.get(instance) ?? 0) + 1);
    announcer.cancel(instance);
  };
  const sockets = new VrrpSockets({
    addon,
    log,
    onPacket: (rx) => runtime?.receive(rx),
  });
  const ports: VrrpPorts = {
    transport: sockets,
    vips: {
      addVips: (instance, effect) => vips.addVips(instance, effect),
      delVips: (instance, effect) => {
        cancel(instance);
        vips.delVips(instance, effect);
      },
    },
    announcer: {
      announce: (instance, effect) => {
        const gen = generation.get(instance) ?? 0;
        void vips.flush().then(() => {
          if ((generation.get(instance) ?? 0) === gen) announcer.announce(instance, effect);
        });
      },
    },
    notifier: {
      notify: (instance, effect) => post({ type: 'notify', instance, effect }),
    },
    logger: { log: (text, detail) => log(text, detail) },
  };
  runtime = new VrrpRuntime(
    data.instances.map((i) => ({ params: i.params, ifindex: i.wiring.ifindex })),
    {
      clock,
      ports,
      onStateChange: (status) => post({ type: 'state', status }),
      syncGroups: data.syncGroups,
    },
  );
  try {
    sockets.open(data.instances.map(socketWiring));
  } catch (e) {
    post({
      type: 'fatal',
      text: `cannot open VRRP sockets: ${(e as Error).message}`,
    });
    sockets.close();
    await vips.close();
    return;
  }
  await vips.removeStale();
  // An operator's `ip addr del` / `ip route del` / `ip rule del` of something a master holds:
  // keepalived's set_vrrp_backup (BACKUP with priority 0, master again after the skew time,
  // which puts it back).
  const deletions = new DeletionMonitor({
    addon,
    ownPortId: () => vips.portId(),
    log,
    onDeleted: (d) => {
      const rt = runtime;
      if (stopping || rt === undefined) return;
      const owner = vips.ownerOf(d, (name) => {
        const r = rt.engine.instance(name)?.state.runtime;
        return r?.state === 'MASTER' && r.vipsSet;
      });
      if (owner === undefined) return;
      if (owner.detail !== undefined) log(owner.detail, true);
      rt.event(owner.instance, { kind: 'released' });
    },
  });
  deletions.start();
  for (const { instance, event } of data.initialEvents) runtime.event(instance, event);
  runtime.start();
  post({ type: 'ready' });

  port.on('message', async (m: ToWorker) => {
    const rt = runtime;
    if (rt === undefined) return;
    switch (m.type) {
      case 'event':
        if (!stopping) rt.event(m.instance, m.event);
        break;
      case 'status':
        post({ type: 'status', instances: rt.status() });
        break;
      case 'dump':
        post({ type: 'dump', what: m.what, instances: rt.dump(m.what === 'stats-clear') });
        break;
      case 'reload':
        if (stopping) return;
        try {
          applyReload({ runtime: rt, sockets, vips, announcer }, m);
          scheduling.reapply(m.scheduling);
          lateThresholdUs = m.scheduling.minAutoPriorityDelayUs;
        } catch (e) {
          log(`Reload failed in the VRRP worker: ${(e as Error).message}`);
        }
        post({ type: 'reloaded' });
        break;
      case 'stop': {
        if (stopping) return;
        stopping = true;
        for (const t of refused.values()) clearTimeout(t);
        if (data.keepVipsOnStop) vips.keepOnStop();
        rt.stop();
        // The priority-0 adverts went out synchronously; the VIP removals are queued.
        await vips.flush();
        deletions.close();
        announcer.close();
        sockets.close();
        await vips.close();
        post({ type: 'stopped' });
        port.close();
        break;
      }
    }
  });
}

main().catch((e: unknown) => post({ type: 'fatal', text: (e as Error).message }));
