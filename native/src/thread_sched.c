/* See thread_sched.h. Every call returns 0 or the errno it failed with: the caller logs keepalived's
 * line for a refusal and carries on, as keepalived does. */
#define _GNU_SOURCE
#include "thread_sched.h"

#include <errno.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

static napi_value int_value(napi_env env, int32_t v) {
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

/* The first `n` arguments as int32, or a TypeError naming the call. */
static int int_args(napi_env env, napi_callback_info info, size_t n, int32_t *out, const char *usage) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < n) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    if (napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, usage);
      return 0;
    }
  }
  return 1;
}

/* setThreadNice(nice): setpriority() on this thread's id (Linux's nice is per thread). */
static napi_value set_thread_nice(napi_env env, napi_callback_info info) {
  int32_t nice;
  if (!int_args(env, info, 1, &nice, "setThreadNice(nice)")) return NULL;
  pid_t tid = (pid_t)syscall(SYS_gettid);
  errno = 0;
  return int_value(env, setpriority(PRIO_PROCESS, (id_t)tid, nice) == -1 ? errno : 0);
}

/* setThreadRealtime(priority): SCHED_RR at `priority` for this thread, reset in children (the
 * scripts it may fork); 0 returns it to SCHED_OTHER. */
static napi_value set_thread_realtime(napi_env env, napi_callback_info info) {
  int32_t prio;
  if (!int_args(env, info, 1, &prio, "setThreadRealtime(priority)")) return NULL;
  struct sched_param sp = {.sched_priority = prio};
  int policy = prio > 0 ? (SCHED_RR | SCHED_RESET_ON_FORK) : SCHED_OTHER;
  return int_value(env, sched_setscheduler(0, policy, &sp) ? errno : 0);
}

/* setThreadAffinity(cpus: number[]): this thread runs only on those CPUs. */
static napi_value set_thread_affinity(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_array = false;
  if (argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array) {
    napi_throw_type_error(env, NULL, "setThreadAffinity(cpus)");
    return NULL;
  }
  uint32_t n;
  napi_get_array_length(env, argv[0], &n);
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    int32_t cpu;
    napi_get_element(env, argv[0], i, &v);
    if (napi_get_value_int32(env, v, &cpu) != napi_ok || cpu < 0 || cpu >= CPU_SETSIZE) {
      napi_throw_type_error(env, NULL, "setThreadAffinity(cpus): CPU numbers 0..1023");
      return NULL;
    }
    CPU_SET(cpu, &set);
  }
  return int_value(env, sched_setaffinity(0, sizeof(set), &set) ? errno : 0);
}

/* lockMemory(): mlockall, current and future pages, locked as they are first touched. */
static napi_value lock_memory(napi_env env, napi_callback_info info) {
  (void)info;
  int flags = MCL_CURRENT | MCL_FUTURE;
#ifdef MCL_ONFAULT
  flags |= MCL_ONFAULT;
#endif
  return int_value(env, mlockall(flags) ? errno : 0);
}

/* realtimePriorityRange(): { min, max } of SCHED_RR. */
static napi_value realtime_priority_range(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_object(env, &r);
  napi_set_named_property(env, r, "min", int_value(env, sched_get_priority_min(SCHED_RR)));
  napi_set_named_property(env, r, "max", int_value(env, sched_get_priority_max(SCHED_RR)));
  return r;
}

/* errorText(errno): strerror's text, for keepalived's "%m" in log lines. */
static napi_value error_text(napi_env env, napi_callback_info info) {
  int32_t err;
  if (!int_args(env, info, 1, &err, "errorText(errno)")) return NULL;
  napi_value r;
  napi_create_string_utf8(env, strerror(err), NAPI_AUTO_LENGTH, &r);
  return r;
}

void init_sched(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setThreadNice", NULL, set_thread_nice, NULL, NULL, NULL, napi_default, NULL},
      {"setThreadRealtime", NULL, set_thread_realtime, NULL, NULL, NULL, napi_default, NULL},
      {"setThreadAffinity", NULL, set_thread_affinity, NULL, NULL, NULL, napi_default, NULL},
      {"lockMemory", NULL, lock_memory, NULL, NULL, NULL, napi_default, NULL},
      {"realtimePriorityRange", NULL, realtime_priority_range, NULL, NULL, NULL, napi_default, NULL},
      {"errorText", NULL, error_text, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
