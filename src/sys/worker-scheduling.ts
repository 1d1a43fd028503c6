/**
 * keepalived's process priorities for the VRRP engine (vrrp_priority, vrrp_rt_priority,
 * vrrp_cpu_affinity, vrrp_no_swap, max_auto_priority), applied by the VRRP worker thread to
 * itself: keepalived's VRRP child is one thread, ours is the worker beside the main thread, and
 * only the worker sends adverts. The log lines are keepalived's (lib/process.c, lib/scheduler.c).
 *
 * vrrp_rlimit_rttime is not applied (README, deliberate differences): RLIMIT_RTTIME's hard limit
 * SIGKILLs the whole process when one real-time thread runs that long without sleeping, and a
 * JavaScript engine does (measured: a 30 ms burst in a SCHED_RR worker under keepalived's
 * default 10 ms limit killed Node; so did compiling the worker's modules). The kernel's own
 * real-time throttling (sched_rt_runtime_us) still keeps a runaway thread from starving the host.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import type { GlobalDefs, ProcessScheduling } from '../config/model/global.js';
import type { RawSockAddon } from '../net/rawsock.js';

/** The addon calls this needs (src/net/rawsock.ts): each returns 0 or an errno. */
export type SchedulingCalls = Pick<
  RawSockAddon,
  | 'setThreadNice'
  | 'setThreadRealtime'
  | 'setThreadAffinity'
  | 'lockMemory'
  | 'realtimePriorityRange'
  | 'errorText'
>;

export interface WorkerSchedulingSettings {
  readonly scheduling: ProcessScheduling;
  /** max_auto_priority: 0 never raises, -1 likewise (it only silences keepalived's notice). */
  readonly maxAutoPriority: number;
  /** min_auto_priority_delay: how late a timer may run before it is reported. */
  readonly minAutoPriorityDelayUs: number;
}

/** The VRRP process's settings from global_defs. */
export const vrrpSchedulingOf = (g: GlobalDefs): WorkerSchedulingSettings => ({
  scheduling: g.vrrpScheduling,
  maxAutoPriority: g.maxAutoPriority,
  minAutoPriorityDelayUs: g.minAutoPriorityDelayUs,
});

export class WorkerScheduling {
  readonly #calls: SchedulingCalls;
  readonly #log: (text: string) => void;
  #settings: WorkerSchedulingSettings;
  /** The SCHED_RR priority in force; 0 = SCHED_OTHER. */
  #rtPriority = 0;

  constructor(calls: SchedulingCalls, settings: WorkerSchedulingSettings, log: (text: string) => void) {
    this.#calls = calls;
    this.#settings = settings;
    this.#log = log;
  }

  get realtimePriority(): number {
    return this.#rtPriority;
  }

  /** keepalived's set_process_priorities() then set_process_cpu_affinity(), at start. */
  apply(): void {
    const s = this.#settings.scheduling;
    if (s.realtimePriority !== undefined) this.#setRealtime(s.realtimePriority);
    else if (s.nice !== 0) this.#setNice(s.nice);
    if (s.noSwap) this.#lockMemory();
    if (s.cpuAffinity.length > 0) this.#setAffinity(s.cpuAffinity);
  }

  /**
   * A reload's settings: what changed is applied as keepalived's reload does (it calls
   * set_process_priorities again; leaving real time for SCHED_OTHER when vrrp_rt_priority goes).
   */
  reapply(settings: WorkerSchedulingSettings): void {
    const was = this.#settings.scheduling;
    this.#settings = settings;
    const now = settings.scheduling;
    if (was.realtimePriority !== undefined && now.realtimePriority === undefined && this.#rtPriority !== 0) {
      const err = this.#calls.setThreadRealtime(0);
      if (err === 0) this.#rtPriority = 0;
      else this.#log('child process: cannot reset realtime scheduling');
    }
    if (was.nice !== now.nice && now.realtimePriority === undefined) this.#setNice(now.nice);
    if (now.realtimePriority !== undefined && now.realtimePriority !== this.#rtPriority)
      this.#setRealtime(now.realtimePriority);
    if (now.noSwap && !was.noSwap) this.#lockMemory();
    if (now.cpuAffinity.join() !== was.cpuAffinity.join() && now.cpuAffinity.length > 0)
      this.#setAffinity(now.cpuAffinity);
  }

  /**
   * keepalived's scheduler check: a timer ran `lateUs` after its deadline, more than
   * min_auto_priority_delay. Logged always; with max_auto_priority the thread moves to real time
   * (SCHED_RR's lowest priority), then one step up per further delay, up to the maximum.
   */
  timerLate(lateUs: number): void {
    const whole = Math.floor(lateUs / 1_000_000);
    const frac = String(Math.floor(lateUs % 1_000_000)).padStart(6, '0');
    this.#log(`A thread timer expired ${whole}.${frac} seconds ago`);
    const max = this.#settings.maxAutoPriority;
    if (max <= 0 || this.#rtPriority >= max) return;
    const next = this.#rtPriority === 0 ? this.#calls.realtimePriorityRange().min : this.#rtPriority + 1;
    if (this.#setRealtime(next)) this.#log(`Set realtime priority ${next}`);
  }

  #setRealtime(priority: number): boolean {
    const err = this.#calls.setThreadRealtime(priority);
    if (err !== 0) {
      this.#log('child process: cannot raise priority');
      return false;
    }
    this.#rtPriority = priority;
    return true;
  }

  #setNice(nice: number): void {
    const err = this.#calls.setThreadNice(nice);
    if (err !== 0) this.#log(`Unable to set process priority to ${nice} - ${this.#calls.errorText(err)}`);
  }

  #lockMemory(): void {
    const err = this.#calls.lockMemory();
    if (err !== 0) this.#log(`Unable to lock process in memory - ${this.#calls.errorText(err)}`);
  }

  #setAffinity(cpus: readonly number[]): void {
    const err = this.#calls.setThreadAffinity(cpus);
    if (err !== 0) this.#log(`unable to set cpu affinity to vrrp process (${this.#calls.errorText(err)})`);
  }
}

/**
 * A clock whose timers report how late they ran: `onLate(lateUs)` when a callback starts more
 * than `thresholdUs()` after its deadline, at most once per turn of the event loop (`nextTurn`
 * re-arms it), as keepalived checks only its earliest timer per wake-up: a stall that delays
 * 1,000 instances' timers is one report, not 1,000.
 */
export function lateTimerClock(
  clock: Clock,
  thresholdUs: () => number,
  onLate: (lateUs: number) => void,
  nextTurn: (fn: () => void) => void,
): Clock {
  let reported = false;
  return {
    nowUs: () => clock.nowUs(),
    cancel: (handle) => clock.cancel(handle),
    schedule(atUs: number, fn: () => void): TimerHandle {
      return clock.schedule(atUs, () => {
        const lateUs = clock.nowUs() - atUs;
        if (lateUs > thresholdUs() && !reported) {
          reported = true;
          nextTurn(() => {
            reported = false;
          });
          onLate(lateUs);
        }
        fn();
      });
    },
  };
}
