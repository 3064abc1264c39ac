"""What people can throw at the bot through Discord, and what Discord can throw at it: hostile
text never becomes a live mention, a masked link or backwards text, and shows no error; a
teacher's press on a facilitator's button is refused politely; a dropped gateway loses no
interaction; Discord's 429s are waited out or handed to the core's outbox."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from adapters.discord.channel import DiscordNotifier
from coachbot.conversation.nudges import DELIVERING
from coachbot.conversation.vocabulary import Reply, Text
from coachbot.platform.contract import RateLimited
from coachbot.storage.models import Person
from tests.adapters.discord.conftest import ANA, BEN, FAY, GIL
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.harness import DiscordRoom, dm_channel

PDF = b"%PDF-1.4 lesson plan"
HOSTILE = ("Reflection: @everyone @here <@&1> <@2> <@!310000000000000004> <#700000000000000001> "
           "\u202eevil\u202c students talked to each other and built on their ideas all lesson "
           "long, again and again, and nobody waited for me to ask the next question. ")
MASKED = "Classroom video: [the video](https://video.example.org/not-what-it-says)"
LIVE = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>|(?<!\\)\[[^\]]*(?<!\\)\]\(")


def posts(fake: FakeDiscord) -> list[dict[str, object]]:
    return [c.body for c in fake.calls if c.method in ("POST", "PATCH") and "content" in c.body]


async def draft_sent(room: DiscordRoom, reflection: str,
                     link: str = "https://video.example.org/lesson-1") -> str:
    """Ana plans C-ONE, hands in her draft as DMs and sends it; who reviews it."""
    await room.command(ANA, "show", "c-one")
    await room.press(ANA, "choose")
    await room.press(ANA, "use_plan")
    await room.dm(ANA, "", [("plan.pdf", PDF, "application/pdf")])
    await room.dm(ANA, link)
    await room.dm(ANA, reflection)
    await room.press(ANA, "send_draft")
    return next(u for u in (FAY, GIL) if room.texts(u))


async def test_hostile_text_is_inert_everywhere_and_shows_no_error(
    room: DiscordRoom, fake: FakeDiscord
) -> None:
    await room.dm(ANA, (HOSTILE + MASKED) * 160)  # 40 KB
    assert len((HOSTILE + MASKED) * 160) > 40_000
    reviewer = await draft_sent(room, HOSTILE, MASKED)
    await room.press(reviewer, "open_review")
    assert "Reflection" in room.everything(reviewer)
    for body in posts(fake):
        content = str(body["content"])
        assert not LIVE.search(content), content[:300]
        assert "\u202e" not in content
        assert len(content) <= 2000
        assert body.get("allowed_mentions") == {"parse": []}
    for user in (ANA, reviewer):
        assert "went wrong" not in room.everything(user)
    # The masked link's real address is what the reviewer sees, never a label hiding it.
    assert "https://video.example.org/not-what-it-says" in room.everything(reviewer)


async def test_a_teacher_pressing_a_facilitators_button_is_refused_politely(
    room: DiscordRoom, fake: FakeDiscord
) -> None:
    reviewer = await draft_sent(room, "Reflection: the students asked each other why, again and "
                                      "again, and the quiet ones joined in at the end of the "
                                      "lesson, which they had never done before.")
    message, button = next((m, b) for m, b in room.buttons(reviewer)
                           if "|open_review|" in b["custom_id"])
    await room.press_component(BEN, message, button)
    refusal = room.last(BEN)
    assert "nothing was" in refusal.lower()
    assert "plan.pdf" not in room.everything(BEN)
    assert "went wrong" not in refusal


async def test_a_gateway_drop_mid_journey_loses_no_interaction(
    room: DiscordRoom, fake: FakeDiscord
) -> None:
    await room.command(ANA, "show", "c-one")
    await fake.drop()
    # Sent while the bot is away: Discord keeps it for the session and replays it on RESUME.
    shown = len(room.texts(ANA))
    helped = await room.command(ANA, "help")
    await room.dm(ANA, "status")
    assert fake.resumes == 1 and fake.identifies == 1  # resumed, not a new session
    assert room.callback(helped) is not None  # the interaction sent meanwhile was answered
    after = "\n".join(room.texts(ANA)[shown:])
    assert "status" in after  # help's answer
    assert "haven't chosen a credential yet" in after  # the DM's status
    await room.press(ANA, "choose")
    assert "Here's a plan" in room.everything(ANA)


async def test_a_short_429_is_waited_out_and_the_message_posted_once(
    room: DiscordRoom, fake: FakeDiscord
) -> None:
    await room.dm(ANA, "help")
    posted = len(fake.called("POST", f"/channels/{dm_channel(ANA)}/messages"))
    fake.answer_next(f"/channels/{dm_channel(ANA)}/messages", retry_after=0.05)
    await room.dm(ANA, "help")
    sends = fake.called("POST", f"/channels/{dm_channel(ANA)}/messages")[posted:]
    assert len(sends) >= 2  # the 429, then the same message again
    assert sends[0].body == sends[1].body
    assert "status" in room.everything(ANA)


async def test_a_long_429_goes_to_the_outbox_with_its_retry_after_and_a_nonce(
    room: DiscordRoom, fake: FakeDiscord
) -> None:
    async with room.services.db.read() as session:
        ana = await session.scalar(select(Person.id).where(Person.email == "ana@testville.example"))
    assert ana is not None
    notifier = DiscordNotifier(room.bot.client, room.bot.accounts)
    reply = Reply((Text("A reminder"),))
    fake.answer_next("/channels/", retry_after=120.0, is_global=True)
    token = DELIVERING.set("n42")
    try:
        with pytest.raises(RateLimited) as limited:
            await notifier.to_person(ana, reply)
        assert limited.value.retry_after == 120.0
        await notifier.to_person(ana, reply)  # the outbox's retry: the same nonce
    finally:
        DELIVERING.reset(token)
    sends = fake.called("POST", f"/channels/{dm_channel(ANA)}/messages")
    assert [s.body["nonce"] for s in sends] == ["n42.1", "n42.1"]
    assert all(s.body["enforce_nonce"] is True for s in sends)
