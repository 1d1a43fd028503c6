/* See poller.h. */
#include "poller.h"

#include <stdlib.h>

struct poller_slot {
  poller_t *poller;
};

static void on_close(uv_handle_t *h) {
  poller_t *p = (poller_t *)h->data;
  napi_remove_async_cleanup_hook(p->cleanup);
  free(p);
}

/* The close callback of a poller that never started receiving. */
static void free_handle(uv_handle_t *h) { free(h->data); }

/* Closes the poll handle once. The JS reference is dropped here, while the environment is
 * certainly alive; the memory goes in the close callback. */
static void poller_close(poller_t *p) {
  if (p->closing) return;
  p->closing = 1;
  if (p->slot) p->slot->poller = NULL;
  p->slot = NULL;
  uv_poll_stop(&p->handle);
  napi_delete_reference(p->env, p->callback);
  uv_close((uv_handle_t *)&p->handle, on_close);
}

/* The environment ends (a worker thread exits or is terminated) without stop(): close the
 * handle, or libuv aborts on a loop closed with open handles; teardown waits for on_close,
 * which removes this hook. */
static void env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  poller_t *p = (poller_t *)arg;
  p->cleanup = handle;
  poller_close(p);
}

static napi_value stop_fn(napi_env env, napi_callback_info info) {
  void *data;
  napi_get_cb_info(env, info, NULL, NULL, NULL, &data);
  poller_slot_t *slot = (poller_slot_t *)data;
  if (slot->poller) poller_close(slot->poller);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

/* stop() was garbage collected: the poller (if still receiving) runs on until teardown. */
static void finalize_slot(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  poller_slot_t *slot = (poller_slot_t *)data;
  if (slot->poller) slot->poller->slot = NULL;
  free(slot);
}

int poller_start(napi_env env, poller_t *p, int fd, napi_value callback, uv_poll_cb on_readable, napi_value *stop) {
  poller_slot_t *slot = calloc(1, sizeof(poller_slot_t));
  if (!slot) {
    free(p);
    return UV_ENOMEM;
  }
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  p->env = env;
  p->fd = fd;
  p->handle.data = p;
  int rc = uv_poll_init(loop, &p->handle, fd);
  if (rc) {
    free(p);
    free(slot);
    return rc;
  }
  napi_create_reference(env, callback, 1, &p->callback);
  rc = uv_poll_start(&p->handle, UV_READABLE, on_readable);
  if (rc == 0 && napi_add_async_cleanup_hook(env, env_cleanup, p, &p->cleanup) != napi_ok) rc = UV_ENOMEM;
  if (rc) {
    uv_poll_stop(&p->handle);
    napi_delete_reference(env, p->callback);
    uv_close((uv_handle_t *)&p->handle, free_handle);
    free(slot);
    return rc;
  }
  slot->poller = p;
  p->slot = slot;
  napi_create_function(env, "stop", NAPI_AUTO_LENGTH, stop_fn, slot, stop);
  napi_add_finalizer(env, *stop, slot, finalize_slot, NULL, NULL);
  return 0;
}

void poller_deliver(poller_t *p, napi_value err, napi_value items) {
  napi_env env = p->env;
  napi_value cb, global, result, args[2] = {err, items};
  napi_get_reference_value(env, p->callback, &cb);
  napi_get_global(env, &global);
  if (napi_make_callback(env, NULL, global, cb, 2, args, &result) != napi_ok) {
    bool pending;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ex;
      napi_get_and_clear_last_exception(env, &ex);
      napi_fatal_exception(env, ex);
    }
  }
}
