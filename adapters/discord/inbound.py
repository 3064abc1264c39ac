"""Discord payloads as the core's neutral events.

Discord's message text carries mentions and links in its own syntax (``<@123>``, ``<@&5>``,
``<#7>``, ``[label](https://real)``, ``<https://real>``). The core gets plain text: a masked link
becomes its real target (a label cannot disguise it), mentions become inert words.
"""

from __future__ import annotations

import hashlib
import logging
import re

import discord

from coachbot.conversation.vocabulary import Sender, SharedFile
from coachbot.domain.evidence import MAX_FILE_BYTES

log = logging.getLogger("coachbot.discord")
PLATFORM = "discord"  # the Sender.platform of Discord events, and the platform of its accounts
MAX_TEXT = 40_000  # anything longer is cut, never an error
HEAD_BYTES = 4096
MASKED_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?(https?://[^\s)>]+)>?\s*\)")
ANGLED_LINK = re.compile(r"<(https?://[^\s>]+)>")
MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")


def plain(text: str) -> str:
    """What the person meant to say, in plain words."""
    text = MASKED_LINK.sub(lambda m: m.group(2), text or "")
    text = ANGLED_LINK.sub(lambda m: m.group(1), text)
    text = MENTION.sub(lambda m: ("#" if m.group(1) == "#" else "@") + m.group(2), text)
    return text[:MAX_TEXT]


def sender(user_id: int | str) -> Sender:
    return Sender(PLATFORM, str(user_id))


async def fetch(attachment: discord.Attachment) -> SharedFile | None:
    """An attachment as the core sees it (past the largest file a teacher may hand in, without
    its content: the teacher is told), or None when it cannot be read."""
    content = b""
    if attachment.size <= MAX_FILE_BYTES:
        try:
            content = await attachment.read()
        except (discord.HTTPException, discord.NotFound) as exc:
            log.warning("could not fetch attachment %s: %s", attachment.id, exc)
            return None
    return SharedFile(
        name=attachment.filename,
        size=max(attachment.size, len(content)),
        media_type=attachment.content_type or "application/octet-stream",
        sha256=hashlib.sha256(content).hexdigest(),
        ref=str(attachment.id),
        head=content[:HEAD_BYTES],
        content=content if attachment.size <= MAX_FILE_BYTES else None,
    )
