#!/usr/bin/env bash
# Installs what the production tests run beside the coach when it is missing: PostgreSQL (the
# shared tracker and knowledge store), Redis (the lock store) and nginx (the load balancer).
# The tests start their own throwaway instances on free loopback ports; no system service is used.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  ./apt_install.sh ensure_services "${missing[@]}"
fi
