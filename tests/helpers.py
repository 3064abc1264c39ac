"""Small helpers shared by tests: act as a roster person, make evidence, walk to a state."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

from aiohttp import web
from sqlalchemy import insert, select

from adapters.local.driver import LocalDriver, LocalPerson
from adapters.web.app import files_app
from coachbot.composition import Services, build_nudging
from coachbot.domain.catalog import PartKind
from coachbot.domain.evidence import EvidenceKind, EvidencePart
from coachbot.domain.journey import Move
from coachbot.domain.planning import Milestone
from coachbot.domain.roles import Actor
from coachbot.services.district.people import actor_by_email
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.models import (
    Award,
    CredentialRow,
    IssuedCredential,
    NudgeRow,
    Person,
)

ANA, BEN, CARA = "ana@testville.example", "ben@testville.example", "cara@testville.example"
FAY, GIL = "fay@testville.example", "gil@testville.example"
SAM, DEE = "sam@testville.example", "dee@testville.example"
PASSING = {"Question design": "Proficient", "Student talk": "Exemplary"}
BELOW = {"Question design": "Developing", "Student talk": "Proficient"}


async def actor(services: Services, email: str) -> Actor:
    async with services.db.read() as session:
        return await actor_by_email(session, email)


def c_one_evidence(version: int = 1) -> list[EvidencePart]:
    data = f"lesson plan v{version}".encode()
    return [
        EvidencePart(
            "Lesson plan",
            PartKind.FILE,
            file_name="plan.pdf",
            file_size=len(data),
            content_hash=hashlib.sha256(data).hexdigest(),
            media_type="application/pdf",
            content=data,
        ),
        EvidencePart("Classroom video", PartKind.LINK, url="https://video.example.org/v1"),
        EvidencePart("Reflection", PartKind.TEXT, text="Students asked each other why. " * 5),
    ]


async def planned(services: Services, email: str = ANA, code: str = "C-ONE") -> int:
    """Choose ``code`` as ``email`` and save a plan; returns the pursuit id (state planning)."""
    teacher = await actor(services, email)
    chosen = await services.choosing.choose(teacher, code)
    await services.journey.move(teacher, chosen.pursuit_id, Move.START_PLANNING)
    today = services.clock.now().date()
    await services.planning.save_plan(
        teacher,
        chosen.pursuit_id,
        today + timedelta(days=40),
        [
            Milestone("Plan the lesson", today + timedelta(days=7)),
            Milestone("Teach and record", today + timedelta(days=21)),
            Milestone("Submit", today + timedelta(days=40)),
        ],
    )
    return chosen.pursuit_id


async def submitted(services: Services, email: str = ANA) -> int:
    """Walk to a formal submission; returns the pursuit id (state submitted)."""
    pursuit_id = await planned(services, email)
    teacher = await actor(services, email)
    await services.journey.move(teacher, pursuit_id, Move.START_WORK)
    await services.evidence.hand_in(teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence())
    return pursuit_id


async def under_review(
    services: Services, email: str = ANA, reviewer: str = FAY
) -> tuple[int, int]:
    """Walk to an official review assigned to ``reviewer``; returns (pursuit id, review id)."""
    pursuit_id = await submitted(services, email)
    admin = await actor(services, DEE)
    person = await actor(services, reviewer)
    assert person.person_id is not None
    review_id = await services.reviews.assign(admin, pursuit_id, person.person_id)
    return pursuit_id, review_id


async def earn(services: Services, email: str = ANA, reviewer: str = FAY) -> int:
    pursuit_id, review_id = await under_review(services, email, reviewer)
    await services.reviews.record(
        await actor(services, reviewer), review_id, Decision.EARNED, PASSING
    )
    return pursuit_id


async def credential_link(services: Services, email: str, code: str | None = None) -> str:
    """The public id of ``email``'s issued credential (``code``'s, when they have several)."""
    query = (
        select(IssuedCredential.public_id)
        .join(Award, Award.id == IssuedCredential.award_id)
        .join(Person, Person.id == Award.teacher_id)
        .where(Person.email == email)
    )
    if code is not None:
        query = query.join(CredentialRow, CredentialRow.id == Award.credential_id).where(
            CredentialRow.code == code
        )
    async with services.db.read() as session:
        found = await session.scalar(query)
    assert found is not None
    return found


def days(n: int) -> timedelta:
    return timedelta(days=n)


def on(year: int, month: int, day: int) -> date:
    return date(year, month, day)


NEWS_MORNING = datetime(2026, 9, 15, 15, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Chicago


async def queue_news(services: Services, count: int, prefix: str = "news-") -> None:
    """``count`` ready "feedback ready" messages for Ana in the outbox (never stale, never
    capped), for tests of delivery itself."""
    async with services.db.write() as session:
        person = await session.scalar(select(Person).where(Person.email == ANA))
        assert person is not None
        await session.execute(
            insert(NudgeRow),
            [
                {
                    "key": f"{prefix}{i:03d}",
                    "district_id": person.district_id,
                    "person_id": person.id,
                    "kind": "feedback_ready",
                    "subject": f"news:{i}",
                    "priority": 100,
                    "due_at": NEWS_MORNING,
                    "deliver_at": NEWS_MORNING,
                    "status": "pending",
                    "attempts": 0,
                    "params": {"credential": "Questioning"},
                    "created_at": NEWS_MORNING,
                }
                for i in range(count)
            ],
        )


async def earn_with(
    services: Services,
    email: str,
    code: str,
    parts: list[EvidencePart],
    scores: dict[str, str],
    reviewer: str = FAY,
) -> int:
    """Choose ``code`` (no pre-approval), plan, work, submit ``parts`` and have ``reviewer``
    award it with ``scores``; returns the pursuit id."""
    teacher = await actor(services, email)
    chosen = await services.choosing.choose(teacher, code)
    await services.journey.move(teacher, chosen.pursuit_id, Move.START_PLANNING)
    due = services.clock.now().date() + timedelta(days=20)
    await services.planning.save_plan(teacher, chosen.pursuit_id, due, [Milestone("Do it", due)])
    await services.journey.move(teacher, chosen.pursuit_id, Move.START_WORK)
    await services.evidence.hand_in(teacher, chosen.pursuit_id, EvidenceKind.FORMAL, parts)
    judge = await actor(services, reviewer)
    review = await services.reviews.assign(
        await actor(services, DEE), chosen.pursuit_id, judge.person_id or 0
    )
    await services.reviews.record(judge, review, Decision.EARNED, scores)
    return chosen.pursuit_id


# A reflection long enough for the example catalogs' 20-word minimum, as a teacher would write it.
REFLECTION = (
    "Reflection: my students asked each other why, again and again, and the quiet ones joined "
    "in once the questions were theirs rather than mine."
)


async def not_yet_until_the_limit(services: Services, room: LocalDriver) -> tuple[int, list[str]]:
    """Ana, in cohort "Fall" (facilitated by Gil), submits C-ONE three times and Fay says "not
    yet" each time, the third using the district's last try. Returns the pursuit id and what
    Ana was told after each decision."""
    dee = room.as_(DEE)
    await dee.command("cohort", "new")
    await dee.submit({"name": "Fall", "starts": "2026-09-01", "ends": "2027-01-29"})
    await dee.command("cohort", f"add Fall: {ANA}")
    await dee.command("cohort", f"facilitator Fall: {GIL}")
    pursuit_id, review_id = await under_review(services, ANA, FAY)
    teacher, fay, admin = [await actor(services, e) for e in (ANA, FAY, DEE)]
    nudging = build_nudging(services, room)
    told = []
    for attempt in (1, 2, 3):
        if attempt > 1:
            await services.evidence.hand_in(
                teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence(attempt)
            )
            review_id = await services.reviews.assign(admin, pursuit_id, fay.person_id or 0)
        await services.reviews.record(
            fay, review_id, Decision.NOT_YET, BELOW, feedback=f"Change {attempt}."
        )
        await nudging.dispatcher.run_once()
        told.append(room.as_(ANA).last)
    return pursuit_id, told


@contextlib.asynccontextmanager
async def file_listener(services: Services, port: int = 0) -> AsyncIterator[str]:
    """The real file listener (adapters/web) on ``port`` (or a free one); yields its base URL."""
    runner = web.AppRunner(files_app(services))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def draft_sent(room: LocalDriver, pdf: bytes = b"%PDF-1.4 lesson plan") -> LocalPerson:
    """In chat, Ana chooses C-ONE, keeps the suggested plan and sends a whole draft (a lesson
    plan, a video link, a reflection) for feedback; returns Ana."""
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", pdf, "application/pdf")
    await ana.say("Here's the video https://video.example.org/lesson-1")
    await ana.say(REFLECTION)
    await ana.press("send_draft")
    return ana

