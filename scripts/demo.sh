#!/usr/bin/env bash
# The README's main command (`npm run demo`): the seed's nginx HA pair (keepalived guide,
# sections 3 and 4.6) played end to end in network namespaces, by the compiled demo
# (src/demo/cli.ts). Options pass through: npm run demo -- --help
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
[ -f dist/src/daemon/main.js ] || npx tsc -p tsconfig.json
[ -f dist/src/demo/cli.js ] || npx tsc -p tsconfig.json
if [ "$(id -u)" != 0 ]; then echo "npm run demo: run as root (network namespaces)"; exit 1; fi
exec node dist/src/demo/cli.js "$@"
