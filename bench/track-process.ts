/**
 * Benchmark: how track_process notices processes, the /proc scan keepalived-ts uses against
 * the kernel's process connector keepalived uses (src/sys/proc-scan.ts says why).
 *  scan       scanProcesses() 200 times, comm only and with cmdline (full_command): CPU
 *             (process.cpuUsage) and wall time per scan and per process, and the share of a
 *             core at PROC_SCAN_INTERVAL_MS
 *  connector  a NETLINK_CONNECTOR socket on CN_IDX_PROC through the native addon, as
 *             keepalived opens it: whether the kernel accepts PROC_CN_MCAST_LISTEN here (it
 *             refuses it outside the initial network namespace), the time from kill(SIGKILL)
 *             of a `sleep` to its PROC_EVENT_EXIT (20 kills), and the CPU per event while a
 *             shell runs /bin/true 2,000 times (the events of the whole machine count)
 * Usage: node dist/bench/track-process.js        (about 30 s; run it in the initial namespace,
 *        and under `ip netns exec NS` to see the connector refused)
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { rawsock } from '../src/net/rawsock.js';
import { PROC_SCAN_INTERVAL_MS, scanProcesses } from '../src/sys/proc-scan.js';

const NETLINK_CONNECTOR = 11;
const CN_IDX_PROC = 1;
const PROC_CN_MCAST_LISTEN = 1;
const PROC_EVENT_EXIT = 0x80000000;
/** nlmsghdr (16) + cn_msg (20): proc_event.what; its event_data starts 16 bytes later. */
const WHAT_AT = 36;
const EXIT_TGID_AT = 56;

function scanBench(): void {
  for (const cmdline of [false, true]) {
    const opts = { cmdline, cmdlineBytes: 64 };
    scanProcesses(opts);
    const n = 200;
    let procs = 0;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    for (let i = 0; i < n; i++) procs = scanProcesses(opts).length;
    const c = process.cpuUsage(c0);
    const wallMs = (performance.now() - w0) / n;
    const cpuMs = (c.user + c.system) / 1000 / n;
    console.log(
      `scan ${cmdline ? 'stat+cmdline' : 'stat only'}: ${procs} processes, ${cpuMs.toFixed(2)} ms CPU ` +
        `(${((cpuMs * 1000) / procs).toFixed(1)} µs/process), ${wallMs.toFixed(2)} ms wall per scan; ` +
        `${((cpuMs / PROC_SCAN_INTERVAL_MS) * 100).toFixed(2)} % of a core every ${PROC_SCAN_INTERVAL_MS} ms`,
    );
  }
}

function listenMessage(): Buffer {
  const m = Buffer.alloc(40);
  m.writeUInt32LE(40, 0); // nlmsg_len
  m.writeUInt16LE(3, 4); // NLMSG_DONE, as keepalived sends it
  m.writeUInt32LE(CN_IDX_PROC, 16);
  m.writeUInt32LE(1, 20); // CN_VAL_PROC
  m.writeUInt16LE(4, 32); // cn_msg.len
  m.writeUInt32LE(PROC_CN_MCAST_LISTEN, 36);
  return m;
}

async function connectorBench(): Promise<void> {
  const addon = rawsock();
  const fd = addon.netlinkOpen(NETLINK_CONNECTOR);
  try {
    addon.netlinkBind(fd, CN_IDX_PROC);
    try {
      addon.netlinkSend(fd, listenMessage());
    } catch (e) {
      console.log(`connector: PROC_CN_MCAST_LISTEN refused: ${(e as Error).message}`);
      return;
    }
    let events = 0;
    const waiting = new Map<number, () => void>();
    const stop = addon.netlinkStartReceive(fd, (_err, datagrams) => {
      for (const d of datagrams) {
        events++;
        if (d.length > EXIT_TGID_AT + 4 && d.readUInt32LE(WHAT_AT) === PROC_EVENT_EXIT)
          waiting.get(d.readInt32LE(EXIT_TGID_AT))?.();
      }
    });
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const child = spawn('sleep', ['100'], { stdio: 'ignore' });
      await sleep(50);
      const pid = child.pid ?? 0;
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        waiting.set(pid, resolve);
        child.kill('SIGKILL');
      });
      waiting.delete(pid);
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `connector: kill -> PROC_EVENT_EXIT median ${latencies[10]?.toFixed(2)} ms, max ${latencies[19]?.toFixed(2)} ms`,
    );
    const e0 = events;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const storm = spawn('sh', ['-c', 'i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i+1)); done']);
    await new Promise((resolve) => storm.on('exit', resolve));
    await sleep(200);
    const c = process.cpuUsage(c0);
    const n = events - e0;
    const s = (performance.now() - w0) / 1000;
    console.log(
      `connector: ${n} events in ${s.toFixed(1)} s (${(n / s).toFixed(0)}/s), ` +
        `${((c.user + c.system) / n).toFixed(1)} µs CPU per event, ${(((c.user + c.system) / 1e6 / s) * 100).toFixed(1)} % of a core`,
    );
    stop();
  } finally {
    addon.close(fd);
  }
}

scanBench();
await connectorBench();
