"""The coach's own Rasa components (named in config.yml as `components.<module>.<class>`)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def code_fingerprint(module_file: str, *extra: str) -> str:
    """What a component's `fingerprint_addon` returns: a hash of its module's code (and `extra`).

    Rasa's training cache keys a component on its config and its input data only, so without
    this an edited component is restored from the cache as trained by the old code."""
    digest = hashlib.sha256(Path(module_file).read_bytes())
    for part in extra:
        digest.update(part.encode())
    return digest.hexdigest()
