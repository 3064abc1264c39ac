"""The App Home tab: the core's overview of the person (coachbot.platform.overview) as a Home
view, its sections between dividers."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import DividerBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from adapters.slack.blocks import mrkdwn, reply_blocks
from coachbot.conversation.engine import Conversation
from coachbot.conversation.vocabulary import Sender
from coachbot.platform.contract import overview

MAX_HOME_BLOCKS = 100


async def home_view(conversation: Conversation, sender: Sender) -> dict[str, Any]:
    replies = await overview(conversation, sender)
    if replies is None:
        text = MarkdownTextObject(text=mrkdwn(conversation.say.words("slack.j2", "home_stranger")))
        return View(type="home", blocks=[SectionBlock(text=text)]).to_dict()
    blocks: list[Any] = []
    for reply in replies:
        if blocks:
            blocks.append(DividerBlock())
        blocks.extend(reply_blocks(reply))
    # Home views hold 100 blocks: keep the first ones whole (what waits now comes first).
    return View(type="home", blocks=blocks[:MAX_HOME_BLOCKS]).to_dict()
