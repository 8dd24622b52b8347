"""The deployment's files read as Docker, Compose and nginx would read them (Docker is not
needed), for the deployment tests: the build context, the image's build steps, the Compose
services, their commands and database roles."""

from __future__ import annotations

import ast
import re
import shlex
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import yaml

from tests.servers import ROOT

DOCKERFILE = ROOT / "deploy" / "Dockerfile"


DOCKERIGNORE = ROOT / ".dockerignore"


COMPOSE = ROOT / "deploy" / "docker-compose.yml"


NGINX_CONF = ROOT / "deploy" / "nginx.conf"


POSTGRES_INIT = ROOT / "deploy" / "postgres-init.sql"


DEPLOY_ENDPOINTS = ROOT / "deploy" / "endpoints.yml"


# The oldest release line of each image still supported by its project: nginx supports only its
# newest stable branch (1.28 since April 2025; 1.22 ended in 2023); PostgreSQL each major for five
# years (13 ended November 2025), and postgres-init.sql needs psql 15 (\getenv); Redis its two
# newest lines; Python 3.10 is the newest Rasa 3.6 runs on.
OLDEST_SUPPORTED = {"nginx": (1, 28), "postgres": (15,), "redis": (7, 2), "python": (3, 10)}


FULL_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:-[\w.-]+)?$")


# The images this project builds itself (not pulled).
OWN_IMAGES = {"coach"}


SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY$", re.IGNORECASE)


INTERPOLATION = re.compile(r"(?<!\$)\$\{(\w+)(:?[-?+]?)([^}]*)\}")


# Local data and secrets that must never reach the build context.
NEVER_IN_CONTEXT = [
    ".git/config",
    ".venv/bin/python",
    "build/conversations.db",
    "build/knowledge.db",
    "models/coach.tar.gz",
    "results/crossval/report.json",
    "knowledge/copy.db",
    ".env",
    "deploy/.env",
    "bench/results/run.json",
    "components/__pycache__/x.pyc",
]


# What `rasa train` reads besides the files the Makefile lists as its inputs: Rasa's defaults.
RASA_TRAIN_DEFAULTS = ("config.yml", "domain.yml")


# --- the repository and the build context ----------------------------------------------------
@lru_cache(maxsize=1)
def repository_files() -> Tuple[str, ...]:
    """Every file a fresh clone has (tracked, or new and not ignored by git)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return tuple(p for p in listed if p and (ROOT / p).is_file())


def ignore_patterns(text: str) -> List[Tuple[bool, re.Pattern]]:
    """.dockerignore's patterns as (negated, regex), in order (Docker: the last match wins)."""
    patterns = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        for part in re.split(r"(\*\*/?|\*|\?)", pattern):
            regex += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part))
        patterns.append((negated, re.compile(regex + "$")))
    return patterns


def ignored(path: str, patterns: List[Tuple[bool, re.Pattern]]) -> bool:
    """Whether Docker leaves `path` out of the context: it or a folder above it matches."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    verdict = False
    for negated, regex in patterns:
        if any(regex.match(prefix) for prefix in prefixes):
            verdict = not negated
    return verdict


def context_files() -> Set[str]:
    patterns = ignore_patterns(DOCKERIGNORE.read_text()) if DOCKERIGNORE.exists() else []
    return {p for p in repository_files() if not ignored(p, patterns)}


# --- the Dockerfile ----------------------------------------------------------------------------
def instructions(text: str) -> List[Tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    steps, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        keyword, _, arguments = current.strip().partition(" ")
        steps.append((keyword.upper(), arguments.strip()))
        current = ""
    return steps


def copied(arguments: str, context: Set[str], workdir: str) -> Set[str]:
    """The files a COPY puts in the image, as paths relative to the working folder."""
    words = [w for w in shlex.split(arguments) if not w.startswith("--")]
    *sources, destination = words
    assert destination.startswith((".", workdir)) or not destination.startswith("/"), (
        f"COPY to {destination}, outside {workdir}, is not followed by this test"
    )
    destination = destination.replace(workdir, ".", 1).strip("/") if destination.startswith("/") else destination
    destination = "" if destination in (".", "./") else destination.rstrip("/")
    result = set()
    for source in sources:
        source = source.strip("/") if source not in (".", "./") else ""
        for path in context:
            if source == "" or path == source or path.startswith(source + "/"):
                inside = path if source == "" else (Path(path).name if path == source else path[len(source) + 1 :])
                result.add(f"{destination}/{inside}".lstrip("/"))
        assert source == "" or any(p == source or p.startswith(source + "/") for p in context), (
            f"COPY {source}: not in the build context (missing, or left out by .dockerignore)"
        )
    return result


def module_file(module: str, files: Set[str]) -> Optional[str]:
    base = module.replace(".", "/")
    return next((f for f in (f"{base}.py", f"{base}/__init__.py") if f in files), None)


def needed_by_python(path: str, files: Set[str]) -> Set[str]:
    """The project's modules a Python file imports (and their packages' __init__.py)."""
    needed = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text())):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module]
            if isinstance(node, ast.ImportFrom) and node.module and not node.level
            else []
        )
        for name in names:
            parts = name.split(".")
            for n in range(1, len(parts) + 1):
                found = module_file(".".join(parts[:n]), files)
                if found:
                    needed.add(found)
    return needed


SHELL_PATH = re.compile(r"[\w./-]+")


# A bare name (no folder) counts as a project file only with these endings: a wheel member such
# as README.md in an install script is not one.
PLAIN_NAMES = (".txt", ".sh", ".py", ".yml")


PYTHON_MODULE = re.compile(r"-m\s+([\w.]+)")


def needed_by_shell(command: str, files: Set[str], folder: str = "") -> Set[str]:
    """The project's files a shell command or script runs or reads: paths (relative to the
    repository or to the script's folder, `$(dirname "$0")/...`), `-m module`, requirement lists and YAML settings."""
    needed = set()
    lines = [line for line in command.splitlines() if not line.lstrip().startswith("#")]
    text = "\n".join(lines)
    for token in SHELL_PATH.findall(text):
        token = token.strip("./") if token.startswith("./") else token
        for candidate in (token, f"{folder}/{token.lstrip('/')}" if folder else None):
            if candidate in files and ("/" in candidate or candidate.endswith(PLAIN_NAMES)):
                needed.add(candidate)
    for module in PYTHON_MODULE.findall(text):
        found = module_file(module, files)
        if found:
            needed.add(found)
    return needed


def closure(start: Set[str], files: Set[str]) -> Set[str]:
    """`start` and everything its scripts and modules run, read or import, transitively."""
    seen, todo = set(), list(start)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        if path.endswith(".sh"):
            todo += needed_by_shell((ROOT / path).read_text(), files, str(Path(path).parent))
        elif path.endswith(".py"):
            todo += needed_by_python(path, files)
    return seen


def training_inputs() -> Set[str]:
    """What `rasa train` reads: the Makefile's TRAINING_INPUTS, the config's own components."""
    listed = subprocess.run(
        [
            "make",
            "-s",
            "--no-print-directory",
            "--eval=print-training-inputs: ; @echo $(TRAINING_INPUTS)",
            "print-training-inputs",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    components = {
        step["name"].rsplit(".", 1)[0]
        for step in config.get("pipeline", []) + config.get("policies", [])
        if "." in step["name"]
    }
    files = set(repository_files())
    return {*listed, *RASA_TRAIN_DEFAULTS, *(module_file(c, files) for c in components)} - {None}


def needed_by_run(command: str, files: Set[str]) -> Set[str]:
    needed = needed_by_shell(command, files)
    if re.search(r"\brasa\s+train\b", command):
        needed |= training_inputs()
    return closure(needed, files)


def image_steps() -> Iterator[Tuple[str, str, Set[str]]]:
    """(INSTRUCTION, arguments, files in the image before it), then ("END", "", the final files)."""
    context = context_files()
    image, workdir = set(), "/"
    for keyword, arguments in [*instructions(DOCKERFILE.read_text()), ("END", "")]:
        yield keyword, arguments, set(image)
        if keyword == "WORKDIR":
            workdir = arguments
        elif keyword in ("COPY", "ADD"):
            image |= copied(arguments, context, workdir)


def build_steps() -> Iterator[Tuple[str, Set[str], Set[str]]]:
    """(RUN command, files it needs, files copied into the image before it)."""
    files = set(repository_files())
    for keyword, arguments, image in image_steps():
        if keyword == "RUN":
            yield arguments, needed_by_run(arguments, files), image


def final_image() -> Set[str]:
    return [image for keyword, _, image in image_steps() if keyword == "END"][0]


# --- images -------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def images() -> List[Tuple[str, str]]:
    """(where, image) for the Dockerfile's FROM and every Compose service."""
    found = [("Dockerfile", a.split()[0]) for k, a in instructions(DOCKERFILE.read_text()) if k == "FROM"]
    found += [
        (f"service {name}", service["image"])
        for name, service in compose()["services"].items()
        if "image" in service and service["image"] not in OWN_IMAGES
    ]
    return found


def commands() -> Dict[str, str]:
    """Each service's command as one string."""
    found = {}
    for name, service in compose()["services"].items():
        command = service.get("command", "")
        found[name] = " ".join(command) if isinstance(command, list) else str(command)
    return found


def rasa_servers() -> List[str]:
    return [
        name
        for name, command in commands().items()
        if re.search(r"\brasa\s+run\b(?!\s+actions)|scripts/serve\.py", command)
    ]


def database_users() -> Dict[str, Set[str]]:
    """Each service's Postgres users, from the URLs in its environment."""
    users: Dict[str, Set[str]] = {}
    for name, service in compose()["services"].items():
        for value in (service.get("environment") or {}).values():
            for user in re.findall(r"postgres(?:ql)?(?:\+\w+)?://([^:@/]+)", str(value)):
                users.setdefault(name, set()).add(user)
    return users
