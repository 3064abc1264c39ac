"""The demo's epilogue, "what earning brings": in the spring semester one teacher completes the
Performance Assessment Micro-endorsement; the pathway's salary step goes to the Salary
committee, whose three administrators vote in chat; only at the third yes is the step on the
ledger; HR's export of the fiscal year closes the demo (its first lines are printed).

The teacher's thirteen credentials are earned through the real core (choose, plan, hand in,
review), without the chat, since the semester above already shows that part; one a school week
from the first school day after the winter break, at after-school hours, so the award dates in
HR's export are days a teacher would really have done the work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from adapters.local.school_days import school_days
from adapters.local.semester import VIDEO_SITE, reflection
from coachbot.domain.catalog import Credential, PartKind
from coachbot.domain.evidence import EvidenceKind, EvidencePart
from coachbot.domain.journey import Move
from coachbot.domain.planning import Milestone
from coachbot.domain.roles import Actor, Role
from coachbot.importing.calendar_reader import Break
from coachbot.services.district.people import actor_by_email
from coachbot.services.ledger.export import export_ledger
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.evidence_files import digest
from coachbot.storage.models import NudgeRow, Person, Review

if TYPE_CHECKING:
    from adapters.local.demo_acts import Demo

PATHWAY = "P-PA-ENDORSE"
SHOWN_LINES = 6  # the export's header and first rows


async def _actor(demo: Demo, email: str) -> Actor:
    async with demo.services.db.read() as session:
        return await actor_by_email(session, email)


def _evidence(credential: Credential, name: str) -> list[EvidencePart]:
    parts = []
    for i, requirement in enumerate(credential.requirements):
        if requirement.kind is PartKind.FILE:
            data = f"%PDF-1.4 {name} {credential.code} {requirement.name}".encode()
            parts.append(EvidencePart(
                requirement.name, PartKind.FILE, file_name=f"{credential.code.lower()}.pdf",
                file_size=len(data), content_hash=digest(data), media_type="application/pdf",
                content=data,
            ))  # fmt: skip
        elif requirement.kind is PartKind.LINK:
            parts.append(EvidencePart(requirement.name, PartKind.LINK,
                                      url=f"{VIDEO_SITE}/{credential.code.lower()}"))  # fmt: skip
        else:
            parts.append(EvidencePart(requirement.name, PartKind.TEXT,
                                      text=reflection(i + len(name), requirement)))  # fmt: skip
    return parts


async def _earn(demo: Demo, teacher: Actor, name: str, credential: Credential, approver: Actor,
                reviewer: Actor, week: list[date]) -> None:  # fmt: skip
    """One credential in one school week: chosen and planned after school on its first day,
    handed in on its fourth, decided the next morning (the award's date)."""
    s = demo.services
    demo.clock.set(demo.script.school_time(week[0], 15, 40))
    chosen = await s.choosing.choose(teacher, credential.code)
    if credential.code in demo.spec.policy.preapproval_credentials:
        await s.approvals.request(teacher, chosen.pursuit_id,
                                  reasons="Our school's goal is better assessment.")  # fmt: skip
        await s.approvals.approve(approver, chosen.pursuit_id)
    await s.journey.move(teacher, chosen.pursuit_id, Move.START_PLANNING)
    due = demo.clock.now().date() + timedelta(days=21)
    await s.planning.save_plan(teacher, chosen.pursuit_id, due, [Milestone("Hand in", due)])
    await s.journey.move(teacher, chosen.pursuit_id, Move.START_WORK)
    demo.clock.set(demo.script.school_time(week[3], 16, 10))
    await s.evidence.hand_in(teacher, chosen.pursuit_id, EvidenceKind.FORMAL,
                             _evidence(credential, name))  # fmt: skip
    review = await s.reviews.assign(approver, chosen.pursuit_id, reviewer.person_id or 0)
    scores = {c.name: c.levels[-1].name for c in credential.rubric.criteria}
    demo.clock.set(demo.script.school_time(week[4], 10, 20))
    await s.reviews.record(reviewer, review, Decision.EARNED, scores)
    for _ in range(3):  # one in ten is scored twice, blind (and a third time on disagreement)
        async with s.db.read() as session:
            waiting = (
                await session.execute(
                    select(Review.id, Person.email)
                    .join(Person, Person.id == Review.reviewer_id)
                    .where(Review.pursuit_id == chosen.pursuit_id, Review.status == "assigned")
                )
            ).all()
        for review_id, email in waiting:
            await s.reviews.record(await _actor(demo, email), review_id, Decision.EARNED, scores)


def _day(day: date) -> str:
    return f"{day:%a %b %d}"


def _when(demo: Demo) -> str:
    return f"{demo.clock.now().astimezone(demo.script.zone):%a %b %d %H:%M}"


async def what_earning_brings(demo: Demo, database: Path, breaks: Sequence[Break]) -> None:
    s, spec, cast, say = demo.services, demo.spec, demo.cast, demo.transcript.say
    pathway = next(p for p in spec.pathways if p.code == PATHWAY)
    committee = spec.policy.committee(pathway.outcome.committee or "")
    assert committee is not None
    busy = {t.person.email for t in cast.teachers} | {f.email for f in cast.facilitators}
    email = next(e for e, n in cast.names.items() if e not in busy and cast.schools.get(e)
                 and e not in committee.members and "harris" not in e)  # fmt: skip
    teacher = await _actor(demo, email)
    if not teacher.has_role(Role.TEACHER, anywhere=True):
        return
    name = cast.names[email]
    approver = await _actor(demo, cast.admin.email)
    reviewer = await _actor(demo, cast.facilitators[0].email)
    by_code = {c.code: c for c in spec.credentials}
    codes = [pathway.prerequisite_code or ""] + [
        c for a in pathway.areas for c in a.credential_codes
    ]
    spring = school_days(demo.clock.now().astimezone(demo.script.zone).date(), breaks)
    weeks = [[next(spring) for _ in range(5)] for _ in codes]
    for code, week in zip(codes, weeks, strict=True):
        await _earn(demo, teacher, name, by_code[code], approver, reviewer, week)
    say("ledger_spring", name=name, count=len(codes), pathway=pathway.title,
        committee=committee.name, quorum=committee.quorum, first=_day(weeks[0][4]),
        last=_day(weeks[-1][4]))  # fmt: skip
    meeting = next(spring)  # the committee meets on the next school day
    demo.clock.set(demo.script.school_time(meeting, 9, 0))
    first = demo.driver.as_(committee.members[0])
    listed = await first.command("committee")
    say("ledger_act", when=_when(demo), who=cast.names[first.email], what="committee",
        answer=listed.strip().splitlines()[1])  # fmt: skip
    number = listed.split("*", 2)[1]
    for minutes, member in enumerate(committee.members, start=1):
        demo.clock.set(demo.script.school_time(meeting, 9, 5 * minutes))
        voter = demo.driver.as_(member)
        said = await voter.command("vote", f"{number} yes")
        say("ledger_act", when=_when(demo), who=cast.names[member], what=f"vote {number} yes",
            answer=said.strip().splitlines()[0])  # fmt: skip
    async with s.db.read() as session:  # the teacher's news, written with the third vote
        row = await session.scalar(
            select(NudgeRow).where(NudgeRow.person_id == teacher.person_id,
                                   NudgeRow.kind == "committee_decided")
        )  # fmt: skip
    assert row is not None
    news = s.prompts.render("nudges.j2", row.kind, p=row.params)
    say("ledger_received", who=name, summary=news.strip().splitlines()[0])
    demo.clock.set(demo.script.school_time(meeting, 14, 30))
    year = (await s.ledger.budget(approver.district_id or 0)).fiscal_year
    said = await cast.admin.command("ledger", year)
    say("ledger_act", when=_when(demo), who=cast.name(cast.admin), what=f"ledger {year}",
        answer=said.strip().splitlines()[0].split(" Download it")[0])  # fmt: skip
    path = database.with_name(f"coachbot-demo-ledger-{year}.csv")
    done = await export_ledger(s.db, approver.district_id or 0, year, path)
    lines = (await asyncio.to_thread(path.read_text, "utf-8")).splitlines()
    steps = [line for line in lines if line.startswith("entry,") and ",salary_step," in line]
    say("ledger_export", file=path.name, entries=done.entries, teachers=done.teachers,
        first=lines[:SHOWN_LINES], step=steps[:1])  # fmt: skip
