"""knowledge/applications.yml, read once: what an application should show, and the checks' wording.

Shared by the channel that reads a pasted document (channels/documents.py) and the actions that
answer it (actions/documents.py), with the two names of the hand-over between them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

APPLICATIONS_FILE = Path(__file__).resolve().parent / "applications.yml"
# The message a read document becomes, and the metadata key that carries its findings.
CHECKED_INTENT = "document_checked"
METADATA_KEY = "document_check"


@lru_cache(maxsize=1)
def applications() -> Dict[str, Any]:
    return yaml.safe_load(APPLICATIONS_FILE.read_text(encoding="utf-8"))
