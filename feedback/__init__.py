"""What users tell the coach, kept apart from the curated knowledge: the questions it could not
answer and the ratings of its answers (`store.py`), scrubbed of personal details first
(`redaction.py`). Curators read them with `python -m feedback` (`report.py`; `make unanswered`, `make ratings`)."""
