#!/usr/bin/env bash
# Safety net for work on the configuration reader: records what `keepalived-ts -t`,
# `--dump-config` and `--print-config` print (stdout, stderr, exit status) for every shipped
# keepalived sample, the seed configs, our config corpus and the issue-3 large config (plus a
# copy of it with errors sprinkled in), so that an optimisation can be shown to change nothing.
#
#   bash scripts/config-snapshot.sh OUTDIR            # record (run `npx tsc -p .` first)
#   bash scripts/config-snapshot.sh OUTDIR BASEDIR    # record, then diff against BASEDIR
#
# Runs in a throwaway network namespace with eth0..eth3 and lo up, so the interface checks see
# the same machine each time. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:?usage: config-snapshot.sh OUTDIR [BASEDIR]}
base=${2:-}
mkdir -p "$out"
out=$(cd "$out" && pwd)
ns=ktsnap$$
tmp=$(mktemp -d)
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 130" INT TERM
ip netns add "$ns"
ip -n "$ns" link add eth0 type veth peer name eth1
ip -n "$ns" link add eth2 type veth peer name eth3
for l in lo eth0 eth1 eth2 eth3; do ip -n "$ns" link set "$l" up; done

node -e "import('$root/dist/bench/gen-large-config.js').then(m => process.stdout.write(m.largeConfig()))" \
  >"$tmp/large.conf"
# The same config with diagnostics: a stray word on every 997th line, an unknown keyword in
# place of every 1999th line.
sed -e '0~997s/$/ stray/' -e '0~1999s/.*/    unknown_keyword 1/' "$tmp/large.conf" >"$tmp/large-errors.conf"

configs=()
for f in /usr/share/doc/keepalived/samples/keepalived.conf.* \
  /work/shared/seed-configs/*.conf \
  test/fixtures/config-corpus/*.conf \
  "$tmp/large.conf" "$tmp/large-errors.conf"; do
  [ -f "$f" ] && configs+=("$(realpath "$f")")
done

# One file per config and mode: the command's stdout, then stderr, then its exit status.
record() {
  local conf=$1 mode=$2 name
  name=$(basename "$(dirname "$conf")")--$(basename "$conf")
  case $conf in "$tmp"/*) name=generated--$(basename "$conf") ;; esac
  local dest="$out/$name.$mode"
  local rc=0
  (cd "$(dirname "$conf")" &&
    ip netns exec "$ns" node "$root/bin/keepalived-ts" "--$mode" -f "$conf" \
      >"$dest.stdout" 2>"$dest.stderr") || rc=$?
  # The generated files live in a fresh temporary directory, the corpus in this checkout: name
  # both the same every time, so that two checkouts can be compared.
  sed -i -e "s#$tmp#GENERATED#g" -e "s#$root/#ROOT/#g" "$dest.stdout" "$dest.stderr"
  {
    echo "== stdout"
    cat "$dest.stdout"
    echo "== stderr"
    cat "$dest.stderr"
    echo "== exit $rc"
  } >"$dest"
  rm -f "$dest.stdout" "$dest.stderr"
}

for c in "${configs[@]}"; do
  for mode in config-test dump-config print-config; do record "$c" "$mode"; done
done
echo "recorded $(ls "$out" | wc -l) outputs of ${#configs[@]} configs in $out"

if [ -n "$base" ]; then
  if diff -r "$base" "$out" >"$tmp/diff"; then
    echo "identical to $base"
  else
    head -50 "$tmp/diff"
    echo "DIFFERS from $base"
    exit 1
  fi
fi
