/*
 * The netlink and syslog half of the rawsock addon (netlink.c), registered from rawsock.c's
 * init so the addon stays one module.
 */
#ifndef KEEPALIVED_TS_NETLINK_H
#define KEEPALIVED_TS_NETLINK_H
#include <node_api.h>

/* Adds netlinkOpen, netlinkBind, netlinkSetOption, netlinkSend, netlinkStartReceive and
 * syslog to `exports`. */
void init_netlink(napi_env env, napi_value exports);

#endif
