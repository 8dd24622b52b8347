"""The coach's channels (REST, Socket.IO, Slack) and what they share: request checks, sessions,
limits, the reading of documents. Loaded by the Rasa server from credentials.yml; nothing is done
on import (the Rasa extensions are installed by scripts/serve.py)."""
