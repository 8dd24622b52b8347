#!/usr/bin/env bash
# Installs WordLlama's static sentence embeddings (the 256-dimension "l2_supercat" model, MIT
# licensed) for components/sentence_vectors.py, without a download from Hugging Face: the
# model's weights and tokenizer come inside the wordllama wheel on PyPI. Only those two files
# and the licence are kept, in $VENV/share/wordllama; the package itself is not installed (it
# asks for numpy>=2 and pydantic>=2, which Rasa 3.6 cannot have, and the coach needs none of
# its code).
set -euo pipefail
VENV=${1:-.venv}
DEST="$VENV/share/wordllama"
WHEEL_VERSION=0.4.0.post1
"$(dirname "$0")/wheel_files.sh" "$VENV" "wordllama==$WHEEL_VERSION" "$DEST" \
  "wordllama/weights/l2_supercat_256.safetensors=l2_supercat_256.safetensors" \
  "wordllama/tokenizers/l2_supercat_tokenizer_config.json=l2_supercat_tokenizer.json" \
  "*licenses/LICENSE=LICENSE"
echo "sentence vectors: $DEST ($WHEEL_VERSION)"
