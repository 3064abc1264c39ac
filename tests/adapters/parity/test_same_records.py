"""The same journey on every platform reaches the same records.

Each platform plays ``journey.play`` through its own door (the terminal's driver, Slack's signed
HTTP requests into the real bolt app against the fake Slack, Discord's gateway dispatches into
the real discord.py client against the fake Discord) and must leave exactly the record
below: the pursuit earned on its second formal try, the three versions with their parts, the
reviews with their scores and words, the award and its signed credential.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.platform.contract import Accounts
from coachbot.services.district.accounts import AccountLinks
from tests.adapters.discord.fake_discord import GUILD, FakeDiscord
from tests.adapters.discord.harness import DiscordRoom
from tests.adapters.parity.journey import PDF, REFLECTION, SECOND_REFLECTION, Seat, play, records
from tests.adapters.parity.seats import DiscordSeat, LocalSeat, SlackSeat
from tests.adapters.slack.fake_slack import TEAM, FakeSlack
from tests.adapters.slack.harness import SlackRoom
from tests.helpers import ANA, FAY, GIL

SLACK_IDS = {ANA: "U0ANA0001", FAY: "U0FAY0001", GIL: "U0GIL0001"}
DISCORD_IDS = {ANA: "310000000000000001", FAY: "310000000000000002", GIL: "310000000000000003"}


def expected(reviewer: str) -> dict[str, object]:
    first, second = hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PDF + b" v2").hexdigest()
    video = "https://video.example.org/lesson-1"
    draft_parts = [
        ("Lesson plan", "file", "plan.pdf", first),
        ("Classroom video", "link", video, None),
        ("Reflection", "text", REFLECTION.removeprefix("Reflection: "), None),
    ]
    return {
        "pursuits": [(ANA, "C-ONE", "earned", 2)],
        "versions": [
            (1, "draft", draft_parts),
            (2, "formal", draft_parts),
            (3, "formal", [  # in the order they came: the new reflection, the new file
                ("Reflection", "text", SECOND_REFLECTION.removeprefix("Reflection: "), None),
                ("Lesson plan", "file", "plan-v2.pdf", second),
                ("Classroom video", "link", video, None),
            ]),
        ],
        "reviews": [
            (1, "feedback", "completed", "feedback", reviewer,
             {"Question design": "Developing", "Student talk": "Proficient"},
             "Great wait time.", "Show the students' own questions."),
            (2, "official", "completed", "not_yet", reviewer,
             {"Question design": "Developing", "Student talk": "Proficient"},
             None, "Add two student work samples."),
            (3, "official", "completed", "earned", reviewer,
             {"Question design": "Proficient", "Student talk": "Exemplary"},
             "Students led the discussion.", None),
        ],
        "awards": [(ANA, "C-ONE", 4.0, 20_000)],  # 4 hours and $200
        "issued_credentials": 1,
    }


async def check(services: Services, seat: Callable[[str], Seat]) -> None:
    await play(seat)
    record = await records(services)
    reviewer = record["reviews"][0][4]
    assert reviewer in (FAY, GIL)
    assert record == expected(reviewer)


async def test_the_terminal_reaches_the_record(district: Services) -> None:
    driver = LocalDriver(district)
    await check(district, lambda email: LocalSeat(driver.as_(email)))


async def test_slack_reaches_the_same_record(district: Services) -> None:
    await Accounts(district, "slack").link_workspace(TEAM, None, match_by_email=True)
    fake = FakeSlack(emails={user: email for email, user in SLACK_IDS.items()})
    await fake.start()
    room = await SlackRoom(district, fake).start()
    try:
        await check(district, lambda email: SlackSeat(room, SLACK_IDS[email]))
    finally:
        await room.stop()
        await fake.stop()


async def test_discord_reaches_the_same_record(district: Services) -> None:
    linked = await Accounts(district, "discord").link_workspace(GUILD, None, match_by_email=False)
    links = AccountLinks(district.db, district.clock)
    for email, user in DISCORD_IDS.items():
        assert await links.link_by_email("discord", linked.district_id, email, user)
    fake = FakeDiscord()
    await fake.start()
    room = await DiscordRoom(district, fake).start()
    try:
        await check(district, lambda email: DiscordSeat(room, DISCORD_IDS[email]))
    finally:
        await room.stop()
        await fake.stop()
