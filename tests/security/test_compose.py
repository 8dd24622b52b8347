"""The Compose services: images pinned to supported versions, no secret with a default, the HTTP
API never started without a token source, a database role for each kind of service, Redis
behind a password."""

from __future__ import annotations

import re

import yaml

from tests.security.deployment_files import (
    DOCKERFILE,
    COMPOSE,
    POSTGRES_INIT,
    DEPLOY_ENDPOINTS,
    OLDEST_SUPPORTED,
    FULL_VERSION,
    SECRET_NAME,
    INTERPOLATION,
    instructions,
    compose,
    images,
    commands,
    rasa_servers,
    database_users,
)
from tests.servers import ROOT


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
        assert numbers[: len(oldest)] >= oldest, f"{where}: {image} is older than the supported {oldest}"


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


def test_each_kind_of_service_has_its_own_database_role_and_none_is_the_superuser():
    users = database_users()
    kinds = {
        "rasa": [n for n in rasa_servers()],
        "actions": [n for n, c in commands().items() if re.search(r"\bpython\s+-m\s+actions\b", c)],
        "loader": [n for n, c in commands().items() if "knowledge.loader" in c],
    }
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
        assert (
            compose()["services"][name]["environment"].get("REDIS_PASSWORD") == redis["environment"]["REDIS_PASSWORD"]
        ), name
