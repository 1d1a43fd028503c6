#!/usr/bin/env bash
# Makes a fresh Debian 12 machine ready to build, run and test keepalived-ts.
# Idempotent: when everything is already installed it only checks and returns (about a second).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests and the lab use. keepalived is the reference implementation we
# compare against; tshark dissects our packets; nginx-light is the seed's service;
# python3-aiosmtpd is the SMTP server that catches alert mails in tests and the lab demo.
debs=(iproute2 nftables keepalived tshark tcpdump nginx-light curl procps time build-essential python3 python3-aiosmtpd)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer once, non-interactively.
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts services it installs; the tests start their own instances in namespaces.
  for svc in keepalived nginx; do
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
    pkill -x "$svc" >/dev/null 2>&1 || true
  done
fi

# npm ci builds dist/ (prepare script) and the native addon; skip it when the lock is unchanged.
stamp=node_modules/.bootstrap-stamp
want=$(sha256sum package-lock.json package.json | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
