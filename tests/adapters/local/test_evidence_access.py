"""Only the teacher, the reviewers assigned to a submission and the district's admins see its
evidence: every role against every evidence-bearing command, in chat. Everyone else is told
politely; every look, and every refused one, is in the audit trail."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver, LocalPerson
from coachbot.composition import Services
from coachbot.storage.models import AuditEvent, Person, Review
from tests.helpers import ANA, BEN, DEE, FAY, GIL, SAM

STRANGER = "nobody@elsewhere.example"
SECRET = "zebra"  # a word only Ana's reflection holds
REFLECTION = (
    f"My students asked each other why, again and again. The {SECRET} question stems on the "
    "board gave the quiet ones a way in, and two groups argued about evidence."
)
EVERYONE = (ANA, BEN, FAY, GIL, SAM, DEE, STRANGER)
BANNED = re.compile(r"\b(fail(ed|ure)?|denied|reject(ed)?)\b", re.IGNORECASE)

Act = Callable[[LocalPerson, int, int], Awaitable[str]]
COMMANDS: dict[str, tuple[Act, set[str], str]] = {
    # name: (what the person does, who may, what only someone allowed is shown)
    "review N": (lambda p, r, _: p.command("review", str(r)), {ANA, FAY, DEE}, SECRET),
    "open button": (lambda p, r, _: p.press_value("open_review", str(r)), {ANA, FAY, DEE}, SECRET),
    "submit last hand-in": (
        lambda p, _, pid: p.press_value("submit_last", str(pid)),
        {ANA},
        "You've submitted",
    ),
    "evidence basket": (lambda p, _, pid: p.press_value("draft", str(pid)), {ANA}, "Evidence for"),
    "rubric self-check": (
        lambda p, _, pid: p.press_value("self_check", str(pid)),
        {ANA},
        "Self-check of",
    ),
}


async def views_by(services: Services, action: str) -> list[str]:
    async with services.db.read() as session:
        rows = await session.execute(
            select(Person.email)
            .join(AuditEvent, AuditEvent.actor_id == Person.id)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
        return list(rows.scalars())


@pytest.mark.parametrize("command", list(COMMANDS))
async def test_every_role_against_an_evidence_bearing_command(
    district: Services, command: str
) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", b"%PDF-1.4 lesson plan", "application/pdf")
    await ana.say("Classroom video: https://video.example.org/lesson-1")
    await ana.say(f"Reflection: {REFLECTION}")
    assert "for feedback" in await ana.command("send")
    async with district.db.read() as session:
        review = await session.scalar(select(Review))
        assert review is not None
        assigned = await session.scalar(select(Person.email).where(Person.id == review.reviewer_id))
    assert assigned == FAY  # the least loaded, first in the roster: the one the matrix names
    fay = room.as_(FAY)
    await fay.press("open_review")
    await fay.press("score")
    await fay.submit(
        {
            "score:Question design": "Proficient",
            "score:Student talk": "Proficient",
            "feedback": "Ok",
        }
    )
    act, allowed, shown = COMMANDS[command]
    # The owner goes last: submitting the last hand-in changes the pursuit for everyone else.
    for email in sorted(EVERYONE, key=lambda e: e == ANA):
        before_views = await views_by(district, "view_evidence")
        answer = await act(room.as_(email), review.id, review.pursuit_id)
        after_views = await views_by(district, "view_evidence")
        # Nobody holds an open review here (Fay returned hers): looking offers no scoring.
        assert "[Score and decide]" not in answer and "[Give feedback]" not in answer
        if email in allowed:
            assert shown in answer, (email, answer)
            if shown == SECRET:
                assert after_views[len(before_views) :] == [email], email
        else:
            assert SECRET not in answer and "Self-check" not in answer, (email, answer)
            assert "plan.pdf" not in answer, (email, answer)
            assert re.search(r"can't|is for|don't have you on my roster", answer), (email, answer)
            assert not BANNED.search(answer), answer
            assert after_views == before_views, email


async def test_refused_looks_are_recorded_too(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    await ana.say(f"Reflection: {REFLECTION}")
    await ana.command("send")
    async with district.db.read() as session:
        review_id = await session.scalar(select(Review.id))
    answer = await room.as_(GIL).press_value("open_review", str(review_id))
    assert "Sorry, you can't see this evidence here" in answer
    assert await views_by(district, "refused") == [GIL]  # the engine's rule refused it


async def test_a_reviewer_who_handed_off_no_longer_sees_the_evidence(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    await ana.say(f"Reflection: {REFLECTION}")
    await ana.command("send")
    fay = room.as_(FAY)
    await fay.press("open_review")
    first = fay.button("open_review").value
    await fay.press("hand_off")
    await fay.submit({"reason": "Gil coaches Ana's team"})
    assert SECRET not in await fay.press_value("open_review", first)
    assert SECRET in await room.as_(GIL).press("open_review")
