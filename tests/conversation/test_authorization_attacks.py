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
    chosen = await district.choosing.choose(teacher, "C-APPROVE")
    assert chosen.needs_approval
    ana = room.as_(ANA)
    await ana.press_value("request_approval", str(chosen.pursuit_id))
    await ana.submit({"alignment": "It serves our goals."})
    event = "same-event-id"
    sam, dee = room.as_(SAM), room.as_(DEE)
    first = await sam._send(ButtonPress(sam.sender, "approve", str(chosen.pursuit_id), event))
    assert "Approved" in first or "approved" in first
    second = await dee._send(ButtonPress(dee.sender, "approve", str(chosen.pursuit_id), event))
    assert "Already approved by Sam" in second, second


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


async def test_a_blind_second_reviewer_cannot_open_the_partners_review(
    district: Services,
) -> None:
    from coachbot.domain.evidence import EvidenceKind
    from coachbot.domain.journey import Move
    from coachbot.services.reviews.reviewing import Decision
    from coachbot.storage.models import Person, Review
    from tests.helpers import PASSING, c_one_evidence

    await district.policy.set(await actor(district, DEE), "calibration", "100%")
    pursuit_id = await planned(district, BEN)
    teacher = await actor(district, BEN)
    await district.journey.move(teacher, pursuit_id, Move.START_WORK)
    await district.evidence.hand_in(teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence())
    assert await district.reviews.route(pursuit_id) is not None
    async with district.db.read() as session:
        pair = list(
            await session.execute(
                select(Review.id, Person.email)
                .join(Person, Person.id == Review.reviewer_id)
                .where(Review.pursuit_id == pursuit_id)
                .order_by(Review.id)
            )
        )
    (first, first_reviewer), (second, second_reviewer) = pair
    room = LocalDriver(district)
    peeking = room.as_(second_reviewer)
    said = await peeking.press_value("open_review", str(first))
    assert "your own blind review of this work is still open" in said
    own = await peeking.press_value("open_review", str(second))
    assert "blind review" not in own and INTERNAL not in own
    # Once their own scores are in, the partner's review may be looked at.
    await district.reviews.record(
        await actor(district, second_reviewer), second, Decision.EARNED, PASSING
    )
    after = await peeking.press_value("open_review", str(first))
    assert "blind review" not in after and INTERNAL not in after
    assert first_reviewer != second_reviewer


async def test_a_school_admins_progress_counts_only_their_schools_teachers(
    district: Services,
) -> None:
    from datetime import timedelta

    from tests.helpers import CARA

    room = LocalDriver(district)
    dee = room.as_(DEE)
    await dee.command("cohort", "new")
    await dee.submit({"name": "Fall", "starts": "2026-09-01", "ends": "2027-01-29"})
    await dee.command("cohort", f"add Fall: {ANA}, {CARA}")
    await planned(district, ANA)  # North
    await planned(district, CARA)  # South
    district.clock.set(district.clock.now() + timedelta(days=20))  # both quiet by now
    everyone = await dee.command("progress")
    assert "*Fall*: 2 teachers" in everyone and "Cara Teacher" in everyone
    north = await room.as_(SAM).command("progress")  # Sam is North's school admin
    assert "*Fall*: 1 teacher," in north
    assert "Ana Teacher" in north and "Cara Teacher" not in north
    # ...and their home says the same: no other school's teacher among those gone quiet
    # (the trial found a school admin's "hi" naming every school's quiet teachers).
    home = await room.as_(SAM).command("help")
    assert "Ana Teacher" in home and "Cara Teacher" not in home
    assert "Cara Teacher" in await dee.command("help")
