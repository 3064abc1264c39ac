"""Reaching more people than discord.py keeps private channels for (128): each person's DM is
opened once, through the real discord.py client against the fake Discord."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from coachbot.conversation.vocabulary import Reply, Text
from coachbot.importing.roster_reader import read_roster
from coachbot.storage.models import Person
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.harness import DiscordRoom, dm_channel

PEOPLE = 140  # more than discord.py's 128 private channels


async def test_a_second_message_to_someone_does_not_open_their_dm_again(
    room: DiscordRoom, fake: FakeDiscord, tmp_path: Path
) -> None:
    roster = tmp_path / "many.csv"
    roster.write_text("name,email,school,roles,timezone,slack_id,discord_id\n" + "".join(
        f"Teacher {n},t{n}@testville.example,NORTH,teacher,,,{330000000000000000 + n}\n"
        for n in range(PEOPLE)))
    await room.services.roster.load("testville", read_roster(roster, {"NORTH", "SOUTH"}))
    async with room.services.db.read() as session:
        people = list(await session.scalars(select(Person.id).where(
            Person.email.like("t%@testville.example")).order_by(Person.id)))
    assert len(people) == PEOPLE
    notifier = room.bot.notifier
    for person in people:
        # The bot's limiter counts each open and message toward Discord's 50 a second.
        room.services.clock.advance(timedelta(seconds=1))
        await notifier.to_person(person, Reply((Text("Your feedback is ready"),)))
    opens = len(fake.called("POST", "/users/@me/channels"))
    assert opens == PEOPLE  # one each

    room.services.clock.advance(timedelta(seconds=1))
    await notifier.to_person(people[0], Reply((Text("And another thing"),)))

    assert len(fake.called("POST", "/users/@me/channels")) == opens  # not opened again
    first = dm_channel(str(330000000000000000))
    posted = fake.called("POST", f"/channels/{first}/messages")
    assert [c.body["content"] for c in posted] == ["Your feedback is ready", "And another thing"]


async def test_the_limiter_counts_every_request_discord_counts(room: DiscordRoom) -> None:
    """Opening a DM and posting a message are two requests toward Discord's 50 a second, and
    the bot's limiter has both in its window; a known DM costs the message only."""
    async with room.services.db.read() as session:
        ana = await session.scalar(select(Person.id).where(Person.email == "ana@testville.example"))
    assert ana is not None
    limiter, notifier = room.bot.limiter, room.bot.notifier

    def free_slots() -> int:
        free = 0
        while limiter.take_global() == 0:
            free += 1
        room.services.clock.advance(timedelta(seconds=2))  # and the window empty again
        return free

    room.services.clock.advance(timedelta(seconds=2))
    await notifier.to_person(ana, Reply((Text("Your feedback is ready"),)))
    assert free_slots() == 48  # her DM opened, then the message
    await notifier.to_person(ana, Reply((Text("And another thing"),)))
    assert free_slots() == 49  # the message only
