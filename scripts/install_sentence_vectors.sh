#!/usr/bin/env bash
# Installs WordLlama's static sentence embeddings (the 256-dimension "l2_supercat" model, MIT
# licensed) for components/sentence_vectors.py, without a download from Hugging Face: the
# model's weights and tokenizer come inside the wordllama wheel on PyPI. Only those two files
# and the licence are kept, in $VENV/share/wordllama; the package itself is not installed (it
# asks for numpy>=2 and pydantic>=2, which Rasa 3.6 cannot have, and the coach needs none of
# its code).
set -euo pipefail
VENV=${1:-.venv}
PY="$VENV/bin/python"
DEST="$VENV/share/wordllama"
WHEEL_VERSION=0.4.0.post1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$PY" -m pip download --quiet --no-deps --dest "$out" "wordllama==$WHEEL_VERSION" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
mkdir -p "$DEST"
"$PY" - "$out" "$DEST" <<'PY'
import sys, zipfile
from pathlib import Path
out, dest = Path(sys.argv[1]), Path(sys.argv[2])
wanted = {
    "wordllama/weights/l2_supercat_256.safetensors": "l2_supercat_256.safetensors",
    "wordllama/tokenizers/l2_supercat_tokenizer_config.json": "l2_supercat_tokenizer.json",
}
(wheel,) = out.glob("wordllama-*.whl")
with zipfile.ZipFile(wheel) as zf:
    for name in zf.namelist():
        if name in wanted:
            (dest / wanted[name]).write_bytes(zf.read(name))
        elif name.endswith("licenses/LICENSE"):
            (dest / "LICENSE").write_bytes(zf.read(name))
missing = [f for f in list(wanted.values()) + ["LICENSE"] if not (dest / f).exists()]
if missing:
    sys.exit(f"install_sentence_vectors: {wheel.name} has no {', '.join(missing)}")
PY
echo "sentence vectors: $DEST ($WHEEL_VERSION)"
