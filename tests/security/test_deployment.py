"""The deployment read as Docker, Compose and nginx would read it (Docker is not needed): the
image builds from what it copies, runs as a user that is not root, keeps local data and secrets
out, pins supported images; no secret has a default; the HTTP API is never started without a
token source; each service has its own database role; Redis needs a password; nginx passes only
the channels and limits each client."""
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
NEVER_IN_CONTEXT = [".git/config", ".venv/bin/python", "build/conversations.db", "build/knowledge.db",
                    "models/coach.tar.gz", "results/crossval/report.json", "knowledge/copy.db",
                    ".env", "deploy/.env", "bench/results/run.json", "components/__pycache__/x.pyc"]
# What `rasa train` reads besides the files the Makefile lists as its inputs: Rasa's defaults.
RASA_TRAIN_DEFAULTS = ("config.yml", "domain.yml")
# Paths nginx may pass to the Rasa servers: the channels and one health path.
ALLOWED_LOCATIONS = {("", "/webhooks/"), ("", "/webhooks/slack/"), ("", "/socket.io/"), ("=", "/health")}
REFUSED = {"403", "404"}
# Body cap: every message the channels accept must fit (each character at most 12 bytes of JSON,
# "\ud83d\ude00"), and the cap must stay far below the 1 MB that once let megabytes of metadata in.
JSON_BYTES_PER_CHAR = 12
MAX_BODY_CAP = 256 * 1024


# --- the repository and the build context ----------------------------------------------------
@lru_cache(maxsize=1)
def repository_files() -> Tuple[str, ...]:
    """Every file a fresh clone has (tracked, or new and not ignored by git)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\n")
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
    assert destination.startswith((".", workdir)) or not destination.startswith("/"), \
        f"COPY to {destination}, outside {workdir}, is not followed by this test"
    destination = destination.replace(workdir, ".", 1).strip("/") if destination.startswith("/") else destination
    destination = "" if destination in (".", "./") else destination.rstrip("/")
    result = set()
    for source in sources:
        source = source.strip("/") if source not in (".", "./") else ""
        for path in context:
            if source == "" or path == source or path.startswith(source + "/"):
                inside = path if source == "" else (Path(path).name if path == source else path[len(source) + 1:])
                result.add(f"{destination}/{inside}".lstrip("/"))
        assert source == "" or any(p == source or p.startswith(source + "/") for p in context), \
            f"COPY {source}: not in the build context (missing, or left out by .dockerignore)"
    return result


def module_file(module: str, files: Set[str]) -> Optional[str]:
    base = module.replace(".", "/")
    return next((f for f in (f"{base}.py", f"{base}/__init__.py") if f in files), None)


def needed_by_python(path: str, files: Set[str]) -> Set[str]:
    """The project's modules a Python file imports (and their packages' __init__.py)."""
    needed = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text())):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
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
    listed = subprocess.run(["make", "-s", "--no-print-directory",
                             "--eval=print-training-inputs: ; @echo $(TRAINING_INPUTS)", "print-training-inputs"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    components = {step["name"].rsplit(".", 1)[0] for step in config.get("pipeline", []) + config.get("policies", [])
                  if "." in step["name"]}
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


def test_every_file_a_build_step_runs_or_reads_is_copied_before_it():
    steps = list(build_steps())
    assert steps, "the Dockerfile runs nothing"
    for command, needed, image in steps:
        missing = sorted(needed - image)
        assert not missing, f"RUN {command[:60]}... needs {missing}, not copied before it"


def test_the_build_context_leaves_out_local_data_and_secrets():
    assert DOCKERIGNORE.exists(), "no .dockerignore: .git, .venv and local databases go into the image"
    patterns = ignore_patterns(DOCKERIGNORE.read_text())
    sent = [path for path in NEVER_IN_CONTEXT if not ignored(path, patterns)]
    assert not sent, f"sent to the build: {sent}"


def test_the_image_runs_as_a_user_that_is_not_root():
    steps = instructions(DOCKERFILE.read_text())
    users = [(i, arguments) for i, (keyword, arguments) in enumerate(steps) if keyword == "USER"]
    assert users, "no USER: the servers run as root"
    position, user = users[-1]
    assert user.split(":")[0] not in ("root", "0"), user
    created = [a for k, a in steps[:position] if k == "RUN" and re.search(rf"\b(useradd|adduser)\b.*\b{user}\b", a)]
    assert created, f"USER {user} is never created"
    assert all(k not in ("RUN", "FROM") for k, _ in steps[position + 1:]), "the last steps run as root"


# --- images -------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def images() -> List[Tuple[str, str]]:
    """(where, image) for the Dockerfile's FROM and every Compose service."""
    found = [("Dockerfile", a.split()[0]) for k, a in instructions(DOCKERFILE.read_text()) if k == "FROM"]
    found += [(f"service {name}", service["image"]) for name, service in compose()["services"].items()
              if "image" in service and service["image"] not in OWN_IMAGES]
    return found


def test_every_image_is_pinned_to_a_full_supported_version():
    assert images()
    for where, image in images():
        name, _, tag = image.rpartition(":") if ":" in image else (image, "", "")
        version = FULL_VERSION.match(tag)
        assert version, f"{where}: {image} is not pinned to a full version (x.y.z)"
        numbers = tuple(int(n) for n in version.groups() if n is not None)
        if name == "postgres":
            assert len(numbers) == 2, f"{where}: {image}: PostgreSQL's full version is major.minor"
        else:
            assert len(numbers) == 3, f"{where}: {image}: pin major.minor.patch"
        oldest = OLDEST_SUPPORTED.get(name.rsplit("/", 1)[-1])
        assert oldest is not None, f"{where}: {image}: add its oldest supported line to OLDEST_SUPPORTED"
        assert numbers[:len(oldest)] >= oldest, f"{where}: {image} is older than the supported {oldest}"


# --- secrets ------------------------------------------------------------------------------------
def test_no_secret_has_a_default():
    text = COMPOSE.read_text()
    for name, operator, value in INTERPOLATION.findall(text):
        if SECRET_NAME.search(name):
            assert operator in (":?", "?"), f"${{{name}{operator}{value}}}: a secret must be required (:?)"
    for url in re.findall(r"\w+://[^\s\"']+", text):
        password = re.match(r"\w+://[^:/@]+:([^@]+)@", url)
        if password:
            assert password.group(1).startswith("${"), f"{url}: a password written in the file"
    for name, service in compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{\w+:\?[^}]*\}", str(value)), f"{name}: {key} must be ${{VAR:?}}"
    for keyword, arguments in instructions(DOCKERFILE.read_text()):
        if keyword in ("ENV", "ARG"):
            assert not SECRET_NAME.search(arguments), f"{keyword} {arguments}: a secret baked into the image"
    deploy_text = "\n".join(p.read_text() for p in (ROOT / "deploy").iterdir() if p.is_file())
    assert not re.search(r"(?i)password\W{1,4}coach\b|:coach@", deploy_text), "the old `coach` password"


def commands() -> Dict[str, str]:
    """Each service's command as one string."""
    found = {}
    for name, service in compose()["services"].items():
        command = service.get("command", "")
        found[name] = " ".join(command) if isinstance(command, list) else str(command)
    return found


def rasa_servers() -> List[str]:
    return [name for name, command in commands().items()
            if re.search(r"\brasa\s+run\b(?!\s+actions)|scripts/serve\.py", command)]


def test_the_http_api_never_starts_without_a_token_and_no_token_is_on_a_command_line():
    servers = rasa_servers()
    assert servers, "no Rasa server in the compose file"
    for name in servers:
        command = commands()[name]
        for option in ("--enable-api", "--auth-token", "--jwt-secret", "--jwt-private-key"):
            assert option not in command, f"{name}: {option} on the command line"
        environment = compose()["services"][name].get("environment") or {}
        if "rasa run" in command:
            continue  # without --enable-api Rasa serves no HTTP API
        assert "scripts/serve.py" in command
        if str(environment.get("ENABLE_API", "")) == "1":
            sources = [environment.get(k) for k in ("RASA_API_TOKEN_FILE", "RASA_API_TOKEN") if environment.get(k)]
            assert sources, f"{name}: ENABLE_API=1 without RASA_API_TOKEN_FILE or RASA_API_TOKEN"


def database_users() -> Dict[str, Set[str]]:
    """Each service's Postgres users, from the URLs in its environment."""
    users: Dict[str, Set[str]] = {}
    for name, service in compose()["services"].items():
        for value in (service.get("environment") or {}).values():
            for user in re.findall(r"postgres(?:ql)?(?:\+\w+)?://([^:@/]+)", str(value)):
                users.setdefault(name, set()).add(user)
    return users


def test_each_kind_of_service_has_its_own_database_role_and_none_is_the_superuser():
    users = database_users()
    kinds = {"rasa": [n for n in rasa_servers()],
             "actions": [n for n, c in commands().items() if re.search(r"\brasa\s+run\s+actions\b", c)],
             "loader": [n for n, c in commands().items() if "knowledge.loader" in c]}
    roles = {}
    for kind, names in kinds.items():
        assert names, f"no {kind} service"
        found = set().union(*(users.get(n, set()) for n in names))
        assert len(found) == 1, f"{kind} services use {found or 'no database'}"
        roles[kind] = found.pop()
    assert len(set(roles.values())) == len(roles), f"services share a role: {roles}"
    superuser = compose()["services"]["postgres"].get("environment", {}).get("POSTGRES_USER", "postgres")
    assert superuser not in roles.values(), "a service logs in as the superuser"
    created = set(re.findall(r"(?i)CREATE\s+ROLE\s+(\w+)", POSTGRES_INIT.read_text()))
    assert set(roles.values()) <= created, f"postgres-init.sql does not create {set(roles.values()) - created}"
    text = COMPOSE.read_text()
    others = [n for n, s in compose()["services"].items() if n != "postgres" and "POSTGRES_PASSWORD" in str(s)]
    assert not others and "POSTGRES_PASSWORD" in text, f"the superuser's password reaches {others}"


def test_redis_needs_a_password_and_the_rasa_servers_send_it():
    redis = compose()["services"]["redis"]
    command = commands()["redis"]
    assert "requirepass" in command, "redis runs without a password"
    assert "--requirepass" not in command, "the password on redis-server's command line"
    assert re.fullmatch(r"\$\{REDIS_PASSWORD:\?[^}]*\}", str(redis["environment"]["REDIS_PASSWORD"]))
    lock_store = yaml.safe_load(DEPLOY_ENDPOINTS.read_text())["lock_store"]
    assert lock_store.get("password") == "${REDIS_PASSWORD}"
    for name in rasa_servers():
        assert compose()["services"][name]["environment"].get("REDIS_PASSWORD") == \
            redis["environment"]["REDIS_PASSWORD"], name


def test_every_file_the_services_run_is_in_the_image():
    image, files = final_image(), set(repository_files())
    for name, command in commands().items():
        if compose()["services"][name].get("image") not in OWN_IMAGES:
            continue
        needed = closure(needed_by_shell(command, files), files)
        if re.search(r"rasa\s+run\s+actions\b.*--actions\s+(\w+)", command):
            package = re.search(r"--actions\s+(\w+)", command).group(1)
            needed |= closure({f for f in files if f.startswith(f"{package}/") and f.endswith(".py")}, files)
        missing = sorted(needed - image)
        assert not missing, f"service {name} runs {command!r}, which needs {missing}, not in the image"


# --- nginx --------------------------------------------------------------------------------------
def nginx_blocks(text: str) -> list:
    """nginx.conf as nested lists: [directive, arguments, children or None]."""
    tokens = re.findall(r'"[^"]*"|\'[^\']*\'|[{};]|[^\s{};#]+|#[^\n]*', text)
    tokens = [t for t in tokens if not t.startswith("#")]

    def parse(position: int) -> Tuple[list, int]:
        directives, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                directives.append([words[0], words[1:], None])
                words = []
            elif token == "{":
                children, position = parse(position)
                directives.append([words[0], words[1:], children])
                words = []
            elif token == "}":
                return directives, position
            else:
                words.append(token.strip("\"'"))
        return directives, position

    return parse(0)[0]


def find(blocks: list, name: str) -> list:
    return [b for b in blocks if b[0] == name]


def size(value: str) -> int:
    units = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].lower() in units else int(value)


def zone_name(arguments: List[str]) -> str:
    return next((a.split("=", 1)[1].split(":")[0] for a in arguments if a.startswith("zone=")), "")


def nginx_server() -> Tuple[list, list]:
    (http,) = find(nginx_blocks(NGINX_CONF.read_text()), "http")
    (server,) = find(http[2], "server")
    return http[2], server[2]


def test_nginx_passes_only_the_channels_and_a_health_path():
    _, server = nginx_server()
    passing, refusing = set(), set()
    for _, arguments, children in find(server, "location"):
        where = (arguments[0], arguments[1]) if len(arguments) == 2 else ("", arguments[0])
        if find(children, "proxy_pass") or find(children, "root") or find(children, "alias"):
            passing.add(where)
        elif any(r[1][:1] and r[1][0] in REFUSED for r in find(children, "return")):
            refusing.add(where)
    assert passing <= ALLOWED_LOCATIONS, f"nginx passes {passing - ALLOWED_LOCATIONS}"
    assert ("", "/") in refusing, "everything else must be refused by a `location / { return 404; }`"
    assert not find(server, "proxy_pass") and not find(server, "root"), "the server passes every path"


def test_nginx_limits_each_client_and_caps_the_body():
    from channels.guard import MAX_MESSAGE_CHARS

    http, server = nginx_server()
    zones = {kind: {zone_name(a) for _, a, _ in find(http, f"{kind}_zone") if a[0] == "$binary_remote_addr"}
             for kind in ("limit_req", "limit_conn")}
    assert zones["limit_req"] and zones["limit_conn"], "no per-client zone (keyed by the address)"
    for _, arguments, children in find(server, "location"):
        if not find(children, "proxy_pass"):
            continue
        # A location's own limit_req (or limit_conn) replaces all of the server's.
        requests = find(children, "limit_req") or find(server, "limit_req")
        connections = find(children, "limit_conn") or find(server, "limit_conn")
        assert any(zone_name(a) in zones["limit_req"] for _, a, _ in requests) and \
            any(a[0] in zones["limit_conn"] for _, a, _ in connections), \
            f"location {arguments}: no per-client limit_req and limit_conn"
    caps = [size(a[0]) for _, a, _ in find(server, "client_max_body_size") + find(http, "client_max_body_size")]
    assert caps, "no client_max_body_size (nginx's default is 1 MB)"
    assert MAX_MESSAGE_CHARS * JSON_BYTES_PER_CHAR <= caps[0] <= MAX_BODY_CAP, caps[0]
