"""Handlers get capabilities, not the bundle: nothing in the conversation layer reaches the
database, the settings or the composition root (import-linter forbids the imports; this catches
an attribute reached through a service, such as ``turn.use.journey.db``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from coachbot.settings import REPO_ROOT

CONVERSATION = sorted((REPO_ROOT / "coachbot" / "conversation").rglob("*.py"))
INFRASTRUCTURE = {"db", "engine", "settings", "session"}


def reaches_infrastructure(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    return [
        f"{path.name}:{node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in INFRASTRUCTURE
    ]


@pytest.mark.parametrize("path", CONVERSATION, ids=lambda p: p.name)
def test_the_conversation_never_names_the_database_or_settings(path: Path) -> None:
    assert reaches_infrastructure(path) == []


def test_the_check_catches_a_handler_reaching_for_the_database(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("async def handler(turn):\n    await turn.use.journey.db.read()\n")
    assert reaches_infrastructure(sneaky) == ["sneaky.py:2: .db"]
