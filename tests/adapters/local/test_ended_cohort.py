"""A cohort after its window closed, as a trial met it in April: it is not offered for joining
(list, onboarding, a stale button or its name typed), and says when it closed and what to do
instead; a teacher still in it who chooses a credential hears that the window closed and whom
to ask, never a plan whose deadline could not be saved; a deadline typed for it is read back
with the window's dates; and a teacher who handed nothing in can leave it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.storage.models import AuditEvent, CohortMember, Pursuit, WorkPlan
from tests.helpers import ANA, BEN, DEE, actor, submitted

FALL = "Fall Group"
APRIL = datetime(2027, 4, 6, 14, 0, tzinfo=UTC)  # a Tuesday; Fall Group closed January 22
CLOSED = "Friday, January 22, 2027"


async def _fall_cohort(district: Services) -> int:
    """A cohort as the demo's: its own window, closing when it ends in January."""
    dee = await actor(district, DEE)
    return await district.cohorts.create(
        dee, FALL, date(2026, 9, 1), date(2027, 1, 22),
        window=(date(2026, 9, 8), date(2027, 1, 22)),
    )  # fmt: skip


async def _members(district: Services, email: str) -> int:
    person = await actor(district, email)
    async with district.db.read() as session:
        count = await session.scalar(
            select(func.count()).where(CohortMember.person_id == person.person_id)
        )
    return int(count or 0)


async def test_a_closed_cohort_is_not_offered_and_its_name_says_when_it_closed(
    district: Services,
) -> None:
    await _fall_cohort(district)
    room = LocalDriver(district)
    ana = room.as_(ANA)
    assert "Cohorts you can join: Fall Group" in await ana.command("join")
    district.clock.set(APRIL)

    listed = await ana.command("join")
    assert "There's no cohort open to you right now." in listed
    assert f"*Fall Group* closed on {CLOSED}." in listed
    assert "your district admin can give a closed one more time" in listed
    assert "say *catalog* to browse them" in listed  # the district's own window is open
    assert "Join Fall Group" not in listed

    by_name = await ana.command("join", FALL)
    assert by_name.startswith(f"*Fall Group* closed on {CLOSED}, so it can't take anyone new")
    assert "your district admin can give *Fall Group* more time" in by_name
    stale = await ana.press("join", labelled=FALL)  # the button shown in September
    assert f"closed on {CLOSED}" in stale and "Welcome to" not in stale
    assert await _members(district, ANA) == 0

    # Onboarding offers no "Join a cohort" while none is open; with one open, it does.
    await ana.command("start")
    done = await ana.submit({"timezone": "America/Chicago"})
    assert "Join a cohort" not in done and "none is open to join right now" in done
    dee = await actor(district, DEE)
    await district.cohorts.create(dee, "Spring Group", date(2027, 4, 1), date(2027, 6, 30))
    await ana.command("start")
    assert "Join a cohort" in await ana.submit({"timezone": "America/Chicago"})
    by_name = await ana.command("join", f"cohort {FALL}")
    assert "Cohorts open to join: Spring Group; type join and the cohort's name." in by_name
    assert "Welcome to *Spring Group*" in await ana.command("join", "spring group")


async def test_choosing_in_a_closed_cohort_says_so_instead_of_an_impossible_plan(
    district: Services,
) -> None:
    await _fall_cohort(district)
    room = LocalDriver(district)
    ana, dee = room.as_(ANA), room.as_(DEE)
    assert "Welcome to *Fall Group*" in await ana.command("join", FALL)
    district.clock.set(APRIL)

    chosen = await ana.command("choose", "C-ONE")
    assert (
        f"The submission window for *Questioning for Discourse* in *Fall Group* closed on {CLOSED}"
    ) in chosen
    assert "Ask your district admin for more time: they can extend the cohort's window." in chosen
    assert "leave cohort Fall Group" in chosen and "on your own" in chosen
    assert "Here's a plan" not in chosen and "Use this plan" not in chosen
    assert "latest date" not in chosen

    later = await ana.command("deadline", "in 3 weeks")
    assert "I read \"in 3 weeks\" as Tuesday, April 27, 2027. The submission window" in later
    jan = await ana.command("deadline", "Jan 20")
    assert (
        'I read "Jan 20" as Thursday, January 20, 2028; Wednesday, January 20, 2027 was inside '
        "the window, but it has passed."
    ) in jan
    assert "outside the submission window" not in jan + later
    async with district.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(WorkPlan)) == 0

    # The admin gives the cohort more time: a plan inside the new window, and it is saved.
    await dee.command("extend", "cohort Fall Group until June 11 because snow days")
    proposed = await ana.command("plan")
    assert "Here's a plan for *Questioning for Discourse*, due *" in proposed
    assert "Your plan for *Questioning for Discourse* is saved" in await ana.press("use_plan")


async def test_a_plan_near_the_close_is_due_on_the_last_day_not_after_it(
    district: Services,
) -> None:
    await _fall_cohort(district)
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("join", FALL)
    district.clock.set(datetime(2027, 1, 19, 14, 0, tzinfo=UTC))  # three days before it closes
    chosen = await ana.command("choose", "C-ONE")
    assert f"due *{CLOSED}*" in chosen
    assert "Your plan for *Questioning for Discourse* is saved" in await ana.press("use_plan")


async def test_an_open_cohort_is_preferred_for_a_new_credential(district: Services) -> None:
    """In a closed cohort and an open one: a new credential goes in the open one, even if the
    closed one was joined last."""
    await _fall_cohort(district)
    dee = await actor(district, DEE)
    await district.cohorts.create(dee, "Year Group", date(2026, 9, 1), date(2027, 6, 30))
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("join", "Year Group")
    district.clock.advance(timedelta(days=1))
    await ana.command("join", FALL)
    district.clock.set(APRIL)
    chosen = await ana.command("choose", "C-ONE")
    assert "Here's a plan for *Questioning for Discourse*" in chosen and "closed on" not in chosen
    assert "Your plan for *Questioning for Discourse* is saved" in await ana.press("use_plan")


async def test_leaving_a_cohort_with_nothing_handed_in_keeps_the_work_and_is_recorded(
    district: Services,
) -> None:
    await _fall_cohort(district)
    room = LocalDriver(district)
    ana, ben = room.as_(ANA), room.as_(BEN)
    await ana.command("join", FALL)
    await ben.command("join", FALL)
    await submitted(district, BEN)  # Ben handed work in for the cohort
    district.clock.set(APRIL)
    await ana.command("choose", "C-ONE")

    how = await ana.say("leave cohort")
    assert "You're in: Fall Group. To leave one, type leave cohort and its name" in how
    assert await _members(district, ANA) == 1
    assert "You're not in \"Nowhere\"" in await ana.say("leave cohort Nowhere")

    left = await ana.say("leave cohort Fall Group")
    assert left.startswith("You've left *Fall Group*; it's in the record.")
    assert "Your 1 credential in it carries on outside any cohort" in left
    assert "under the district's own submission window (to Friday, May 28, 2027)" in left
    assert await _members(district, ANA) == 0
    async with district.db.read() as session:
        pursuit = await session.scalar(select(Pursuit).where(Pursuit.state == "planning"))
        assert pursuit is not None and pursuit.cohort_id is None
        audit = await session.scalar(select(AuditEvent).where(AuditEvent.action == "leave"))
        assert audit is not None and audit.subject_type == "cohort"
    # On her own, the district's window (to May 28) leaves time for a plan.
    assert "Here's a plan for *Questioning for Discourse*" in await ana.command("plan")
    assert "You're not in a cohort, so there's nothing to leave." in await ana.say("leave cohort")

    kept = await ben.say("leave cohort Fall Group")
    assert "You've handed work in for *Fall Group* (Questioning for Discourse)" in kept
    assert "Nothing was changed" in kept and "ask your district admin" in kept
    assert await _members(district, BEN) == 1
    # Nor is leaving suggested to him when the window he is in has closed.
    closed = await ben.command("choose", "C-TWO")
    assert f"closed on {CLOSED}" in closed and "leave cohort" not in closed
