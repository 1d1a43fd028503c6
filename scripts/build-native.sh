#!/usr/bin/env bash
# Builds the native addon (raw IP and AF_PACKET sockets) against the installed Node headers;
# run by `npm ci` (install script). No network: node-gyp must find the headers locally.
set -euo pipefail
cd "$(dirname "$0")/.."
nodedir="${npm_config_nodedir:-}"
if [ -z "$nodedir" ]; then
  for d in /usr /usr/local "$(dirname "$(dirname "$(command -v node)")")"; do
    if [ -f "$d/include/node/node_api.h" ]; then nodedir=$d; break; fi
  done
fi
# Under npm, node-gyp is on PATH (npm's own copy); run by hand, use the one npm ships.
if command -v node-gyp >/dev/null; then
  node-gyp rebuild --nodedir="$nodedir" --loglevel=warn
else
  node "$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js" \
    rebuild --nodedir="$nodedir" --loglevel=warn
fi
