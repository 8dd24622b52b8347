#!/usr/bin/env bash
# apt_install.sh WHO PACKAGE...: installs Debian packages as root, updating the package lists only
# when the install fails without it (they may be stale or absent on a fresh machine).
set -euo pipefail
who=$1; shift
if [ "$(id -u)" -ne 0 ]; then
  echo "$who: missing $*; install them as root (apt-get install $*)" >&2
  exit 1
fi
echo "$who: installing $*"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "$@"; then
  apt-get update
  apt-get install -y --no-install-recommends "$@"
fi
