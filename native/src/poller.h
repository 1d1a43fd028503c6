/*
 * A libuv poll handle that calls a JS callback when a socket is readable, shared by the raw
 * socket and the netlink receivers: its lifecycle (stop(), garbage collection of stop(), and
 * the environment ending first, as when a worker thread exits) is the same for both.
 */
#ifndef KEEPALIVED_TS_POLLER_H
#define KEEPALIVED_TS_POLLER_H
#include <node_api.h>
#include <uv.h>

typedef struct poller_slot poller_slot_t;

/* The first member of each receiver's own struct (which adds its buffers). */
typedef struct {
  uv_poll_t handle;
  napi_env env;
  napi_ref callback;
  int fd;
  int closing;
  /* Held until the handle's close callback has run: a worker's teardown waits for it, so the
   * addon is not unloaded while libuv still has to call into it. */
  napi_async_cleanup_hook_handle cleanup;
  /* The stop() function's side, or NULL once either side has let go. */
  poller_slot_t *slot;
} poller_t;

/*
 * Starts polling `fd` for reading with `on_readable`. `p` is the receiver's struct, zeroed and
 * heap-allocated, whose first member is a poller_t; it is owned by the poller from here on
 * (freed when closed, or at once on failure). On success `*stop` is the JS stop() function and
 * 0 is returned; otherwise a negative libuv error code.
 */
int poller_start(napi_env env, poller_t *p, int fd, napi_value callback, uv_poll_cb on_readable, napi_value *stop);

/* Calls the JS callback with (err, items); an exception in it is reported, never unwound into
 * libuv. */
void poller_deliver(poller_t *p, napi_value err, napi_value items);

#endif
