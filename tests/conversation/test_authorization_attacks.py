"""Issue 16's "Why", tried the way an attacker would: forged buttons, other people's numbers,
numbers that are not numbers, and the same email in two districts."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.conversation.vocabulary import ButtonPress, Command, Sender
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.storage.models import AuditEvent
from tests.conftest import FIXTURES
from tests.helpers import ANA, BEN, DEE, FAY, GIL, SAM, actor, planned, under_review

NOT_YOURS = "I couldn't find that"
INTERNAL = "something went wrong on my side"


async def _refusals(services: Services) -> list[AuditEvent]:
    async with services.db.read() as session:
        return list(await session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")))


async def test_extra_try_is_not_any_facilitators_and_not_before_the_last_not_yet(
    district: Services,
) -> None:
    room = LocalDriver(district)
    pursuit_id, _ = await under_review(district, ANA, FAY)  # no cohort, still under review
    fay = room.as_(FAY)
    said = await fay.press_value("extra_try", str(pursuit_id))
    # No cohort: the district admins decide, not any facilitator.
    assert "can't allow another try here: that's for their facilitator or an admin" in said
    forged = await fay.press_value("extra_try", f"{pursuit_id} OR 1=1")
    assert "older message" in forged and INTERNAL not in forged
    early = await room.as_(DEE).press_value("extra_try", str(pursuit_id))
    assert 'only be allowed after a "not yet"' in early
    refused = await _refusals(district)
    assert [(r.reason, r.subject_id) for r in refused][:1] == [
        ("not_cohort_facilitator_or_district_admin", pursuit_id)
    ]


async def test_progress_pressed_by_a_teacher_shows_nothing(district: Services) -> None:
    room = LocalDriver(district)
    said = await room.as_(ANA).press_value("progress", "")
    assert "is for district admins and facilitators and school admins" in said
    assert "stipend" not in said.lower()
    assert [r.reason for r in await _refusals(district)] == ["role"]


async def test_someone_elses_plan_cannot_be_opened_planned_or_asked_for(
    district: Services,
) -> None:
    room = LocalDriver(district)
    bens = await planned(district, BEN)
    ana = room.as_(ANA)
    for action, value in (
        ("edit_plan", str(bens)), ("plan_for", str(bens)), ("done", str(bens)),
        ("request_approval", str(bens)), ("change_deadline", f"{bens}|2026-12-01"),
        ("use_plan", f"{bens}|2026-12-01"),
    ):  # fmt: skip
        said = await ana.press_value(action, value)
        assert "can't change the plan here" in said or "can't ask for approval here" in said, action
        assert "Plan the lesson" not in said and not ana.mailbox.forms
    rows = await _refusals(district)
    assert len(rows) == 6 and {r.subject_id for r in rows} == {bens}
    assert {r.details["action"] for r in rows if r.details} >= {"edit_plan", "use_plan"}


async def test_calibration_stays_blind_until_the_scores_are_in(district: Services) -> None:
    room = LocalDriver(district)
    _, review_id = await under_review(district, ANA, FAY)
    from coachbot.services.reviews.reviewing import Decision
    from tests.helpers import PASSING

    await district.reviews.record(await actor(district, FAY), review_id, Decision.EARNED, PASSING)
    dee = room.as_(DEE)
    started = await dee.command("calibration", f"anchor {review_id}")
    assert INTERNAL not in started
    gil = room.as_(GIL)
    exercises = await gil.command("calibration")
    original = await gil.press_value("open_review", str(review_id))
    assert "your own blind review of this work is still open" in original, exercises
    assert "Ana" not in original
    typed = await gil.command("review", str(review_id))
    assert "your own blind review" in typed and "Ana" not in typed
    assert "blind" in [r.reason for r in await _refusals(district)]


async def test_a_replayed_approval_answers_only_its_own_sender(district: Services) -> None:
    room = LocalDriver(district)
    teacher = await actor(district, ANA)
    chosen = await district.choosing.choose(teacher, "C-TWO")
    if not chosen.needs_approval:
        return  # the small catalog's C-TWO needs none: nothing to replay
    ana = room.as_(ANA)
    await ana.press_value("request_approval", str(chosen.pursuit_id))
    await ana.submit({"alignment": "It serves our goals."})
    event = "same-event-id"
    sam, dee = room.as_(SAM), room.as_(DEE)
    first = await sam._send(ButtonPress(sam.sender, "approve", str(chosen.pursuit_id), event))
    assert "Approved" in first or "approved" in first
    second = await dee._send(ButtonPress(dee.sender, "approve", str(chosen.pursuit_id), event))
    assert "by Sam" in second or "Already approved" in second


async def test_numbers_that_are_not_numbers_get_words_not_errors(district: Services) -> None:
    room = LocalDriver(district)
    dee, fay = room.as_(DEE), room.as_(FAY)
    for person, command, args in (
        (dee, "approve", "²"), (dee, "approve", "1 OR 1=1"), (dee, "approve", str(2**70)),
        (fay, "review", "²"), (fay, "review", str(2**70)), (fay, "handoff", "² busy"),
        (dee, "calibration", "anchor ²"), (dee, "calibration", f"anchor {2**70}"),
        (room.as_(ANA), "join", "²"),
    ):  # fmt: skip
        said = await person.command(command, args)
        assert INTERNAL not in said and said, (command, args)
    for value in ("nan", "inf", "1e30", "-5", "²"):
        said = await dee.command("policy", f"set stipend_budget {value}")
        assert "from 0 to 100,000,000" in said, value
    for action, value in (
        ("evidence_message", "1"), ("retry_dead", "²"), ("retry_dead", str(2**70)),
        ("join", "²"), ("join", str(2**70)), ("open_review", "1 OR 1=1"),
    ):  # fmt: skip
        said = await dee.press_value(action, value)
        assert INTERNAL not in said and said, (action, value)


async def test_the_same_email_in_two_districts_is_never_guessed(district: Services) -> None:
    spec = dataclasses.replace(
        read_catalog(FIXTURES / "small_catalog.yaml"), slug="otherville", name="Otherville"
    )
    rows = read_roster(FIXTURES / "small_roster.csv", {s.code for s in spec.schools})
    mine = await planned(district, ANA)  # Ana's pursuit at home, before the second district
    await district.catalog.load(spec)
    await district.roster.load(
        "otherville", [dataclasses.replace(r, slack_id=None, discord_id=None) for r in rows]
    )
    room = LocalDriver(district)
    said = await room.as_(ANA).command("status")
    assert "more than one district" in said and "--district" in said
    home = Sender("local", ANA, district="testville")
    away = Sender("local", ANA, district="otherville")
    ana = room.as_(ANA)
    at_home = await ana._send(Command(home, "status", "", "e1"))
    assert "more than one district" not in at_home and INTERNAL not in at_home
    elsewhere = await ana._send(Command(away, "status", "", "e2"))
    assert "Plan the lesson" not in elsewhere
    stolen = await ana._send(ButtonPress(away, "edit_plan", str(mine), "e3"))
    assert NOT_YOURS in stolen and not ana.mailbox.forms
    mine_again = await ana._send(ButtonPress(home, "edit_plan", str(mine), "e4"))
    assert ana.mailbox.forms and INTERNAL not in mine_again


async def test_admins_see_the_attempts(district: Services) -> None:
    room = LocalDriver(district)
    bens = await planned(district, BEN)
    await room.as_(ANA).press_value("edit_plan", str(bens))
    said = await room.as_(DEE).command("attempts")
    assert "1 refused attempt" in said and "Ana Teacher" in said
    assert "isn't theirs" in said
    teacher = await room.as_(ANA).command("attempts")
    assert "district admin" in teacher
