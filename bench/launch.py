"""Starts one bot for a benchmark: Redis (when it needs one), its action server (when it has
one) and the Rasa server, timing the start from process start to the first REST reply, and
reading each process's resident memory."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT = 900  # a busy machine can take minutes to load the model


RESULTS = ROOT / "bench" / "results"


def save(name: str, figures: Dict) -> Path:
    """Writes figures to bench/results/<name>.json (a folder git ignores)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def cpu_s(pid: int) -> float:
    """CPU time (user + system) one process has used so far, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> List[int]:
    """Direct child processes (Sanic's workers are children of the `rasa run` process)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def http_status(url: str, body: Optional[bytes] = None, timeout: float = 5) -> tuple:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, urllib.error.URLError):
        return 0, b""


@dataclass
class Bot:
    """What to start: the project folder, its model, and how to run it."""

    name: str
    project: Path
    model: Path
    first_message: str
    has_actions: bool = True
    workers: int = 1
    endpoints: Dict = field(default_factory=dict)
    env: Dict[str, str] = field(default_factory=dict)
    credentials: Optional[Path] = None


class Running:
    """A started bot; `stop()` ends every process it started, each by its own id."""

    def __init__(self, bot: Bot, work: Path):
        self.bot = bot
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self.processes: Dict[str, subprocess.Popen] = {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup: Dict[str, float] = {}
        self.env = dict(
            os.environ,
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            SANIC_HOST="127.0.0.1",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            PYTHONWARNINGS="ignore::DeprecationWarning",
            ENABLE_API="0",
            **bot.env,
        )
        # As scripts/run.sh: Sanic closes an idle connection after 5 s by default, and Rasa then
        # fails the next action call on that pooled connection (a lost reply under load).
        self.env.setdefault("SANIC_KEEP_ALIVE_TIMEOUT", "120")
        if bot.workers > 1:
            self.env["SANIC_WORKERS"] = str(bot.workers)

    # --- start --------------------------------------------------------------------------
    def start(self) -> "Running":
        endpoints = dict(self.bot.endpoints)
        if self.bot.workers > 1 or "redis" in json.dumps(endpoints):
            self._start_redis(endpoints)
        if self.bot.has_actions:
            actions_port = self.start_actions()
            # the bot's own action endpoint settings, at the bench's action server
            endpoints["action_endpoint"] = dict(
                endpoints.get("action_endpoint") or {}, url=f"http://127.0.0.1:{actions_port}/webhook"
            )
        endpoints_file = self.work / "endpoints.yml"
        endpoints_file.write_text(yaml.safe_dump(endpoints))
        # As `make run` starts it (scripts/serve.py: `rasa run` with the HTTP API off, and without
        # TensorFlow for a model that has no TensorFlow component); the stock bot's model has some.
        command = [
            str(BIN / "python"),
            str(ROOT / "scripts" / "serve.py"),
            "--model",
            str(self.bot.model),
            "--interface",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--endpoints",
            str(endpoints_file),
        ]
        if self.bot.credentials:
            command += ["--credentials", str(self.bot.credentials)]
        started = time.perf_counter()
        self._spawn("rasa", command)
        # The server answers HTTP only once the model is loaded (Rasa loads it before serving).
        self._wait(lambda: http_status(f"{self.url}/")[0] == 200, "rasa server")
        self.startup["listening_s"] = round(time.perf_counter() - started, 1)
        body = json.dumps({"sender": "bench-start", "message": self.bot.first_message}).encode()
        first_sent = time.perf_counter()
        self._wait(lambda: self._answers(body), "first reply")
        answered = time.perf_counter()
        self.startup["first_answer_s"] = round(answered - started, 1)
        self.startup["first_message_ms"] = round((answered - first_sent) * 1000)
        second_sent = time.perf_counter()
        self._answers(json.dumps({"sender": "bench-start-2", "message": self.bot.first_message}).encode())
        self.startup["second_message_ms"] = round((time.perf_counter() - second_sent) * 1000)
        return self

    def start_actions(self, port: int = 0) -> int:
        """Starts the action server and waits for its health check; returns its port."""
        port = port or free_port()
        started = time.perf_counter()
        self._spawn("actions", [str(BIN / "python"), "-m", "actions", "--port", str(port), "--actions", "actions"])
        self._wait(lambda: http_status(f"http://127.0.0.1:{port}/health")[0] == 200, "action server")
        self.startup["actions_ready_s"] = round(time.perf_counter() - started, 1)
        return port

    def _answers(self, body: bytes) -> bool:
        status, payload = http_status(f"{self.url}/webhooks/rest/webhook", body, timeout=60)
        return status == 200 and bool(json.loads(payload or b"[]"))

    def _start_redis(self, endpoints: Dict) -> None:
        server = shutil.which("redis-server")
        if not server:
            raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
        port = free_port()
        self._spawn("redis", [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        self._wait(lambda: _redis_ping(port), "redis")
        for key in ("lock_store", "tracker_store"):
            kind = str(endpoints.get(key, {}).get("type") or "")
            if kind == "redis" or "redis" in kind.rsplit(".", 1)[-1].lower():  # Rasa's or the coach's
                endpoints[key] = dict(endpoints[key], url="127.0.0.1", port=port)

    def _spawn(self, name: str, command: List[str]) -> None:
        with open(self.work / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                command, cwd=self.bot.project, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def _wait(self, check, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{what}: {name} exited with {process.returncode}; see {self.work / (name + '.log')}"
                    )
            if check():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{what}: not ready after {START_TIMEOUT} s; see {self.work}")

    # --- measure and stop ---------------------------------------------------------------
    def memory(self) -> Dict[str, float]:
        """RSS in MB of every process: the Rasa server, each Sanic worker, the action server."""
        figures = {}
        for name, process in self.processes.items():
            figures[name] = rss_mb(process.pid)
            for number, child in enumerate(children(process.pid), 1):
                figures[f"{name} worker {number}"] = rss_mb(child)
        return figures

    def cpu(self) -> Dict[str, float]:
        """CPU seconds used so far by the Rasa server (with its workers) and the action server."""
        figures = {}
        for name in ("rasa", "actions"):
            process = self.processes.get(name)
            if process is not None:
                figures[name] = cpu_s(process.pid) + sum(cpu_s(child) for child in children(process.pid))
        return figures

    def stop(self, names=("rasa", "actions", "redis")) -> None:
        for name in names:
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                continue
            workers = children(process.pid)
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            for worker in workers:  # Sanic stops its workers itself; this is for when it did not
                try:
                    os.kill(worker, 9)
                except OSError:
                    pass


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
