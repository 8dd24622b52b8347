"""The image builds from what it copies, keeps local data and secrets out of its context, and runs
as a user that is not root; every file the services run is in it."""

from __future__ import annotations

import re

from tests.security.deployment_files import (
    DOCKERFILE,
    DOCKERIGNORE,
    OWN_IMAGES,
    NEVER_IN_CONTEXT,
    repository_files,
    ignore_patterns,
    ignored,
    instructions,
    needed_by_shell,
    closure,
    build_steps,
    final_image,
    compose,
    commands,
)


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
    assert all(k not in ("RUN", "FROM") for k, _ in steps[position + 1 :]), "the last steps run as root"


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
