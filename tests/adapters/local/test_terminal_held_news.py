"""News held for a school break reaches a teacher who opens her chat during it, and the admin
is told the truth about it.

Found in a trial: the admin revoked Priya's credential during the winter break; the notice was
held until the break ended. Priya opened her chat during the break and saw nothing ("While you
were away" covered only messages waiting for the chat), and the admin's `undelivered` said
every message had been delivered. Now she reads it when she opens the chat, the admin hears
when it goes, and `undelivered` lists it as held, not lost.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.domain.nudges import NudgeKind
from coachbot.importing.calendar_reader import Break
from coachbot.services.nudging import Dispatcher, Outgoing
from coachbot.services.record import outbox
from coachbot.storage.models import NudgeRow, Person
from tests.adapters.local.test_terminal_notices import REVOKED
from tests.adapters.local.test_terminal_trial import session
from tests.adapters.local.test_trial_five import _one_earned
from tests.helpers import ANA, DEE

BREAK = Break("Fall break", date(2026, 9, 7), date(2026, 9, 11))  # the test clock: Sep 8
GOES = "Monday, September 14 at"


async def _notice(district: Services) -> NudgeRow:
    async with district.db.read() as db:
        kind = NudgeKind.CREDENTIAL_REVOKED.value
        return (await db.scalars(select(NudgeRow).where(NudgeRow.kind == kind))).one()


async def test_a_revocation_held_for_a_break_is_read_when_she_opens_her_chat(
    district: Services,
) -> None:
    public_id = await _one_earned(district)
    await district.calendar.load("testville", [BREAK])
    dee = await session(
        district, DEE, [f"revoke {public_id} awarded in error", "yes", "undelivered", "/quit"]
    )
    assert "Revoked: *Questioning for Discourse* (Ana Teacher)" in dee
    # The admin hears when the notice goes, and undelivered says it is held, not lost.
    assert "It is quiet time for Ana Teacher now" in dee
    assert f"so the message goes to them on {GOES}" in dee
    assert "Every message has been delivered" not in dee
    assert "*1 message is held*, not lost" in dee
    assert (
        "- Ana Teacher: news that a credential of theirs was revoked, held for the school break"
        f" (Fall break), goes {GOES}"
    ) in dee
    for word in ("failed", "denied", "rejected"):
        assert word not in dee.split("undelivered", 1)[-1].lower()
    notice = await _notice(district)
    assert notice.status == "pending" and notice.deliver_at > district.clock.now()

    # She opens her chat the next day, still in the break: the news is there, first.
    district.clock.advance(timedelta(days=1))
    ana = await session(district, ANA, ["/quit"])
    assert ana.startswith("While you were away:\n")
    assert REVOKED in ana.split("Here's where you stand", 1)[0]
    notice = await _notice(district)
    assert notice.status == "sent"
    assert "While you were away" not in await session(district, ANA, ["/quit"])  # once
    after = await session(district, DEE, ["undelivered", "/quit"])
    assert "Every message has been delivered: nothing is waiting to be sent again." in after


async def test_opening_the_chat_does_not_bring_forward_what_is_not_due(
    district: Services,
) -> None:
    """A reminder planned for a later day, and a message waiting out a platform's retry, stay
    where they are; only news held for quiet hours or a break goes at once."""
    now = district.clock.now()
    async with district.db.write() as db:
        ana = (await db.scalars(select(Person).where(Person.email == ANA))).one()
        later = {"due_at": now + timedelta(days=7), "deliver_at": now + timedelta(days=7)}
        for key, kind, when, attempts in [
            ("planned", NudgeKind.MILESTONE_TODAY, later, 0),
            ("retrying", NudgeKind.HELD_MESSAGE, {"deliver_at": now + timedelta(hours=1)}, 2),
            ("held", NudgeKind.HELD_MESSAGE, {"deliver_at": now + timedelta(hours=20)}, 0),
        ]:
            outbox.queue(db, now, key=key, district_id=ana.district_id, person_id=ana.id,
                         kind=kind, subject=f"test:{key}", params={})  # fmt: skip
            await db.flush()
            row = (await db.scalars(select(NudgeRow).where(NudgeRow.key == key))).one()
            for column, value in {**when, "attempts": attempts}.items():
                setattr(row, column, value)
        person_id = ana.id
    sent: list[Outgoing] = []

    async def send(nudge: Outgoing) -> str:
        sent.append(nudge)
        return f"m{len(sent)}"

    await Dispatcher(district.db, district.clock, send).deliver_waiting(person_id)
    assert [n.key for n in sent] == ["held"]
    async with district.db.read() as db:
        left = dict((await db.execute(select(NudgeRow.key, NudgeRow.status))).all())
    assert left == {"planned": "pending", "retrying": "pending", "held": "sent"}
