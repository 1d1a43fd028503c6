#!/usr/bin/env bash
# The README's main command (`npm run demo`). Until the netns lab lands (issue 6), it checks
# the seed's section-4 configs in examples/ with keepalived-ts -t beside keepalived -t, inside
# a throwaway network namespace that has the configs' eth0, and prints the parsed model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
[ -f dist/src/daemon/main.js ] || npx tsc -p tsconfig.json

ns="ktdemo$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip -n "$ns" link add eth0 type veth peer name eth1
ip -n "$ns" link set eth0 up

for conf in examples/seed-*.conf; do
  echo "=== $conf"
  set +e
  ours=$(ip netns exec "$ns" ./bin/keepalived-ts -t -f "$conf" 2>&1); ours_rc=$?
  ref=$(ip netns exec "$ns" keepalived -t -f "$conf" 2>&1 | sort -u); ref_rc=${PIPESTATUS[0]}
  set -e
  echo "keepalived-ts -t: exit $ours_rc"
  [ -n "$ours" ] && echo "$ours" | sed 's/^/    /'
  echo "keepalived -t:    exit $ref_rc"
  [ -n "$ref" ] && echo "$ref" | sed 's/^/    /'
  echo "--- model (keepalived-ts --dump-config):"
  ip netns exec "$ns" ./bin/keepalived-ts --dump-config -f "$conf" 2>/dev/null | head -40
done
