"""Quiet hours for the people a turn reaches: staff get the same nights as teachers.

A turn that tells someone else something (a reviewer that a draft is theirs, approvers that a
request waits, a facilitator that a teacher asks for help) goes through this notifier. In the
recipient's quiet hours the message is kept in the outbox, exactly as it would have been shown,
and the dispatcher delivers it at their morning; otherwise it goes at once, as before.
District channels are not people and have no nights: they pass straight through.

A platform that reaches a person only while they have the chat open (the terminal) says so with
``WaitsForChat``; the message is then kept in the outbox the same way, for when they open it.
"""

from __future__ import annotations

from typing import Any

from coachbot.conversation.turn import Notifier
from coachbot.conversation.vocabulary import (
    Block,
    Button,
    Buttons,
    Context,
    Fields,
    Menu,
    Option,
    Reply,
    Style,
    Text,
)
from coachbot.services.nudging import NightHold, WaitsForChat


class QuietHoursNotifier:
    def __init__(self, inner: Notifier, hold: NightHold) -> None:
        self.inner = inner
        self.hold = hold

    async def to_person(self, person_id: int, reply: Reply) -> str | None:
        if await self.hold.hold_if_quiet(person_id, {"reply": reply_to_json(reply)}):
            return None  # held for their morning: the dispatcher records its message id
        try:
            return await self.inner.to_person(person_id, reply)
        except WaitsForChat:  # they read it when they next open the chat
            await self.hold.keep_until_chat(person_id, {"reply": reply_to_json(reply)})
            return None

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        await self.inner.to_channel(district_id, channel, reply)


def reply_to_json(reply: Reply) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for block in reply.blocks:
        if isinstance(block, Text | Context):
            blocks.append({"type": type(block).__name__.lower(), "markup": block.markup})
        elif isinstance(block, Fields):
            blocks.append({"type": "fields", "pairs": [list(p) for p in block.pairs]})
        elif isinstance(block, Buttons):
            blocks.append({"type": "buttons", "buttons": [
                [b.label, b.action_id, b.value, b.style.value] for b in block.buttons
            ]})  # fmt: skip
        else:
            blocks.append({"type": "menu", "placeholder": block.placeholder,
                           "action_id": block.action_id,
                           "options": [[o.label, o.value] for o in block.options]})  # fmt: skip
    return {"blocks": blocks, "summary": reply.summary}


def reply_from_json(data: dict[str, Any]) -> Reply:
    blocks: list[Block] = []
    for block in data.get("blocks", []):
        kind = block.get("type")
        if kind == "text":
            blocks.append(Text(block["markup"]))
        elif kind == "context":
            blocks.append(Context(block["markup"]))
        elif kind == "fields":
            blocks.append(Fields(tuple((a, b) for a, b in block["pairs"])))
        elif kind == "buttons":
            blocks.append(Buttons(tuple(
                Button(label, action, value, Style(style))
                for label, action, value, style in block["buttons"]
            )))  # fmt: skip
        elif kind == "menu":
            options = tuple(Option(label, value) for label, value in block["options"])
            blocks.append(Menu(block["placeholder"], block["action_id"], options))
    return Reply(tuple(blocks), summary=str(data.get("summary", "")))
