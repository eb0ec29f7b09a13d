#!/usr/bin/env bash
# The real tools the test suite runs itself: prometheus and promtool, amtool (from
# Debian's prometheus-alertmanager) and redis-server. Installs them when missing and this
# user can (root with apt-get); otherwise says what to install and leaves the decision to
# the caller.
set -euo pipefail

missing=()
for tool in prometheus promtool amtool redis-server; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing the test servers (missing: ${missing[*]}) from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager redis-server >/dev/null
  # Debian starts the packaged services where an init system runs; the tests start their own.
  for service in prometheus prometheus-alertmanager prometheus-node-exporter redis-server; do
    (command -v systemctl >/dev/null && systemctl stop "$service") >/dev/null 2>&1 || true
  done
else
  echo "the test suite needs ${missing[*]}: sudo apt-get install prometheus prometheus-alertmanager redis-server" >&2
fi
