"""Every word a person reads comes from prompts/: handlers hold no user-facing text.

A string in handler code that reads like a sentence (letters and a space) fails this test, unless
it is a docstring, a log message, a regular expression or an identifier-like value.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from coachbot.settings import REPO_ROOT

CHECKED = [
    *sorted((REPO_ROOT / "coachbot" / "conversation").rglob("*.py")),
    *sorted((REPO_ROOT / "coachbot" / "platform").rglob("*.py")),
    REPO_ROOT / "adapters" / "local" / "demo.py",
    REPO_ROOT / "adapters" / "local" / "terminal.py",
    *(REPO_ROOT / "adapters" / "slack" / name
      for name in ("app.py", "blocks.py", "channel.py", "home.py", "inbound.py", "platform.py")),
    REPO_ROOT / "adapters" / "web" / "app.py",
]
SENTENCE = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")


def _allowed_parents(tree: ast.AST) -> set[int]:
    """Ids of string nodes that are docstrings, log messages or regex patterns."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                allowed.add(id(body[0].value))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(getattr(func, "value", None), "id", "")
            if owner in {"log", "logging", "logger", "re"} or name in {"compile", "getLogger"}:
                for arg in node.args:
                    for sub in ast.walk(arg):
                        allowed.add(id(sub))
    return allowed


def sentences_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    allowed = _allowed_parents(tree)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in allowed
            and SENTENCE.search(node.value)
        ):
            found.append(f"{path.name}:{node.lineno}: {node.value[:50]!r}")
    return found


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.name)
def test_handlers_hold_no_user_facing_text(path: Path) -> None:
    assert sentences_in(path) == []


def test_the_check_catches_a_sentence(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text('async def handler(turn):\n    await turn.reply("Your plan is saved")\n')
    assert sentences_in(sneaky) == ["sneaky.py:2: 'Your plan is saved'"]
