/*
 * Scheduling of the calling thread (nice, SCHED_RR, CPU affinity) and the process-wide memory
 * lock: keepalived's vrrp_priority, vrrp_rt_priority, vrrp_cpu_affinity and vrrp_no_swap, applied
 * by the VRRP worker thread to itself (keepalived applies them to its single-threaded VRRP
 * process). Registered from rawsock.c's init.
 */
#ifndef KEEPALIVED_TS_THREAD_SCHED_H
#define KEEPALIVED_TS_THREAD_SCHED_H
#include <node_api.h>

/* Adds setThreadNice, setThreadRealtime, setThreadAffinity, lockMemory, realtimePriorityRange
 * and errorText to `exports`. */
void init_sched(napi_env env, napi_value exports);

#endif
