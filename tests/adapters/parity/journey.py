"""One journey, played the same way on every platform, and the records it must leave behind.

Each platform's test gives the script a ``Seat`` per person (how that person types a command,
presses a button, fills in a form, sends a message or a file on that platform) and the script
plays: onboarding, choosing, planning, a draft with a file, a link and a reflection, feedback,
a formal submission, "not yet", a resubmission and the award. ``records`` then reads what the
journey left in the database, in words that do not depend on the platform (no ids, no
platform user ids), so that every platform must reach exactly the same record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.storage.models import (
    Award,
    CredentialRow,
    EvidencePartRow,
    EvidenceVersion,
    IssuedCredential,
    Person,
    Pursuit,
    Review,
)
from tests.helpers import ANA, FAY, GIL

PDF = b"%PDF-1.4 lesson plan"
REFLECTION = (
    "Reflection: my students asked each other why, again and again, and the quiet ones joined "
    "in once the questions were theirs, not mine."
)
SECOND_REFLECTION = (
    "Reflection: this time I recorded the student questions as well, so you can hear how they "
    "built on each other without waiting for me."
)


class Seat(Protocol):
    """One person on one platform, acting as a person does there."""

    async def command(self, text: str) -> None: ...
    async def press(self, action: str) -> None: ...
    async def submit(self, values: dict[str, str]) -> None: ...
    async def say(self, text: str) -> None: ...
    async def send_file(self, name: str, data: bytes, media_type: str) -> None: ...
    def everything(self) -> str: ...


async def play(seat: Callable[[str], Seat]) -> None:
    """The journey; asserts only what every platform shows alike (the words of the core)."""
    ana = seat(ANA)
    await ana.command("start")
    await ana.submit({"timezone": "America/Chicago", "open_to_questions": "yes"})
    assert "America/Chicago" in ana.everything()

    await ana.command("show c-one")
    await ana.press("choose")
    await ana.press("use_plan")
    assert "is saved" in ana.everything()

    await ana.send_file("plan.pdf", PDF, "application/pdf")
    await ana.say("Here's the video https://video.example.org/lesson-1")
    await ana.say(REFLECTION)
    assert "Everything is here" in ana.everything()
    await ana.press("send_draft")

    reviewer = next(seat(email) for email in (FAY, GIL) if "sent you a draft" in
                    seat(email).everything())
    await review(reviewer, {
        "score:Question design": "Developing", "score:Student talk": "Proficient",
        "strengths": "Great wait time.", "feedback": "Show the students' own questions.",
    })
    assert "Show the students' own questions." in ana.everything()

    await ana.command("submit")
    await ana.press("submit_last")
    await review(reviewer, {
        "score:Question design": "Developing", "score:Student talk": "Proficient",
        "decision": "not_yet", "feedback": "Add two student work samples.",
    })
    assert "not yet" in ana.everything()

    await ana.say(SECOND_REFLECTION)
    await ana.send_file("plan-v2.pdf", PDF + b" v2", "application/pdf")
    await ana.command("submit")
    await review(reviewer, {
        "score:Question design": "Proficient", "score:Student talk": "Exemplary",
        "decision": "earned", "strengths": "Students led the discussion.",
    })
    assert "You've earned" in ana.everything()


async def review(reviewer: Seat, values: dict[str, str]) -> None:
    """Open the review from its button, see the evidence, score it in the form."""
    await reviewer.press("open_review")
    assert "plan.pdf" in reviewer.everything()
    await reviewer.press("score")
    await reviewer.submit(values)


async def records(services: Services) -> dict[str, Any]:
    """What the journey left, named by emails, codes and numbers rather than ids."""
    async with services.db.read() as session:
        emails = dict((await session.execute(select(Person.id, Person.email))).all())
        codes = dict((await session.execute(select(CredentialRow.id, CredentialRow.code))).all())
        pursuits = (await session.execute(select(Pursuit).order_by(Pursuit.id))).scalars().all()
        versions = (await session.execute(
            select(EvidenceVersion).order_by(EvidenceVersion.pursuit_id, EvidenceVersion.number)
        )).scalars().all()
        numbers = {v.id: v.number for v in versions}
        parts = (await session.execute(
            select(EvidencePartRow).order_by(EvidencePartRow.version_id, EvidencePartRow.position)
        )).scalars().all()
        reviews = (await session.execute(select(Review).order_by(Review.id))).scalars().all()
        awards = (await session.execute(select(Award).order_by(Award.id))).scalars().all()
        issued = len((await session.execute(select(IssuedCredential.id))).all())
    return {
        "pursuits": [(emails[p.teacher_id], codes[p.credential_id], p.state, p.attempts)
                     for p in pursuits],
        "versions": [
            (v.number, v.kind, [
                (part.requirement, part.kind, part.file_name or part.url or part.text,
                 part.content_hash)
                for part in parts if part.version_id == v.id
            ])
            for v in versions
        ],
        "reviews": [(numbers[r.evidence_version_id], r.purpose, r.status, r.decision,
                     emails[r.reviewer_id], r.scores, r.strengths, r.feedback) for r in reviews],
        "awards": [(emails[a.teacher_id], codes[a.credential_id], a.hours, a.stipend_cents)
                   for a in awards],
        "issued_credentials": issued,
    }
