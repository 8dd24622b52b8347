#!/usr/bin/env bash
# Starts the Rasa server, and with "shell" talks to it in the terminal (scripts/shell.py, over its
# REST channel); Ctrl-C stops it. The custom actions run inside it (extensions/inprocess_actions.py);
# ACTIONS=server starts an action server beside it instead, as deploy/ does (each with its own
# database role).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
PORT=${PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
MODEL=${MODEL:-models/coach.tar.gz}
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::DeprecationWarning}
# Both servers listen on this machine only unless told otherwise.
export SANIC_HOST=${SANIC_HOST:-127.0.0.1}
INTERFACE=${INTERFACE:-127.0.0.1}
# The demo page (web/) and the origins whose pages may call the Rasa server (space or comma separated).
WEB_PORT=${WEB_PORT:-8080}
CORS_ORIGINS=${CORS_ORIGINS-http://localhost:$WEB_PORT}
read -ra cors_origins <<< "${CORS_ORIGINS//,/ }"
# The HTTP API (conversations, trackers, model) is off unless ENABLE_API=1, and then needs a token
# from RASA_API_TOKEN_FILE (a file only you can read) or RASA_API_TOKEN, never on a command line:
# scripts/serve.py checks them here, before anything starts.
"$BIN/python" scripts/serve.py --check || exit 2

ACTIONS=${ACTIONS:-inprocess}
export ACTIONS
# endpoints.yml names the action server on port 5055; another ACTIONS_PORT gets its own copy.
ENDPOINTS=endpoints.yml
if [ "$ACTIONS_PORT" != 5055 ]; then
  mkdir -p build
  ENDPOINTS=build/endpoints-$ACTIONS_PORT.yml
  sed "s|localhost:5055/webhook|localhost:$ACTIONS_PORT/webhook|" endpoints.yml > "$ENDPOINTS"
fi

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  echo "coach: stopped"
}
trap stop INT TERM EXIT

# Sanic drops a connection idle for 5 s; under load the Rasa server then sends an action call on
# a pooled connection that was just closed and the reply is lost. Keep them open longer.
if [ "$ACTIONS" = server ]; then
  SANIC_KEEP_ALIVE_TIMEOUT=${SANIC_KEEP_ALIVE_TIMEOUT:-120} \
    "$BIN/python" -m actions --port "$ACTIONS_PORT" --actions actions &
  pids+=($!)
  for _ in $(seq 1 120); do
    curl -sf "http://localhost:$ACTIONS_PORT/health" >/dev/null && break
    kill -0 "${pids[0]}" 2>/dev/null || { echo "coach: the action server failed to start" >&2; exit 1; }
    sleep 0.5
  done
fi

if [ "${1:-}" != shell ]; then
  "$BIN/python" -m http.server --bind 127.0.0.1 --directory web "$WEB_PORT" >/dev/null 2>&1 &
  sleep 0.5
  if kill -0 $! 2>/dev/null; then
    pids+=($!)
    echo "coach: the widget's demo page is on http://localhost:$WEB_PORT$([ "$PORT" = 5005 ] || echo "/?server=http://localhost:$PORT")"
  else
    echo "coach: could not serve the demo page on port $WEB_PORT (in use? set WEB_PORT)" >&2
  fi
fi

# Slack joins only when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are both set.
CREDENTIALS=credentials.yml
if mkdir -p build && scripts/slack_credentials.sh > build/credentials.yml; then
  CREDENTIALS=build/credentials.yml
  echo "coach: Slack events at http://localhost:$PORT/webhooks/slack/webhook"
fi

api=$([ "${ENABLE_API:-}" = 1 ] && echo "REST channel and HTTP API, with its token" || echo "REST channel; HTTP API off")
echo "coach: starting on http://localhost:$PORT ($api)"
echo "coach: try  curl -s localhost:$PORT/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"what is the median salary\"}'"
serve=("$BIN/python" scripts/serve.py --model "$MODEL" --interface "$INTERFACE" --port "$PORT"
       --endpoints "$ENDPOINTS" --credentials "$CREDENTIALS" --cors "${cors_origins[@]}")
if [ "${1:-}" = shell ]; then
  # The server's own output goes to a file, out of the conversation in the terminal.
  echo "coach: the server's log is build/shell-server.log"
  "${serve[@]}" >build/shell-server.log 2>&1 &
else
  "${serve[@]}" &
fi
pids+=($!)
if [ "${1:-}" = shell ]; then
  echo "coach: loading the model ..."
  for _ in $(seq 1 240); do
    curl -sf "http://localhost:$PORT/webhooks/rest/" >/dev/null && break
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "coach: the Rasa server failed to start" >&2; exit 1; }
    sleep 0.5
  done
  "$BIN/python" scripts/shell.py --port "$PORT"
  exit $?
fi
wait -n "${pids[@]}"
