#!/usr/bin/env bash
# Runs the test conversations (tests/stories) and the held-out NLU set (tests/nlu) against the
# trained model. Fails on any wrong prediction in a conversation.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
MODEL=${MODEL:-models/coach.tar.gz}
rm -rf results/stories results/nlu  # no report of an earlier model is read as this one's
"$BIN/rasa" test core --model "$MODEL" --stories tests/stories --out results/stories \
  --fail-on-prediction-errors --no-plot
"$BIN/rasa" test nlu --model "$MODEL" --nlu tests/nlu --out results/nlu --no-plot
"$BIN/python" scripts/report_tests.py results
