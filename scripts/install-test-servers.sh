#!/usr/bin/env bash
# The real servers and tools the test suite runs itself: prometheus and promtool, amtool
# (from Debian's prometheus-alertmanager), redis-server and the PostgreSQL server. Installs
# them when missing and this user can (root with apt-get); otherwise says what to install
# and leaves the decision to the caller.
set -euo pipefail

missing=()
packages=()
for tool in prometheus promtool amtool; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -gt 0 ] && packages+=(prometheus prometheus-alertmanager)
command -v redis-server >/dev/null || { missing+=(redis-server); packages+=(redis-server); }
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || { missing+=(postgres); packages+=(postgresql); }
[ ${#packages[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing the test servers (missing: ${missing[*]}) from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  # Debian starts the packaged services where an init system runs; the tests start their own.
  for service in prometheus prometheus-alertmanager prometheus-node-exporter redis-server postgresql; do
    (command -v systemctl >/dev/null && systemctl stop "$service") >/dev/null 2>&1 || true
  done
  (command -v pg_ctlcluster >/dev/null && for cluster in /etc/postgresql/*/main; do
    [ -d "$cluster" ] && pg_ctlcluster "$(basename "$(dirname "$cluster")")" main stop
  done) >/dev/null 2>&1 || true
else
  echo "the test suite needs ${missing[*]}: sudo apt-get install ${packages[*]}" >&2
fi
