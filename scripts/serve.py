"""Starts the Rasa server (`rasa run` with the given options) with its HTTP API off unless asked for.

    ENABLE_API=1 RASA_API_TOKEN_FILE=/run/secrets/rasa_api_token python scripts/serve.py --model ...

The HTTP API (`/conversations/...`, `/model`, `/status`) reads and changes every conversation and
loads models, so it is served only with ENABLE_API=1, and then only with a token. The token comes
from the file named by RASA_API_TOKEN_FILE (readable by its owner alone) or from RASA_API_TOKEN,
never from the command line: `rasa run --auth-token` would show it to anyone who runs `ps`. Callers
of the API add `?token=...`. `--check` only checks these settings (run.sh checks before starting
anything). Exit status 2 names the setting that is wrong.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Dict, List, Mapping, Optional

# Shorter tokens can be guessed by a client trying them against /status.
MIN_TOKEN_CHARS = 16
# Options that would put a secret on the command line, and the one the API is turned on with here.
SECRET_OPTIONS = ("--auth-token", "--jwt-secret", "--jwt-private-key", "--ssl-password")
API_OPTION = "--enable-api"
ON, OFF = "1", ("", "0")


class SettingError(Exception):
    """A setting that stops the server from starting, said in words."""


def read_token_file(path: str) -> str:
    """The token in `path`, refused when the file is not a regular file of this user's that only
    this user can read (the file is opened first and checked as opened, so it cannot be swapped)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        raise SettingError(f"RASA_API_TOKEN_FILE={path}: cannot open it ({error.strerror})") from None
    with os.fdopen(fd, encoding="utf-8") as token_file:
        found = os.fstat(token_file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise SettingError(f"RASA_API_TOKEN_FILE={path}: not a regular file")
        if found.st_uid != os.geteuid():
            raise SettingError(f"RASA_API_TOKEN_FILE={path}: owned by another user")
        if found.st_mode & 0o077:
            raise SettingError(
                f"RASA_API_TOKEN_FILE={path}: readable by others (mode {stat.S_IMODE(found.st_mode):04o}); chmod 600 it"
            )
        return token_file.read().strip()


def api_token(environ: Mapping[str, str]) -> Optional[str]:
    """The HTTP API's token when ENABLE_API=1, None when the API is off; SettingError otherwise."""
    enabled = environ.get("ENABLE_API", "")
    if enabled in OFF:
        return None
    if enabled != ON:
        raise SettingError(f"ENABLE_API={enabled!r}: set it to 1 (the HTTP API on) or 0 (off)")
    path, value = environ.get("RASA_API_TOKEN_FILE"), environ.get("RASA_API_TOKEN")
    if path and value:
        raise SettingError("RASA_API_TOKEN_FILE and RASA_API_TOKEN are both set; keep one")
    token = read_token_file(path) if path else (value or "")
    if len(token) < MIN_TOKEN_CHARS:
        raise SettingError(
            f"ENABLE_API=1 needs a token of at least {MIN_TOKEN_CHARS} characters in "
            "RASA_API_TOKEN_FILE (a file only you can read) or RASA_API_TOKEN "
            "(e.g. `openssl rand -hex 32`)"
        )
    return token


def refuse_secret_options(args: List[str]) -> None:
    for arg in args:
        option = arg.split("=", 1)[0]
        if option in SECRET_OPTIONS:
            raise SettingError(
                f"{option} puts a secret on the command line, where `ps` shows it; "
                "set RASA_API_TOKEN_FILE or RASA_API_TOKEN with ENABLE_API=1"
            )
        if option == API_OPTION:
            raise SettingError(f"{API_OPTION}: set ENABLE_API=1 instead (with a token)")


def model_option(args: List[str]) -> Optional[str]:
    """The model `rasa run ARGS` serves (--model PATH or -m PATH), None when not named."""
    for i, arg in enumerate(args):
        if arg in ("--model", "-m") and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--model="):
            return arg.split("=", 1)[1]
    return None


def without_tensorflow(args: List[str], environ: Mapping[str, str]) -> bool:
    """Serves the model without loading TensorFlow when none of its components runs it
    (extensions/without_tensorflow.py); SERVE_WITH_TENSORFLOW=1 keeps the real package."""
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from extensions import without_tensorflow as stand_in

    model = model_option(args)
    if environ.get("SERVE_WITH_TENSORFLOW") == ON or model is None or stand_in.needs_tensorflow(model):
        return False
    return stand_in.install()


def actions_mode(environ: Mapping[str, str]) -> str:
    """Where the custom actions run: "inprocess", in the Rasa server (extensions/inprocess_actions.py,
    the default), or "server", at the action server endpoints.yml's action_endpoint names."""
    choice = environ.get("ACTIONS", "inprocess")
    if choice not in ("inprocess", "server"):
        raise SettingError(f"ACTIONS={choice!r}: set it to inprocess (the default) or server")
    return choice


def project_importable() -> None:
    """The project's packages (extensions, actions) importable from this script."""
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)


def run_actions_here() -> None:
    project_importable()
    from extensions import inprocess_actions

    inprocess_actions.install()


def install_speedups() -> None:
    """Five of Rasa's per-message costs removed, each giving Rasa's own answer
    (extensions/speedups.py)."""
    project_importable()
    from extensions import speedups

    speedups.install()


def serve(args: List[str], token: Optional[str]) -> None:
    """`rasa run ARGS` as Rasa's command line runs it, with the API and its token set on the parsed
    options instead of on the command line."""
    import rasa.__main__
    import rasa.cli.run

    start = rasa.cli.run.run

    def run_with_api(options) -> None:
        options.enable_api, options.auth_token = token is not None, token
        start(options)

    # `rasa run` is dispatched to rasa.cli.run.run, looked up when the parser is built.
    rasa.cli.run.run = run_with_api
    sys.argv = ["rasa", "run", *args]
    rasa.__main__.main()


def main(args: List[str], environ: Dict[str, str]) -> int:
    check_only = args[:1] == ["--check"]
    try:
        refuse_secret_options(args)
        token = api_token(environ)
        actions = actions_mode(environ)
    except SettingError as error:
        print(f"serve: {error}", file=sys.stderr)
        return 2
    if check_only:
        return 0
    # Nothing the server starts needs the token; it stays in the server's memory only.
    environ.pop("RASA_API_TOKEN", None)
    if without_tensorflow(args, environ):
        print("serve: the model has no TensorFlow component; TensorFlow is not loaded", file=sys.stderr)
    install_speedups()
    if actions == "inprocess":
        run_actions_here()
        print("serve: the custom actions run in this process (ACTIONS=server for an action server)", file=sys.stderr)
    serve(args, token)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], os.environ))
