"""The shape of the project that a newcomer relies on: tests share helpers through conftest.py,
tests/servers.py and tests/samples.py, never by importing another test module."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_test_module_imports_another():
    offenders = [
        f"{path.relative_to(TESTS)} imports {module}"
        for path in TESTS.rglob("test_*.py")
        for module in imported_modules(path)
        if module.rsplit(".", 1)[-1].startswith("test_")
    ]
    assert not offenders, offenders
