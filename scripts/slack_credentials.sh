#!/usr/bin/env bash
# Prints credentials.yml with the Slack channel added when SLACK_BOT_TOKEN and
# SLACK_SIGNING_SECRET are both set (Rasa refuses an empty signing secret), and exits 1 when
# they are not. The secrets stay in the environment: Rasa expands ${VAR} in credentials files.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SLACK_BOT_TOKEN:-}" ] || [ -z "${SLACK_SIGNING_SECRET:-}" ]; then
  exit 1
fi
cat credentials.yml
cat <<'YAML'
# Slack: POST /webhooks/slack/webhook (Events API). Replies go in a thread under the message in
# channels, and straight into a direct message unless it was written in a thread.
channels.slack.CoachSlackInput:
  # Unquoted: Rasa expands ${VAR} in plain YAML values only.
  slack_token: ${SLACK_BOT_TOKEN}
  slack_signing_secret: ${SLACK_SIGNING_SECRET}
  use_threads: true
YAML
# The channel the coach also listens to without being mentioned (message.channels events).
if [ -n "${SLACK_CHANNEL:-}" ]; then
  echo '  slack_channel: ${SLACK_CHANNEL}'
fi
