"""`make run` as a person starts it (scripts/run.sh): the coach answers over REST with its custom
actions inside the Rasa server and no action server beside it; ACTIONS=server starts one and
the answer is the same."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.error
from typing import Iterator

import pytest

from tests.servers import ROOT, Coach, free_port, get


def status(url: str) -> int:
    """The HTTP status at `url`, 0 when nothing listens there."""
    try:
        return get(url, timeout=2)[0]
    except (urllib.error.URLError, OSError):
        return 0


def started(tmp_path, knowledge_url: str, **env: str) -> Iterator[tuple]:
    ports = {"PORT": free_port(), "ACTIONS_PORT": free_port(), "WEB_PORT": free_port()}
    settings = dict(os.environ, KNOWLEDGE_DB_URL=knowledge_url, **{k: str(v) for k, v in ports.items()}, **env)
    for name in ("ENABLE_API", "RASA_API_TOKEN", "RASA_API_TOKEN_FILE"):
        settings.pop(name, None)
    log = open(tmp_path / "run.log", "w")
    process = subprocess.Popen(
        ["scripts/run.sh"], cwd=ROOT, env=settings, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    coach = Coach(ports["PORT"])
    try:
        deadline = time.monotonic() + 120
        while status(f"{coach.url}/") != 200:
            assert process.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the coach did not start within 120 s"
            time.sleep(0.5)
        yield coach, ports
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def default_run(tmp_path_factory, knowledge_url):
    yield from started(tmp_path_factory.mktemp("run"), knowledge_url)


def answers_the_median(coach: Coach) -> str:
    reply = coach.reply("what is the median salary")
    assert re.search(r"\$\d{2},\d{3}", reply) and "Source" in reply, reply
    return reply


def test_make_run_answers_with_the_actions_inside_the_rasa_server(default_run):
    coach, ports = default_run
    answers_the_median(coach)
    assert status(f"http://127.0.0.1:{ports['ACTIONS_PORT']}/health") == 0, "no action server runs"


def test_actions_server_starts_one_and_answers_the_same(tmp_path, knowledge_url, default_run):
    expected = answers_the_median(default_run[0])
    for coach, ports in started(tmp_path, knowledge_url, ACTIONS="server"):
        assert status(f"http://127.0.0.1:{ports['ACTIONS_PORT']}/health") == 200
        assert answers_the_median(coach) == expected
