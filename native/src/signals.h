/*
 * Signal numbers Node's process.on() cannot name (the real-time ones keepalived uses:
 * SIGRTMIN+2 for the JSON dump, SIGRTMAX-1 for STATS_CLEAR), caught through libuv's
 * uv_signal_t on the calling thread's loop. Registered from rawsock.c's init.
 */
#ifndef KEEPALIVED_TS_SIGNALS_H
#define KEEPALIVED_TS_SIGNALS_H
#include <node_api.h>

/* Adds onSignal(signum, cb) and realtimeSignals() to `exports`. */
void init_signals(napi_env env, napi_value exports);

#endif
