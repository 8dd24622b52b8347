#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (Playwright drives it;
# Playwright's own browser download is never used).
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure_chromium: $CHROMIUM is missing; install Debian's chromium package as root (apt-get install chromium)" >&2
  exit 1
fi
echo "ensure_chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be stale or absent on a fresh machine: update only when the install fails.
if ! apt-get install -y --no-install-recommends chromium fonts-dejavu-core; then
  apt-get update
  apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi
"$CHROMIUM" --version
