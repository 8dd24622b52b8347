"""The knowledge check runs when the actions start, never on import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_actions_package_queries_nothing():
    # Every module of the package, imported as the action server imports them, with a database
    # that cannot open: nothing is logged or queried until the check is called.
    code = (
        "import logging, sys; logging.basicConfig(level=logging.INFO, stream=sys.stdout)\n"
        "from rasa_sdk.executor import ActionExecutor\n"
        "ActionExecutor().register_package('actions')\n"
        "print('imported')\n"
        "from actions.knowledge_check import check_knowledge\n"
        "print('usable' if check_knowledge() else 'unusable')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "KNOWLEDGE_DB_URL": "sqlite:////nonexistent/dir/k.db"},
        timeout=120,
    )
    out = done.stdout
    assert "imported" in out and out.rstrip().endswith("unusable"), out + done.stderr
    before = out[: out.index("imported")]
    assert "knowledge:" not in before
    assert "knowledge:" in out[out.index("imported") :]


def test_the_action_server_entry_takes_rasa_sdks_arguments():
    done = subprocess.run([sys.executable, "-m", "actions", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "--actions" in done.stdout and "--port" in done.stdout
