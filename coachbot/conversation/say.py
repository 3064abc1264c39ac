"""Turning prompts into reply blocks, so handlers never hold user-facing words themselves."""

from __future__ import annotations

from typing import Any

from coachbot.conversation.vocabulary import (
    Action,
    Block,
    Button,
    Buttons,
    Option,
    Reply,
    Style,
    Text,
    preview,
)
from coachbot.prompts import Prompts

LABELS = "labels.j2"


class Say:
    def __init__(self, prompts: Prompts) -> None:
        self.prompts = prompts

    def words(self, family: str, message: str, /, **params: Any) -> str:
        return self.prompts.render(family, message, p=params)

    def text(self, family: str, message: str, /, **params: Any) -> Text:
        return Text(self.words(family, message, **params))

    def label(self, name: str, /, **params: Any) -> str:
        return self.prompts.render(LABELS, name, p=params)

    def button(
        self,
        name: str,
        action: Action,
        value: object = "",
        /,
        *,
        primary: bool = False,
        means: str = "",
        **params: Any,
    ) -> Button:
        """A button labelled ``name`` that presses ``action`` with ``value`` (a typed ref from
        ``coachbot.conversation.refs``, or text); ``means`` "yes" or "no" when it answers a
        question, so a typed yes or no presses it too."""
        style = Style.PRIMARY if primary else Style.DEFAULT
        return Button(self.label(name, **params), action.id, str(value), style, means)

    def option(self, name: str, value: str, /, **params: Any) -> Option:
        return Option(self.label(name, **params), value)

    def reply(
        self,
        family: str,
        message: str,
        /,
        *,
        buttons: list[Button] | None = None,
        extra: list[Block] | None = None,
        **params: Any,
    ) -> Reply:
        first = self.text(family, message, **params)
        blocks: list[Block] = [first, *(extra or [])]
        if buttons:
            blocks.append(Buttons(tuple(buttons)))
        return Reply(tuple(blocks), summary=preview(first.markup))
