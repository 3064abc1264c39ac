"""The App Home tab: a home for each role.

It opens with what the core answers to ``help`` (what waits for this person now, and only their
roles' commands), then the person's own status if they teach, their review queue if they
review, and the approvals and cohorts' progress if they lead: captured instead of sent, and
published as the person's Home view.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import DividerBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from adapters.slack.blocks import mrkdwn, reply_blocks
from coachbot.conversation.engine import Conversation
from coachbot.conversation.vocabulary import Command, Form, Reply, Sender
from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Role

MAX_HOME_BLOCKS = 100


class _Captured:
    def __init__(self) -> None:
        self.replies: list[Reply] = []

    async def reply(self, reply: Reply) -> None:
        self.replies.append(reply)

    async def open_form(self, form: Form) -> None:  # Home shows; it never opens forms
        return None


def _section(markup: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=mrkdwn(markup)))


async def home_view(conversation: Conversation, sender: Sender) -> dict[str, Any]:
    say = conversation.say
    try:
        me = await conversation.identify(sender)
    except NotFound:
        stranger = _section(say.words("slack.j2", "home_stranger"))
        return View(type="home", blocks=[stranger]).to_dict()
    names = {spec.name for spec in conversation.registry.available_to(me)}
    sections = [
        name
        for name, shown in (
            ("help", True),  # what waits now, and their own commands
            ("status", me.is_(Role.TEACHER)),  # their own credentials
            ("queue", me.is_(Role.FACILITATOR) or me.is_admin),  # reviews waiting
            ("approvals", me.is_admin),  # requests waiting for an approver
            ("progress", me.is_admin),  # the admin summary of cohorts
        )
        if shown and name in names
    ]
    blocks: list[Any] = []
    for section in sections:
        captured = _Captured()
        await conversation.handle(Command(sender, section), captured)
        for reply in captured.replies:
            if blocks:
                blocks.append(DividerBlock())
            blocks.extend(reply_blocks(reply))
    # Home views hold 100 blocks: keep the first ones whole (what waits now comes first).
    return View(type="home", blocks=blocks[:MAX_HOME_BLOCKS]).to_dict()
