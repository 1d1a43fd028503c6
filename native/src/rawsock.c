/*
 * keepalived-ts native addon: what Node has no API for, nothing more.
 *  - raw IP sockets (IPv4 / IPv6, any protocol, VRRP is 112) received with recvmsg so each
 *    packet comes with its source, destination, TTL / hop limit and ifindex;
 *  - multicast membership per interface, SO_BINDTODEVICE, IPV6_CHECKSUM, TTL / hop limit 255;
 *  - AF_PACKET sockets to send gratuitous ARP and unsolicited neighbour advertisements.
 * Reception is driven by a libuv poll handle on the socket: never blocking, never spinning.
 * Errors are thrown as JS Errors carrying `code` (the errno name) and `syscall`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "netlink.h"
#include "signals.h"
#include "thread_sched.h"
#include "poller.h"

#define MAX_PACKET 65536
/* At most this many packets are read per readiness event, so one busy socket cannot starve
 * the event loop; the poll handle fires again for the rest. */
#define MAX_BATCH 64

static napi_value throw_errno(napi_env env, const char *syscall, int err) {
  napi_value msg, code, error, sc;
  char text[256];
  snprintf(text, sizeof(text), "%s: %s", syscall, strerror(err));
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  const char *name = strerrorname_np(err);
  napi_create_string_utf8(env, name ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &error);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sc);
  napi_set_named_property(env, error, "syscall", sc);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *what) {
  napi_throw_type_error(env, NULL, what);
  return NULL;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

static int get_string(napi_env env, napi_value v, char *buf, size_t len) {
  size_t got;
  return napi_get_value_string_utf8(env, v, buf, len, &got) == napi_ok;
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

/* openRaw(family: 4|6, protocol: number, ifname: string|null) -> fd */
static napi_value open_raw(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t family, protocol;
  if (argc < 2 || !get_int(env, argv[0], &family) || !get_int(env, argv[1], &protocol))
    return throw_type(env, "openRaw(family, protocol, ifname?)");
  int af = family == 6 ? AF_INET6 : AF_INET;
  int fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return throw_errno(env, "socket", errno);
  int on = 1, hops = 255, off = 0;
  int rc = 0;
  if (af == AF_INET) {
    /* RFC 3768 5.2.3 / RFC 5798 5.1.1.3: TTL 255; receive TTL and destination. */
    rc |= setsockopt(fd, IPPROTO_IP, IP_TTL, &hops, sizeof(hops));
    rc |= setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &hops, sizeof(hops));
    rc |= setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
    rc |= setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
    rc |= setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off));
#ifdef IP_MULTICAST_ALL
    /* Only the groups joined on this socket, not every group any socket joined. */
    rc |= setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof(off));
#endif
  } else {
    /* RFC 5798 5.1.2.3: hop limit 255; the kernel computes the checksum at offset 6. */
    int csum_offset = 6;
    rc |= setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops));
    rc |= setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
    rc |= setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
    rc |= setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
    rc |= setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off));
    if (protocol == 112) rc |= setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &csum_offset, sizeof(csum_offset));
#ifdef IPV6_MULTICAST_ALL
    rc |= setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &off, sizeof(off));
#endif
  }
  if (rc) {
    int err = errno;
    close(fd);
    return throw_errno(env, "setsockopt", err);
  }
  if (argc >= 3) {
    napi_valuetype t;
    napi_typeof(env, argv[2], &t);
    if (t == napi_string) {
      char ifname[IFNAMSIZ + 1];
      if (!get_string(env, argv[2], ifname, sizeof(ifname))) {
        close(fd);
        return throw_type(env, "ifname");
      }
      if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1)) {
        int err = errno;
        close(fd);
        return throw_errno(env, "setsockopt(SO_BINDTODEVICE)", err);
      }
    }
  }
  return make_int(env, fd);
}

/* setHeaderIncluded(fd, on): IPv4 sockets that send their own IP header (VRRPv2 + AH). */
static napi_value set_hdrincl(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, on;
  if (argc < 2 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &on)) return throw_type(env, "setHeaderIncluded(fd, on)");
  if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on))) return throw_errno(env, "setsockopt(IP_HDRINCL)", errno);
  return make_undefined(env);
}

/* membership(fd, family, group, ifindex, join: boolean) */
static napi_value membership(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, family, ifindex;
  bool join;
  char group[INET6_ADDRSTRLEN];
  if (argc < 5 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &family) ||
      !get_string(env, argv[2], group, sizeof(group)) || !get_int(env, argv[3], &ifindex) ||
      napi_get_value_bool(env, argv[4], &join) != napi_ok)
    return throw_type(env, "membership(fd, family, group, ifindex, join)");
  if (family == 6) {
    struct ipv6_mreq m;
    memset(&m, 0, sizeof(m));
    if (inet_pton(AF_INET6, group, &m.ipv6mr_multiaddr) != 1) return throw_type(env, "group address");
    m.ipv6mr_interface = (unsigned)ifindex;
    if (setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &m, sizeof(m)))
      return throw_errno(env, join ? "IPV6_ADD_MEMBERSHIP" : "IPV6_DROP_MEMBERSHIP", errno);
  } else {
    struct ip_mreqn m;
    memset(&m, 0, sizeof(m));
    if (inet_pton(AF_INET, group, &m.imr_multiaddr) != 1) return throw_type(env, "group address");
    m.imr_ifindex = ifindex;
    if (setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m, sizeof(m)))
      return throw_errno(env, join ? "IP_ADD_MEMBERSHIP" : "IP_DROP_MEMBERSHIP", errno);
  }
  return make_undefined(env);
}

/* setMulticastInterface(fd, family, ifindex, srcAddr|null): where multicast sends go out. */
static napi_value set_mcast_if(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, family, ifindex;
  if (argc < 3 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &family) || !get_int(env, argv[2], &ifindex))
    return throw_type(env, "setMulticastInterface(fd, family, ifindex, src?)");
  if (family == 6) {
    unsigned idx = (unsigned)ifindex;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx))) return throw_errno(env, "IPV6_MULTICAST_IF", errno);
  } else {
    struct ip_mreqn m;
    memset(&m, 0, sizeof(m));
    m.imr_ifindex = ifindex;
    char src[INET_ADDRSTRLEN];
    napi_valuetype t = napi_undefined;
    if (argc >= 4) napi_typeof(env, argv[3], &t);
    if (t == napi_string && get_string(env, argv[3], src, sizeof(src))) inet_pton(AF_INET, src, &m.imr_address);
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof(m))) return throw_errno(env, "IP_MULTICAST_IF", errno);
  }
  return make_undefined(env);
}

/* bindAddress(fd, family, address): the source address of what this socket sends. */
static napi_value bind_address(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, family;
  char addr[INET6_ADDRSTRLEN];
  if (argc < 3 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &family) || !get_string(env, argv[2], addr, sizeof(addr)))
    return throw_type(env, "bindAddress(fd, family, address)");
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  socklen_t len;
  if (family == 6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1) return throw_type(env, "address");
    len = sizeof(*s6);
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1) return throw_type(env, "address");
    len = sizeof(*s4);
  }
  if (bind(fd, (struct sockaddr *)&ss, len)) return throw_errno(env, "bind", errno);
  return make_undefined(env);
}

/* send(fd, family, payload: Buffer, dst: string, ifindex) -> bytes sent */
static napi_value send_to(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, family, ifindex = 0;
  void *data;
  size_t len;
  char dst[INET6_ADDRSTRLEN];
  if (argc < 4 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &family) ||
      napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok || !get_string(env, argv[3], dst, sizeof(dst)))
    return throw_type(env, "send(fd, family, payload, dst, ifindex?)");
  if (argc >= 5) get_int(env, argv[4], &ifindex);
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  socklen_t slen;
  if (family == 6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, dst, &s6->sin6_addr) != 1) return throw_type(env, "dst address");
    s6->sin6_scope_id = (uint32_t)ifindex;
    slen = sizeof(*s6);
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    if (inet_pton(AF_INET, dst, &s4->sin_addr) != 1) return throw_type(env, "dst address");
    slen = sizeof(*s4);
  }
  ssize_t n = sendto(fd, data, len, 0, (struct sockaddr *)&ss, slen);
  if (n < 0) return throw_errno(env, "sendto", errno);
  return make_int(env, n);
}

typedef struct {
  poller_t base;
  int family;
  unsigned char buf[MAX_PACKET];
} raw_poller_t;

static void set_str(napi_env env, napi_value obj, const char *key, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
}

/* One readiness event: read up to MAX_BATCH packets and hand them to JS as one array. */
static void on_readable(uv_poll_t *handle, int status, int events) {
  raw_poller_t *p = (raw_poller_t *)handle->data;
  (void)events;
  napi_env env = p->base.env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value packets;
  napi_create_array(env, &packets);
  uint32_t count = 0;
  int read_errno = 0;
  if (status == 0) {
    for (int i = 0; i < MAX_BATCH; i++) {
      struct sockaddr_storage src;
      char control[256];
      struct iovec iov = {p->buf, sizeof(p->buf)};
      struct msghdr msg;
      memset(&msg, 0, sizeof(msg));
      msg.msg_name = &src;
      msg.msg_namelen = sizeof(src);
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      ssize_t n = recvmsg(p->base.fd, &msg, MSG_DONTWAIT);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) read_errno = errno;
        break;
      }
      char srcs[INET6_ADDRSTRLEN] = "", dsts[INET6_ADDRSTRLEN] = "";
      int ttl = -1, ifindex = 0;
      if (src.ss_family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)&src)->sin_addr, srcs, sizeof(srcs));
      else if (src.ss_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&src)->sin6_addr, srcs, sizeof(srcs));
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
          struct in_pktinfo *pi = (struct in_pktinfo *)CMSG_DATA(c);
          inet_ntop(AF_INET, &pi->ipi_addr, dsts, sizeof(dsts));
          ifindex = pi->ipi_ifindex;
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
          ttl = *(int *)CMSG_DATA(c);
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
          struct in6_pktinfo *pi = (struct in6_pktinfo *)CMSG_DATA(c);
          inet_ntop(AF_INET6, &pi->ipi6_addr, dsts, sizeof(dsts));
          ifindex = (int)pi->ipi6_ifindex;
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
          ttl = *(int *)CMSG_DATA(c);
        }
      }
      napi_value obj, data;
      void *copy;
      napi_create_object(env, &obj);
      napi_create_buffer_copy(env, (size_t)n, p->buf, &copy, &data);
      napi_set_named_property(env, obj, "data", data);
      set_str(env, obj, "src", srcs);
      set_str(env, obj, "dst", dsts);
      napi_set_named_property(env, obj, "ttl", make_int(env, ttl));
      napi_set_named_property(env, obj, "ifindex", make_int(env, ifindex));
      napi_set_named_property(env, obj, "truncated", make_int(env, (msg.msg_flags & MSG_TRUNC) ? 1 : 0));
      napi_set_element(env, packets, count++, obj);
    }
  } else read_errno = -status;
  if (count > 0 || read_errno) {
    napi_value err;
    if (read_errno) {
      napi_value code, msg;
      napi_create_string_utf8(env, strerrorname_np(read_errno) ? strerrorname_np(read_errno) : "EUNKNOWN", NAPI_AUTO_LENGTH, &code);
      napi_create_string_utf8(env, strerror(read_errno), NAPI_AUTO_LENGTH, &msg);
      napi_create_error(env, code, msg, &err);
    } else napi_get_null(env, &err);
    poller_deliver(&p->base, err, packets);
  }
  napi_close_handle_scope(env, scope);
}

/* startReceive(fd, family, callback(err, packets[])) -> stop() */
static napi_value start_receive(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, family;
  if (argc < 3 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &family)) return throw_type(env, "startReceive(fd, family, cb)");
  raw_poller_t *p = calloc(1, sizeof(raw_poller_t));
  if (!p) return throw_errno(env, "calloc", ENOMEM);
  p->family = family;
  napi_value stop;
  int rc = poller_start(env, &p->base, fd, argv[2], on_readable, &stop);
  if (rc) return throw_errno(env, "uv_poll_start", -rc);
  return stop;
}

/* openPacket(ifindex) -> fd: AF_PACKET raw socket bound to an interface, for sending frames. */
static napi_value open_packet(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t ifindex;
  if (argc < 1 || !get_int(env, argv[0], &ifindex)) return throw_type(env, "openPacket(ifindex)");
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket(AF_PACKET)", errno);
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof(sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = 0; /* send only: receive nothing */
  sll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind(AF_PACKET)", err);
  }
  return make_int(env, fd);
}

/* sendFrame(fd, ifindex, frame: Buffer) -> bytes: a whole Ethernet frame. */
static napi_value send_frame(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, ifindex;
  void *data;
  size_t len;
  if (argc < 3 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &ifindex) ||
      napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok || len < ETH_HLEN)
    return throw_type(env, "sendFrame(fd, ifindex, frame)");
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof(sll));
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = ifindex;
  sll.sll_halen = ETH_ALEN;
  memcpy(sll.sll_addr, data, ETH_ALEN);
  ssize_t n = sendto(fd, data, len, 0, (struct sockaddr *)&sll, sizeof(sll));
  if (n < 0) return throw_errno(env, "sendto(AF_PACKET)", errno);
  return make_int(env, n);
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc < 1 || !get_int(env, argv[0], &fd)) return throw_type(env, "close(fd)");
  if (close(fd)) return throw_errno(env, "close", errno);
  return make_undefined(env);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"openRaw", NULL, open_raw, NULL, NULL, NULL, napi_default, NULL},
    {"setHeaderIncluded", NULL, set_hdrincl, NULL, NULL, NULL, napi_default, NULL},
    {"membership", NULL, membership, NULL, NULL, NULL, napi_default, NULL},
    {"setMulticastInterface", NULL, set_mcast_if, NULL, NULL, NULL, napi_default, NULL},
    {"bindAddress", NULL, bind_address, NULL, NULL, NULL, napi_default, NULL},
    {"send", NULL, send_to, NULL, NULL, NULL, napi_default, NULL},
    {"startReceive", NULL, start_receive, NULL, NULL, NULL, napi_default, NULL},
    {"openPacket", NULL, open_packet, NULL, NULL, NULL, napi_default, NULL},
    {"sendFrame", NULL, send_frame, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  init_netlink(env, exports);
  init_signals(env, exports);
  init_sched(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
