/*
 * keepalived-ts native addon, part two: generic netlink sockets and syslog(3).
 *  - AF_NETLINK sockets: open (any protocol; NETLINK_ROUTE is 0), bind (multicast groups for
 *    monitoring, returns the port id), set an int socket option, send one request, and an
 *    asynchronous receive driven by a libuv poll handle that hands whole datagrams to JS.
 *    Message framing, sequence numbers and attributes are TypeScript's job (src/net/rtnetlink.ts).
 *  - syslog(facility, priority, ident, message): keepalived logs to syslog unless -l, and Node
 *    has no unix datagram socket API to reach /dev/log.
 * No per-process state except syslog's (see there), so the functions work in worker_threads.
 * Errors are thrown as JS Errors carrying `code` (the errno name) and `syscall`.
 */
#define _GNU_SOURCE
#include "netlink.h"
#include "poller.h"

#include <errno.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>
#include <uv.h>

/* The kernel caps a dump datagram at 32 KiB (netlink_dump, max_recvmsg_len); twice that leaves
 * room for any future growth, and a bigger datagram is reported as EMSGSIZE, never cut. */
#define NL_MAX_DATAGRAM 65536
/* At most this many datagrams per readiness event, so one busy socket cannot starve the loop. */
#define NL_MAX_BATCH 64
/* openlog(3) keeps the ident pointer: the copy must outlive every later syslog(3) call. */
#define IDENT_MAX 64

static napi_value nl_error(napi_env env, const char *syscall, int err) {
  napi_value msg, code, error, sc;
  char text[256];
  snprintf(text, sizeof(text), "%s: %s", syscall, strerror(err));
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  const char *name = strerrorname_np(err);
  napi_create_string_utf8(env, name ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &error);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sc);
  napi_set_named_property(env, error, "syscall", sc);
  return error;
}

static napi_value throw_errno(napi_env env, const char *syscall, int err) {
  napi_throw(env, nl_error(env, syscall, err));
  return NULL;
}

static napi_value throw_type(napi_env env, const char *what) {
  napi_throw_type_error(env, NULL, what);
  return NULL;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

static napi_value make_int(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n, &v);
  return v;
}

static napi_value make_undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

/* netlinkOpen(protocol) -> fd: non-blocking, close-on-exec. */
static napi_value nl_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t protocol;
  if (argc < 1 || !get_int(env, argv[0], &protocol) || protocol < 0) return throw_type(env, "netlinkOpen(protocol)");
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return throw_errno(env, "socket(AF_NETLINK)", errno);
  return make_int(env, fd);
}

/* netlinkBind(fd, groups) -> port id. The kernel picks the port id (nl_pid 0), so several
 * sockets, threads and processes never collide; the caller learns it to tell its own messages. */
static napi_value nl_bind(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  uint32_t groups;
  if (argc < 2 || !get_int(env, argv[0], &fd) || napi_get_value_uint32(env, argv[1], &groups) != napi_ok)
    return throw_type(env, "netlinkBind(fd, groups)");
  struct sockaddr_nl snl;
  memset(&snl, 0, sizeof(snl));
  snl.nl_family = AF_NETLINK;
  snl.nl_groups = groups;
  if (bind(fd, (struct sockaddr *)&snl, sizeof(snl))) return throw_errno(env, "bind(AF_NETLINK)", errno);
  socklen_t len = sizeof(snl);
  if (getsockname(fd, (struct sockaddr *)&snl, &len)) return throw_errno(env, "getsockname", errno);
  return make_int(env, snl.nl_pid);
}

/* netlinkSetOption(fd, level, name, value): an int option, e.g. SO_RCVBUF or NETLINK_EXT_ACK. */
static napi_value nl_setopt(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, level, name, value;
  if (argc < 4 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &level) || !get_int(env, argv[2], &name) ||
      !get_int(env, argv[3], &value))
    return throw_type(env, "netlinkSetOption(fd, level, name, value)");
  if (setsockopt(fd, level, name, &value, sizeof(value))) return throw_errno(env, "setsockopt", errno);
  return make_undefined(env);
}

/* netlinkSend(fd, message: Buffer) -> bytes: to the kernel (port 0). rtnetlink handles the
 * request inside this call, so replies are queued in the order requests are sent. */
static napi_value nl_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  void *data;
  size_t len;
  if (argc < 2 || !get_int(env, argv[0], &fd) || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok)
    return throw_type(env, "netlinkSend(fd, message)");
  struct sockaddr_nl dst;
  memset(&dst, 0, sizeof(dst));
  dst.nl_family = AF_NETLINK;
  ssize_t n;
  do {
    n = sendto(fd, data, len, 0, (struct sockaddr *)&dst, sizeof(dst));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return throw_errno(env, "sendto(AF_NETLINK)", errno);
  return make_int(env, n);
}

typedef struct {
  poller_t base;
  unsigned char buf[NL_MAX_DATAGRAM];
} nl_poller_t;

/* One readiness event: read up to NL_MAX_BATCH datagrams and call back once with them all. */
static void nl_on_readable(uv_poll_t *handle, int status, int events) {
  nl_poller_t *p = (nl_poller_t *)handle->data;
  (void)events;
  napi_env env = p->base.env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value datagrams;
  napi_create_array(env, &datagrams);
  uint32_t count = 0;
  int read_errno = 0;
  const char *read_syscall = "recvmsg(AF_NETLINK)";
  if (status == 0) {
    for (int i = 0; i < NL_MAX_BATCH; i++) {
      struct sockaddr_nl src;
      struct iovec iov = {p->buf, sizeof(p->buf)};
      struct msghdr msg;
      memset(&msg, 0, sizeof(msg));
      msg.msg_name = &src;
      msg.msg_namelen = sizeof(src);
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      ssize_t n = recvmsg(p->base.fd, &msg, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        /* ENOBUFS: the kernel dropped messages for want of receive buffer. Reported, and the
         * socket stays usable: waiting requests time out, the caller may resynchronise. */
        if (errno != EAGAIN && errno != EWOULDBLOCK) read_errno = errno;
        break;
      }
      if (msg.msg_flags & MSG_TRUNC) {
        read_errno = EMSGSIZE;
        read_syscall = "recvmsg(AF_NETLINK) truncated";
        break;
      }
      /* Only the kernel (port 0) speaks for the kernel: a unicast from another process could
       * otherwise forge an ack. */
      if (msg.msg_namelen != sizeof(src) || src.nl_pid != 0) continue;
      napi_value data;
      void *copy;
      napi_create_buffer_copy(env, (size_t)n, p->buf, &copy, &data);
      napi_set_element(env, datagrams, count++, data);
    }
  } else {
    read_errno = -status;
    read_syscall = "uv_poll";
  }
  if (count > 0 || read_errno) {
    napi_value err;
    if (read_errno) err = nl_error(env, read_syscall, read_errno);
    else napi_get_null(env, &err);
    poller_deliver(&p->base, err, datagrams);
  }
  napi_close_handle_scope(env, scope);
}

/* netlinkStartReceive(fd, callback(err, datagrams: Buffer[])) -> stop() */
static napi_value nl_start_receive(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  napi_valuetype t = napi_undefined;
  if (argc >= 2) napi_typeof(env, argv[1], &t);
  if (argc < 2 || !get_int(env, argv[0], &fd) || t != napi_function)
    return throw_type(env, "netlinkStartReceive(fd, callback)");
  nl_poller_t *p = calloc(1, sizeof(nl_poller_t));
  if (!p) return throw_errno(env, "calloc", ENOMEM);
  napi_value stop;
  int rc = poller_start(env, &p->base, fd, argv[1], nl_on_readable, &stop);
  if (rc) return throw_errno(env, "uv_poll_start", -rc);
  return stop;
}

/*
 * syslog(3) keeps one ident and facility per process, the one piece of state here that is not
 * per environment: a mutex makes openlog + syslog one step, so threads logging under different
 * idents never tag a line with the wrong one.
 */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_ident[IDENT_MAX];
static int log_facility = -1;

/* syslog(facility, priority, ident, message): facility as LOG_DAEMON etc. (already << 3),
 * priority LOG_EMERG..LOG_DEBUG (0..7). */
static napi_value nl_syslog(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t facility, priority;
  char ident[IDENT_MAX];
  size_t got, len;
  if (argc < 4 || !get_int(env, argv[0], &facility) || !get_int(env, argv[1], &priority) ||
      (facility & ~LOG_FACMASK) != 0 || priority < 0 || priority > LOG_DEBUG ||
      napi_get_value_string_utf8(env, argv[2], ident, sizeof(ident), &got) != napi_ok ||
      napi_get_value_string_utf8(env, argv[3], NULL, 0, &len) != napi_ok)
    return throw_type(env, "syslog(facility, priority, ident, message)");
  char *message = malloc(len + 1);
  if (!message) return throw_errno(env, "malloc", ENOMEM);
  napi_get_value_string_utf8(env, argv[3], message, len + 1, &got);
  pthread_mutex_lock(&log_lock);
  if (log_facility != facility || strcmp(log_ident, ident) != 0) {
    memcpy(log_ident, ident, sizeof(log_ident));
    log_facility = facility;
    /* keepalived's own openlog flags: the pid in every line. */
    openlog(log_ident, LOG_PID, facility);
  }
  syslog(facility | priority, "%s", message);
  pthread_mutex_unlock(&log_lock);
  free(message);
  return make_undefined(env);
}

void init_netlink(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"netlinkOpen", NULL, nl_open, NULL, NULL, NULL, napi_default, NULL},
    {"netlinkBind", NULL, nl_bind, NULL, NULL, NULL, napi_default, NULL},
    {"netlinkSetOption", NULL, nl_setopt, NULL, NULL, NULL, napi_default, NULL},
    {"netlinkSend", NULL, nl_send, NULL, NULL, NULL, napi_default, NULL},
    {"netlinkStartReceive", NULL, nl_start_receive, NULL, NULL, NULL, napi_default, NULL},
    {"syslog", NULL, nl_syslog, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
