/**
 * The VRRP worker thread (keepalived's VRRP child process): owns the raw sockets, the VIPs and
 * the announcements, and runs the engine on the real clock, so that nothing the main thread
 * does (checkers, scripts, status) can delay an advert. Talks to the main thread only through
 * worker-protocol.ts messages.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { rawsock } from '../net/rawsock.js';
import { VrrpSockets } from '../net/vrrp-sockets.js';
import { realClock } from '../sys/real-clock.js';
import type { VrrpPorts } from '../vrrp/ports.js';
import { createAnnouncerBackend, createVipBackend } from './vrrp-backends.js';
import { VrrpRuntime } from './vrrp-runtime.js';
import type { FromWorker, ToWorker, VrrpWorkerData } from './worker-protocol.js';
import { applyReload, socketWiring } from './worker-reload.js';

if (parentPort === null) throw new Error('vrrp-worker.js runs as a worker thread');
const port: MessagePort = parentPort;
const data = workerData as VrrpWorkerData;
const post = (m: FromWorker): void => port.postMessage(m);
const log = (text: string, detail = false): void => post({ type: 'log', text, detail });

async function main(): Promise<void> {
  const addon = rawsock();
  const interfaces = new Map(data.interfaces.map((i) => [i.name, i]));
  const vips = await createVipBackend(data, interfaces, log);
  const announcer = createAnnouncerBackend(data, realClock, log);
  let runtime: VrrpRuntime | undefined;
  const sockets = new VrrpSockets({ addon, log, onPacket: (rx) => runtime?.receive(rx) });
  const ports: VrrpPorts = {
    transport: sockets,
    vips: {
      addVips: (instance, effect) => vips.addVips(instance, effect),
      delVips: (instance, effect) => {
        announcer.cancel(instance);
        vips.delVips(instance, effect);
      },
    },
    announcer,
    notifier: { notify: (instance, effect) => post({ type: 'notify', instance, effect }) },
    logger: { log: (text, detail) => log(text, detail) },
  };
  runtime = new VrrpRuntime(
    data.instances.map((i) => ({ params: i.params, ifindex: i.wiring.ifindex })),
    {
      clock: realClock,
      ports,
      onStateChange: (status) => post({ type: 'state', status }),
      syncGroups: data.syncGroups,
    },
  );
  try {
    sockets.open(data.instances.map(socketWiring));
  } catch (e) {
    post({ type: 'fatal', text: `cannot open VRRP sockets: ${(e as Error).message}` });
    sockets.close();
    await vips.close();
    return;
  }
  await vips.removeStale();
  for (const { instance, event } of data.initialEvents) runtime.event(instance, event);
  runtime.start();
  post({ type: 'ready' });

  let stopping = false;
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
        } catch (e) {
          log(`Reload failed in the VRRP worker: ${(e as Error).message}`);
        }
        post({ type: 'reloaded' });
        break;
      case 'stop': {
        if (stopping) return;
        stopping = true;
        if (data.keepVipsOnStop) vips.keepOnStop();
        rt.stop();
        // The priority-0 adverts went out synchronously; the VIP removals are queued.
        await vips.flush();
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
