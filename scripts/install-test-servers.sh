#!/usr/bin/env bash
# The real servers and tools the test suite runs itself: prometheus and promtool, the
# Alertmanager server and amtool (Debian's prometheus-alertmanager), redis-server, the PostgreSQL server and openssl
# (the fault suite's TLS receiver gets a self-signed certificate made at test time). Installs
# them when missing and this user can (root with apt-get); otherwise says what to install
# and leaves the decision to the caller.
set -euo pipefail

missing=()
packages=()
for tool in prometheus promtool prometheus-alertmanager amtool; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -gt 0 ] && packages+=(prometheus prometheus-alertmanager)
command -v redis-server >/dev/null || { missing+=(redis-server); packages+=(redis-server); }
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || { missing+=(postgres); packages+=(postgresql); }
command -v openssl >/dev/null || { missing+=(openssl); packages+=(openssl); }
[ ${#packages[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing the test servers (missing: ${missing[*]}) from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  # The packages would start their services on install; the tests start their own, on free
  # ports. Debian's policy-rc.d hook says "don't" (container images usually ship one already).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "the test suite needs ${missing[*]}: sudo apt-get install ${packages[*]}" >&2
fi
