#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs the pinned dependencies and the spaCy model.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

find_python() {
  for candidate in "${PYTHON310:-}" python3.10 "$(pyenv root 2>/dev/null)/versions/3.10.13/bin/python" \
                   /root/.pyenv/versions/3.10.13/bin/python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "bootstrap: Python 3.10 not found; install 3.10.13 (pyenv install 3.10.13) or set PYTHON310" >&2
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  python=$(find_python)
  echo "bootstrap: creating $VENV with $python"
  "$python" -m venv "$VENV"
fi
# pip's notes about package folders it skips say nothing useful here.
quiet_pip() { "$VENV/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
quiet_pip install --quiet --upgrade "pip<25"
echo "bootstrap: installing pinned dependencies (a few minutes the first time)"
quiet_pip install --quiet -r requirements.txt -c constraints.txt

if ! "$VENV/bin/python" -c 'import en_core_web_md' 2>/dev/null; then
  scripts/install_spacy_model.sh "$VENV"
fi
if [ ! -f "$VENV/share/wordllama/l2_supercat_256.safetensors" ]; then
  scripts/install_sentence_vectors.sh "$VENV"
fi
if [ ! -f "$VENV/share/minilm/model.safetensors" ]; then
  scripts/install_sentence_encoder.sh "$VENV"
fi
if [ ! -f "$VENV/share/minilm/model.onnx" ] || [ ! -f "$VENV/share/minilm/model.int8.onnx" ]; then
  "$VENV/bin/python" -m components.minilm_onnx "$VENV/share/minilm"
fi
"$VENV/bin/python" -m pip check
