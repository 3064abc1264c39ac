"""Every button names an action someone answers: actions are declared once beside their
handler, every declared action is registered, and every button a semester shows works."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from adapters.local.demo import run_demo
from coachbot.conversation.authorization import OWN
from coachbot.conversation.handlers import build_registry
from coachbot.conversation.registry import Registry
from coachbot.conversation.vocabulary import Action, Buttons, Reply
from coachbot.settings import REPO_ROOT

CONVERSATION = REPO_ROOT / "coachbot" / "conversation"


def declared_actions() -> list[tuple[str, str]]:
    """Every ``NAME = Action("id")`` in the conversation layer: (id, where it is declared)."""
    found = []
    for path in sorted(CONVERSATION.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", "") == "Action"
                and node.value.args
                and isinstance(node.value.args[0], ast.Constant)
            ):
                found.append((str(node.value.args[0].value), f"{path.name}:{node.lineno}"))
    return found


def test_every_declared_action_is_registered_and_declared_once() -> None:
    declared = declared_actions()
    ids = [action for action, _ in declared]
    assert len(ids) == len(set(ids)), sorted(declared)
    assert set(ids) == set(build_registry().actions)


def test_a_second_handler_for_one_action_is_refused() -> None:
    registry = Registry()
    registry.action(Action("approve"), rule=OWN)(_nothing)
    with pytest.raises(ValueError, match="duplicate_action"):
        registry.action(Action("approve"), rule=OWN)(_nothing)


async def _nothing(turn: object, value: str) -> None:
    return None


def _buttons(replies: list[Reply]) -> list[tuple[str, str]]:
    return [
        (button.label, button.action_id)
        for reply in replies
        for block in reply.blocks
        if isinstance(block, Buttons)
        for button in block.buttons
    ]


def test_every_button_a_semester_shows_names_a_registered_action(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = run_demo(tmp_path / "demo.db", seed=5, weeks=8)
    capsys.readouterr()
    registered = set(build_registry().actions)
    shown = [
        pair
        for mailbox in demo.driver.mail.values()
        for pair in _buttons(mailbox.replies)
    ] + [pair for posts in demo.driver.channels.values() for pair in _buttons(posts)]
    assert len({action for _, action in shown}) >= 8  # a semester shows many kinds of button
    assert [pair for pair in shown if pair[1] not in registered] == []
