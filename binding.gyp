{
  "targets": [
    {
      "target_name": "rawsock",
      "sources": ["native/src/rawsock.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
