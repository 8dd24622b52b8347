#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (Playwright drives it;
# Playwright's own browser download is never used), with fonts for text and emoji.
set -euo pipefail
cd "$(dirname "$0")"
PACKAGES=(chromium fonts-dejavu-core fonts-noto-color-emoji)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  ./apt_install.sh ensure_chromium "${missing[@]}"
  /usr/bin/chromium --version
fi
