#!/usr/bin/env bash
# The test command: builds, lints, then runs every test (unit and netns integration) with
# node's own runner, whose closing summary is the verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx tsc -p tsconfig.json
npx biome check src test bench >/dev/null || { npx biome check src test bench; exit 1; }
# Integration tests create namespaces and run daemons: they need root.
if [ "$(id -u)" != 0 ]; then echo "npm test: run as root (network namespaces)"; exit 1; fi
exec node --test --test-concurrency=2 --test-reporter=spec dist/src dist/test
