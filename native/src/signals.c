/* See signals.h. */
#include "signals.h"

#include <signal.h>
#include <stdlib.h>
#include <uv.h>

typedef struct {
  uv_signal_t handle;
  napi_env env;
  napi_ref callback;
  napi_async_cleanup_hook_handle cleanup;
} sig_watch_t;

static void on_close(uv_handle_t *h) {
  sig_watch_t *w = (sig_watch_t *)h->data;
  napi_remove_async_cleanup_hook(w->cleanup);
  free(w);
}

/* The environment ends: stop and close, or libuv aborts on a loop closed with open handles. */
static void env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  sig_watch_t *w = (sig_watch_t *)arg;
  w->cleanup = handle;
  uv_signal_stop(&w->handle);
  napi_delete_reference(w->env, w->callback);
  uv_close((uv_handle_t *)&w->handle, on_close);
}

static void on_signal(uv_signal_t *h, int signum) {
  sig_watch_t *w = (sig_watch_t *)h->data;
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, global, arg, result;
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_global(env, &global);
  napi_create_int32(env, signum, &arg);
  if (napi_make_callback(env, NULL, global, cb, 1, &arg, &result) != napi_ok) {
    bool pending;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ex;
      napi_get_and_clear_last_exception(env, &ex);
      napi_fatal_exception(env, ex);
    }
  }
  napi_close_handle_scope(env, scope);
}

/* onSignal(signum, cb): cb(signum) on every delivery, for the life of the environment. The
 * handle is unref'd: it never keeps the process alive. */
static napi_value on_signal_fn(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], undefined;
  napi_get_undefined(env, &undefined);
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t signum;
  napi_valuetype t;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &signum) != napi_ok ||
      napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "onSignal(signum, cb)");
    return undefined;
  }
  sig_watch_t *w = calloc(1, sizeof(sig_watch_t));
  if (!w) {
    napi_throw_error(env, NULL, "out of memory");
    return undefined;
  }
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  w->env = env;
  w->handle.data = w;
  uv_signal_init(loop, &w->handle);
  int rc = uv_signal_start(&w->handle, on_signal, signum);
  if (rc) {
    uv_close((uv_handle_t *)&w->handle, (uv_close_cb)free);
    napi_throw_error(env, uv_err_name(rc), uv_strerror(rc));
    return undefined;
  }
  uv_unref((uv_handle_t *)&w->handle);
  napi_create_reference(env, argv[1], 1, &w->callback);
  napi_add_async_cleanup_hook(env, env_cleanup, w, &w->cleanup);
  return undefined;
}

/* { min: SIGRTMIN, max: SIGRTMAX } as this libc numbers them. */
static napi_value realtime_signals(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o, min, max;
  napi_create_object(env, &o);
  napi_create_int32(env, SIGRTMIN, &min);
  napi_create_int32(env, SIGRTMAX, &max);
  napi_set_named_property(env, o, "min", min);
  napi_set_named_property(env, o, "max", max);
  return o;
}

void init_signals(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"onSignal", NULL, on_signal_fn, NULL, NULL, NULL, napi_default, NULL},
    {"realtimeSignals", NULL, realtime_signals, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
