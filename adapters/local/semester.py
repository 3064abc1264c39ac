"""The cast and the script of the demo semester: who does what, and when.

Each teacher follows a persona (steady, revises after "not yet", needs pre-approval, stalls),
with small seeded variations, so the same seed always plays the same semester. Every step is a
real chat turn through the local driver; nothing is printed that did not happen.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from adapters.local.driver import LocalPerson
from coachbot.composition import Services
from coachbot.domain.catalog import Credential, PartKind, Requirement
from coachbot.domain.nudges import NudgeKind
from coachbot.storage.models import NudgeRow, Person, Pursuit, Review

Teacher_ = aliased(Person)

Step = Callable[[], Awaitable[str]]
PERSONAS = (
    "steady",
    "revises",
    "steady",
    "approval",
    "revises",
    "stalls",
    "steady",
    "late",
    "revises",
    "stalls",
)
# What the simulated people type: the cohort an admin creates, a request for approval, and a
# facilitator's comments.
COHORT_NAME = "Fall 2026 Performance Assessment"
ALIGNMENT = (
    "Student-led conferences serve our goal of student voice and bring families into "
    "their children's learning."
)
STRENGTHS = "Clear task and strong student work samples."
VIDEO_SITE = "https://video.lakeview-schools.org"
FEEDBACK = "Show how students used the criteria to revise: add one more sample."
PEER_WORKS = "The task feels real to students."
PEER_COMMENT = "I'd love to see one student's revision next to the first try."
REFLECTIONS = (
    "My students explained their reasoning to a partner before writing, and the exit tickets "
    "showed most of them could justify an answer with evidence from the task.",
    "The success criteria made the difference: students checked their drafts against them and "
    "revised without me asking. Next time I will model one example first.",
    "Three students who rarely speak led their group's presentation. I want to understand what "
    "in the task design made that possible, and try it again next unit.",
)


@dataclass(order=True)
class Act:
    when: datetime
    order: int
    who: str = field(compare=False)
    what: str = field(compare=False)
    step: Step = field(compare=False)


@dataclass
class Teacher:
    person: LocalPerson
    name: str
    persona: str
    credential: Credential
    attempts: int = 0


class Script:
    """A queue of acts in time order; acts may schedule the acts that follow them."""

    def __init__(self, timezone: str, rng: random.Random) -> None:
        self.zone = ZoneInfo(timezone)
        self.rng = rng
        self.acts: list[Act] = []
        self.count = 0

    def school_time(self, day: date, hour: int, minute: int = 0) -> datetime:
        """``day`` at a school-day hour, moved past any weekend, in UTC."""
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return datetime.combine(day, time(hour, minute), self.zone).astimezone(UTC)

    def later(self, after: datetime, days: int, hour: int | None = None) -> datetime:
        local = after.astimezone(self.zone)
        hour = hour if hour is not None else self.rng.choice((8, 9, 10, 13, 14, 15))
        return self.school_time(
            local.date() + timedelta(days=days), hour, self.rng.choice((0, 15, 30, 45))
        )

    def at(self, when: datetime, who: str, what: str, step: Step) -> None:
        self.count += 1
        heapq.heappush(self.acts, Act(when, self.count, who, what, step))

    def next(self) -> Act | None:
        return heapq.heappop(self.acts) if self.acts else None


def evidence_steps(teacher: Teacher, attempt: int) -> list[tuple[str, Step]]:
    """The messages a teacher sends to hand in every part of the credential's evidence."""
    steps: list[tuple[str, Step]] = []
    person = teacher.person
    for requirement in teacher.credential.requirements:
        if requirement.kind is PartKind.FILE:
            name = f"{requirement.name.lower().replace(' ', '-')}-v{attempt}.pdf"
            data = f"%PDF-1.4 {teacher.name} {requirement.name} {attempt}".encode()
            steps.append(
                (
                    f"(file) {name}",
                    lambda name=name, data=data, part=requirement.name: replacing(
                        person, name, data, part
                    ),
                )
            )
        elif requirement.kind is PartKind.LINK:
            text = f"{requirement.name}: {VIDEO_SITE}/{person.email[:5]}-{attempt}"
            steps.append((text, lambda text=text: person.say(text)))
        else:
            text = f"{requirement.name}: {reflection(attempt + len(teacher.name), requirement)}"
            steps.append((f"{requirement.name}: ...", lambda text=text: person.say(text)))
    return steps


async def replacing(person: LocalPerson, name: str, data: bytes, part: str) -> str:
    """Send a newer file for ``part``; asked whether it replaces the one there (a part holds
    one file), the teacher says yes."""
    reply = await person.send_file(name, data, "application/pdf", part)
    if "a part holds one file" in reply:
        reply += "\n\n" + await person.press("file_as", labelled=f"Replace {part}")
    return reply


def reflection(seed: int, requirement: Requirement) -> str:
    """A reflection long enough for the requirement's minimum word count (and within its max)."""
    body = REFLECTIONS[seed % len(REFLECTIONS)]
    wanted = requirement.min_words or 1
    text = body
    while len(text.split()) < wanted:
        text += " " + REFLECTIONS[(seed + len(text)) % len(REFLECTIONS)]
    if requirement.max_words:
        text = " ".join(text.split()[: requirement.max_words])
    return text


def first_try_steps(teacher: Teacher) -> list[Step]:
    """A hurried first hand-in the pre-check holds back: a reflection of one line and, where a
    file part takes only some types, a zipped folder saved under a .pdf name."""
    person = teacher.person
    steps: list[Step] = []
    for requirement in teacher.credential.requirements:
        if requirement.kind is PartKind.TEXT and requirement.min_words:
            text = f"{requirement.name}: {REFLECTIONS[0].split('.')[0]}."
            steps.append(lambda text=text: person.say(text))
        elif requirement.kind is PartKind.FILE and requirement.allowed_types:
            name = f"{requirement.name.lower().replace(' ', '-')}.pdf"
            zipped = b"PK\x03\x04\x14\x00\x00\x00" + teacher.name.encode()
            steps.append(
                lambda name=name, data=zipped, part=requirement.name: person.send_file(
                    name, data, "application/pdf", part
                )
            )
    return steps


async def peer_asks(services: Services, teacher_email: str) -> list[tuple[str, int]]:
    """The colleagues asked for their comments on the teacher's draft: (email, review id)."""
    async with services.db.read() as session:
        rows = await session.execute(
            select(Person.email, Review.id)
            .join(Review, Review.reviewer_id == Person.id)
            .join(Pursuit, Pursuit.id == Review.pursuit_id)
            .join(Teacher_, Teacher_.id == Pursuit.teacher_id)
            .where(
                Review.purpose == "peer",
                Review.status == "assigned",
                func.lower(Teacher_.email) == teacher_email,
            )
        )
        return [(email, review_id) for email, review_id in rows.all()]


async def still_open(services: Services, review_id: int) -> bool:
    async with services.db.read() as session:
        status = await session.scalar(select(Review.status).where(Review.id == review_id))
    return status == "assigned"


async def peer_figures(services: Services) -> dict[str, int]:
    """For the closing figures: colleagues asked for comments, and comments that reached the
    teacher (on their own, or folded into the facilitator's message)."""
    async with services.db.read() as session:
        asked = await session.scalar(
            select(func.count()).select_from(Review).where(Review.purpose == "peer")
        )
        sent = await session.scalars(
            select(NudgeRow.params).where(
                NudgeRow.kind == NudgeKind.FEEDBACK_READY.value, NudgeRow.status == "sent"
            )
        )
        delivered = sum(
            (p.get("decision") == "peer") + len(p.get("peer_comments") or []) for p in sent
        )
    return {"asked": asked or 0, "delivered": delivered}
