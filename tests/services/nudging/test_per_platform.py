"""Each platform's dispatcher delivers only to its own people: with Slack and Discord served
from one process, the Discord dispatcher never claims a Slack-only teacher (and dead-letters
them as unreachable), nor Slack a Discord-only one; Slack also serves people with no platform
id yet, whom it finds by email."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from coachbot.composition import Services
from coachbot.services.district.accounts import AccountLinks
from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.outgoing import Outgoing
from coachbot.storage.models import NudgeRow, Person

WEEKDAY_MORNING = datetime(2026, 9, 15, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in Chicago
# On the small roster: Ana and Cara have Slack ids, Ben a Discord id, Sam none.
EMAILS = ("ana@testville.example", "ben@testville.example", "cara@testville.example",
          "sam@testville.example")


async def _queue(services: Services) -> dict[int, str]:
    async with services.db.write() as session:
        people = list(await session.scalars(select(Person).where(Person.email.in_(EMAILS))))
        await session.execute(insert(NudgeRow), [
            {"key": f"news-{p.id}", "district_id": p.district_id, "person_id": p.id,
             "kind": "feedback_ready", "subject": f"news:{p.id}", "priority": 100,
             "due_at": WEEKDAY_MORNING, "deliver_at": WEEKDAY_MORNING, "status": "pending",
             "attempts": 0, "params": {"credential": "Questioning"},
             "created_at": WEEKDAY_MORNING}
            for p in people])
    return {p.id: p.email.split("@")[0] for p in people}


async def test_each_platforms_dispatcher_reaches_only_its_own_people(district: Services) -> None:
    district.clock.set(WEEKDAY_MORNING)
    names = await _queue(district)
    ana = next(i for i, n in names.items() if n == "ana")
    await AccountLinks(district.db, district.clock).remember("discord", ana, "310000000000000001")
    reached: dict[str, list[str]] = {"slack": [], "discord": []}

    def platform(name: str):  # type: ignore[no-untyped-def]
        async def send(nudge: Outgoing) -> str:
            reached[name].append(names[nudge.person_id])
            return f"{name}-{nudge.key}"
        return send

    discord = Dispatcher(district.db, district.clock, platform("discord"), worker="d",
                         platform="discord")
    slack = Dispatcher(district.db, district.clock, platform("slack"), worker="s",
                       platform="slack", unlinked=True)
    await discord.run_once()
    await slack.run_once()
    # Ana is on both: the first dispatcher to come by reaches her, once.
    assert sorted(reached["discord"]) == ["ana", "ben"]
    assert sorted(reached["slack"]) == ["cara", "sam"]
    await discord.run_once()
    await slack.run_once()
    assert len(reached["discord"]) + len(reached["slack"]) == 4
