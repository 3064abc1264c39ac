"""A person's overview, composed once for every platform (Slack's Home tab, Discord's /coach
home): what the core answers to ``help`` (what waits for them now, and only their roles'
commands), then their own status if they teach, their review queue if they review, and the
approvals and cohorts' progress if they lead, captured instead of sent, in that order."""

from __future__ import annotations

from coachbot.conversation.engine import Conversation
from coachbot.conversation.vocabulary import Command, Form, Reply, Sender
from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Role


class _Captured:
    """A channel that keeps what the conversation says, for the adapter to lay out."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []

    async def reply(self, reply: Reply) -> None:
        self.replies.append(reply)

    async def open_form(self, form: Form) -> None:  # an overview shows; it never opens forms
        return None


async def overview(conversation: Conversation, sender: Sender) -> list[Reply] | None:
    """The replies making up ``sender``'s overview (most urgent first), or None when the roster
    does not have them (the adapter says so in its own words)."""
    try:
        me = await conversation.identify(sender)
    except NotFound:
        return None
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
    captured = _Captured()
    for section in sections:
        await conversation.handle(Command(sender, section), captured)
    return captured.replies
