#!/usr/bin/env bash
# Fetches rasa-webchat 1.0.1, the standard Rasa chat widget, from npm for the browser test that
# talks to the coach through it (tests/browser/test_webchat.py): the package's tarball, checked
# against the registry's published sha512, and its ready-built bundle (lib/index.js) kept as
# build/rasa-webchat/rasa-webchat-1.0.1.js. Nothing of it is installed or served by the coach.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=1.0.1
INTEGRITY="sha512-Ld1zVJvTAaTrs6A5p8t70agNNrKYRyXlvqXZRgBoDvKKUXbA0jhJKECi5bdPGlaR6jsmqWtVylHS+YqIqo0x8w=="
DEST=build/rasa-webchat
BUNDLE="$DEST/rasa-webchat-$VERSION.js"
[ -s "$BUNDLE" ] && exit 0
command -v npm >/dev/null || ./scripts/apt_install.sh ensure_webchat npm
mkdir -p "$DEST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "rasa-webchat@$VERSION" >/dev/null)
tarball="$work/rasa-webchat-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "ensure_webchat: rasa-webchat-$VERSION.tgz does not match npm's published sha512" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/lib/index.js
mv "$work/package/lib/index.js" "$BUNDLE"
echo "ensure_webchat: $BUNDLE"
