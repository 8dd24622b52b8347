"""`make ask`: one question from the shell, answered by a running coach or by one started for it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest

from tests.servers import ROOT, free_port, get

ASK = [sys.executable, str(ROOT / "scripts" / "ask.py")]


def ask(*args: str, port: int, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ASK, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PORT=str(port), **(env or {})),
    )


def test_with_no_coach_running_one_is_started_and_stopped(knowledge_url):
    """First in the file, before the shared servers start: two starting at once is slow."""
    port = free_port()
    done = ask("what is the RHIT", port=port, env={"KNOWLEDGE_DB_URL": knowledge_url})
    assert done.returncode == 0, done.stderr[:500] + done.stderr[-2000:]
    assert "RHIT" in done.stdout and "Source" in done.stdout
    started = re.search(rf"no coach on localhost:{port}; .* on ports (\d+) and (\d+)", done.stderr)
    assert started, done.stderr[-3000:]
    for started_port in started.groups():  # both servers were stopped
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", int(started_port)), timeout=2).close()


def test_a_running_coach_answers_with_a_source(servers):
    done = ask("what is the median salary", port=servers.rasa_port)
    assert done.returncode == 0, done.stderr
    assert "$47,190" in done.stdout and "Source:" in done.stdout
    assert "starting" not in done.stderr  # it used the running coach


def test_the_make_target_prints_the_reply(servers):
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            "models/coach.tar.gz",
            "-o",
            "build/knowledge.stamp",
            "ask",
            'Q=who runs the "RHIT" exam?',
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PORT=str(servers.rasa_port)),
    )
    assert done.returncode == 0, done.stderr
    assert "American Health Information Management Association" in done.stdout
    assert "scripts/ask.py" not in done.stdout  # only the reply, for scripts


def test_one_sender_keeps_one_conversation(servers):
    sender = "ask-test-conversation"
    ask("hello", "--sender", sender, port=servers.rasa_port)
    ask("what is the median salary", "--sender", sender, port=servers.rasa_port)
    status, body = get(f"{servers.coach.url}/conversations/{sender}/tracker")
    assert status == 200 and b"what is the median salary" in body and b'"hello"' in body


@pytest.mark.parametrize("question", ["", "   "])
def test_no_question_is_a_usage_error(question):
    done = ask(question, port=free_port())
    assert done.returncode == 2 and "usage" in done.stderr and not done.stdout


def test_odd_input_gets_a_reply(servers):
    for question in ["<script>alert(1)</script>", "x" * 5000, "¿Cuánto gana un técnico?"]:
        done = ask(question, port=servers.rasa_port)
        assert done.returncode == 0 and done.stdout.strip(), (question[:30], done.stderr)


def test_a_refused_request_exits_non_zero(servers):
    """A coach that answers with an error: here, the REST channel refusing an empty sender."""
    done = ask("what is the RHIT", "--sender", " ", port=servers.rasa_port)
    assert done.returncode == 1 and "400" in done.stderr and not done.stdout
