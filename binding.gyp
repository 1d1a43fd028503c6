{
  "targets": [
    {
      "target_name": "rawsock",
      "sources": ["native/src/rawsock.c", "native/src/netlink.c", "native/src/poller.c", "native/src/signals.c", "native/src/thread_sched.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
