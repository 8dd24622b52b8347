"""Throwaway PostgreSQL, Redis and nginx on free loopback ports, for the scale-out and fault tests.

Each runs from a temporary folder and is stopped by the test that started it; no system
service is touched. `scripts/ensure_services.sh` installs the programs when they are missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List, Optional

from tests.servers import ROOT, free_port

# PostgreSQL refuses to run as root; as root, it runs as this unprivileged user.
PG_USER = "postgres"


def _wait_for_port(port: int, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} is not listening on port {port} after {timeout:.0f}s")


def _program(name: str, *candidates: str) -> str:
    for path in [shutil.which(name), *candidates]:
        if path and os.access(path, os.X_OK):
            return path
    raise RuntimeError(f"{name} is not installed: run scripts/ensure_services.sh")


class Postgres:
    """A PostgreSQL cluster in a temporary folder, trusting local connections."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise RuntimeError("PostgreSQL is not installed: run scripts/ensure_services.sh")
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="coach-postgres-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            account = pwd.getpwnam(PG_USER)
            os.chown(self.dir, account.pw_uid, account.pw_gid)
            self._as_user: List[str] = ["runuser", "-u", PG_USER, "--"]
        else:
            self._as_user = []

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self._as_user, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir
        )

    def url(self, database: str) -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> "Postgres":
        if not self.data.exists():
            self._run(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", PG_USER, "--auth=trust", "-E", "UTF8", "--no-sync"
            )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "postgres.log"),
            "-w",
            "-t",
            "60",
            "start",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        )
        return self

    def create_database(self, name: str) -> None:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, name)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """A Redis server that keeps nothing on disk; with `password`, it needs that password (given
    on its standard input, as deploy/docker-compose.yml gives it)."""

    def __init__(self, password: str = "") -> None:
        self.program = _program("redis-server", "/usr/bin/redis-server")
        self.dir = Path(tempfile.mkdtemp(prefix="coach-redis-"))
        self.port = free_port()
        self.password = password
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "Redis":
        with open(self.dir / "redis.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    self.program,
                    "-",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.dir),
                ],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.process.stdin.write(f"requirepass {self.password}\n".encode() if self.password else b"")
            self.process.stdin.close()
        _wait_for_port(self.port, "redis")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Nginx:
    """nginx with the deployment's own deploy/nginx.conf, pointed at local replicas."""

    def __init__(self, replica_ports: List[int]) -> None:
        self.program = _program("nginx", "/usr/sbin/nginx")
        self.dir = Path(tempfile.mkdtemp(prefix="coach-nginx-"))
        self.dir.chmod(0o755)
        self.port = free_port()
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        for number, port in enumerate(replica_ports, start=1):
            conf = conf.replace(f"rasa-{number}:5005", f"127.0.0.1:{port}")
        replacements = {
            "listen 80;": f"listen 127.0.0.1:{self.port};",
            "pid /var/run/nginx.pid;": f"pid {self.dir}/nginx.pid;",
            "error_log /dev/stderr": f"error_log {self.dir}/error.log",
            "access_log /dev/stdout": f"access_log {self.dir}/access.log",
            "http {": "http {\n"
            + "".join(
                f"  {kind}_temp_path {self.dir}/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ),
        }
        for old, new in replacements.items():
            assert old in conf, f"deploy/nginx.conf no longer has {old!r}"
            conf = conf.replace(old, new)
        self.conf = self.dir / "nginx.conf"
        self.conf.write_text(conf)
        self.process: Optional[subprocess.Popen] = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> "Nginx":
        with open(self.dir / "nginx.out", "ab") as log:
            self.process = subprocess.Popen(
                [self.program, "-p", str(self.dir), "-c", str(self.conf), "-g", "daemon off;"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_for_port(self.port, "nginx")
        return self

    def log(self) -> str:
        path = self.dir / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def remove(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        shutil.rmtree(self.dir, ignore_errors=True)
