"""``coachbot demo``: the example district, set up for real in a fresh SQLite file.

Every step goes through the same services the bot uses; nothing is printed that did not happen.
A few teachers of the example district walk part of the journey on a virtual clock so that the
status table shows pursuits at different stages.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import typer

from coachbot.cli.runner import run as run_with_bot
from coachbot.cli.runner import say
from coachbot.clock import VirtualClock
from coachbot.composition import CoachBot
from coachbot.domain.catalog import Credential, PartKind
from coachbot.domain.evidence import EvidenceKind, EvidencePart
from coachbot.domain.journey import Move
from coachbot.domain.planning import default_plan
from coachbot.domain.roles import Role
from coachbot.importing.catalog_reader import CatalogSpec, read_catalog
from coachbot.importing.roster_reader import RosterRow, read_roster
from coachbot.services.districts import district_summary
from coachbot.services.people import actor_by_email
from coachbot.services.reviewing import Decision
from coachbot.settings import REPO_ROOT, Settings
from coachbot.storage.schema import upgrade

EXAMPLE = REPO_ROOT / "examples" / "lakeview"
SEMESTER_START = datetime(2026, 9, 8, 15, 0, tzinfo=UTC)


def run_demo(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{database}")
    clock = VirtualClock(SEMESTER_START)

    async def work(bot: CoachBot) -> None:
        await upgrade(bot.db)
        spec = read_catalog(EXAMPLE / "catalog.yaml")
        result = await bot.catalog.load(spec, source="catalog.yaml")
        say(
            bot,
            "cli.j2",
            "catalog_imported",
            district=spec.name,
            source="catalog.yaml",
            created=result.created,
            updated=result.updated,
            retired=result.retired,
            stacks=result.stacks,
            pathways=result.pathways,
        )
        rows = read_roster(EXAMPLE / "roster.csv", {s.code for s in spec.schools})
        roster = await bot.roster.load(spec.slug, rows, source="roster.csv")
        say(
            bot,
            "cli.j2",
            "roster_imported",
            source="roster.csv",
            created=roster.created,
            updated=roster.updated,
            unchanged=roster.unchanged,
            not_in_file=0,
        )
        typer.echo("")
        await _show_summary(bot, spec.slug)
        typer.echo("")
        await _walk_a_few_journeys(bot, clock, spec, rows)
        say(bot, "cli.j2", "district_overview", rows=await bot.status.district_overview())

    run_with_bot(work, settings, clock=clock)


async def _show_summary(bot: CoachBot, slug: str) -> None:
    summary = await district_summary(bot.db, slug)
    district = summary["district"]
    currency = district.policy["currency"]
    worth = (
        f"{currency['hours']:g} in-service hours, {currency['points']:g} CE points, "
        f"${currency['stipend_cents'] / 100:.0f} stipend"
        + (f", 1 CPD unit per {currency['cpd_units_per']}" if currency["cpd_units_per"] else "")
    )
    roles = summary["roles"]
    say(
        bot,
        "cli.j2",
        "district_summary",
        name=district.name,
        slug=district.slug,
        timezone=district.timezone,
        schools=summary["schools"],
        people=summary["people"],
        teachers=roles.get("teacher", 0),
        facilitators=roles.get("facilitator", 0),
        admins=roles.get("school_admin", 0) + roles.get("district_admin", 0),
        credentials=summary["credentials"],
        stacks=summary["stacks"],
        pathways=summary["pathways"],
        currency=worth,
    )


def _evidence(credential: Credential, attempt: int) -> list[EvidencePart]:
    """Evidence for every required part, as a teacher would hand it in."""
    parts = []
    for req in credential.requirements:
        if req.kind is PartKind.LINK:
            parts.append(
                EvidencePart(
                    req.name, PartKind.LINK, url=f"https://video.lakeview.example/lesson-{attempt}"
                )
            )
        elif req.kind is PartKind.FILE:
            data = f"{credential.code} {req.name} attempt {attempt}".encode()
            parts.append(
                EvidencePart(
                    req.name,
                    PartKind.FILE,
                    file_name=f"{req.name}.pdf",
                    file_size=len(data) * 1000,
                    content_hash=hashlib.sha256(data).hexdigest(),
                    media_type="application/pdf",
                )
            )
        else:
            parts.append(EvidencePart(req.name, PartKind.TEXT, text=REFLECTION))
    return parts


REFLECTION = (
    "My students explained their reasoning to each other with the sentence frames, "
    "and the exit tickets showed most of them could justify an answer with evidence."
)


async def _walk_a_few_journeys(
    bot: CoachBot, clock: VirtualClock, spec: CatalogSpec, rows: list[RosterRow]
) -> None:
    """Three teachers, one cohort, a facilitator and an admin, through the real services."""
    admin = next(r for r in rows if Role.DISTRICT_ADMIN in r.roles)
    facilitator = next(r for r in rows if Role.FACILITATOR in r.roles)
    teachers = [r for r in rows if r.roles == (Role.TEACHER,)][:3]
    async with bot.db.read() as session:
        boss = await actor_by_email(session, admin.email)
        coach = await actor_by_email(session, facilitator.email)
        actors = [await actor_by_email(session, t.email) for t in teachers]
    cohort = await bot.cohorts.create(
        boss, "Fall 2026 Performance Assessment", date(2026, 9, 8), date(2027, 1, 29)
    )
    await bot.cohorts.add_member(boss, cohort, facilitator.email, Role.FACILITATOR)
    for teacher in teachers:
        await bot.cohorts.add_member(boss, cohort, teacher.email, Role.TEACHER)
    credential = next(
        c
        for c in spec.credentials
        if c.code not in spec.policy.preapproval_credentials
        and not any(p.prerequisite_code == c.code for p in spec.pathways)
    )
    passing = {
        c.name: c.levels[credential.rubric.passing_score - 1].name
        for c in credential.rubric.criteria
    }
    below = dict(
        passing,
        **{credential.rubric.criteria[0].name: credential.rubric.criteria[0].levels[0].name},
    )
    outcomes = ["earned", "not_yet", "planning"]
    for actor, outcome in zip(actors, outcomes, strict=True):
        chosen = await bot.choosing.choose(actor, credential.code)
        if chosen.needs_approval:
            await bot.journey.move(actor, chosen.pursuit_id, Move.REQUEST_APPROVAL)
            await bot.journey.move(boss, chosen.pursuit_id, Move.APPROVE)
        await bot.journey.move(actor, chosen.pursuit_id, Move.START_PLANNING)
        start = clock.now().date()
        plan = default_plan(credential, start, start + timedelta(weeks=8))
        await bot.planning.save_plan(actor, chosen.pursuit_id, plan[-1].due_on, plan)
        say(
            bot,
            "cli.j2",
            "demo_step",
            who=actor.name,
            what="planned",
            title=credential.title,
            when=plan[-1].due_on.isoformat(),
        )
        if outcome == "planning":
            continue
        await bot.journey.move(actor, chosen.pursuit_id, Move.START_WORK)
        clock.advance(timedelta(weeks=3))
        await bot.evidence.hand_in(
            actor, chosen.pursuit_id, EvidenceKind.DRAFT, _evidence(credential, 1)
        )
        review = await bot.reviews.assign(boss, chosen.pursuit_id, coach.person_id or 0)
        await bot.reviews.record(
            coach,
            review,
            Decision.FEEDBACK,
            passing,
            feedback="Strong task; name the success criteria for students.",
        )
        say(
            bot,
            "cli.j2",
            "demo_step",
            who=coach.name,
            what="gave_feedback",
            title=actor.name,
            when=clock.now().date().isoformat(),
        )
        clock.advance(timedelta(weeks=2))
        await bot.evidence.hand_in(
            actor, chosen.pursuit_id, EvidenceKind.FORMAL, _evidence(credential, 2)
        )
        review = await bot.reviews.assign(boss, chosen.pursuit_id, coach.person_id or 0)
        decision = Decision.EARNED if outcome == "earned" else Decision.NOT_YET
        await bot.reviews.record(
            coach,
            review,
            decision,
            passing if outcome == "earned" else below,
            feedback=""
            if outcome == "earned"
            else "Add two more student work samples that show the range of responses.",
        )
        say(
            bot,
            "cli.j2",
            "demo_step",
            who=actor.name,
            what=outcome,
            title=credential.title,
            when=clock.now().date().isoformat(),
        )
    typer.echo("")
    for teacher in teachers:
        say(bot, "cli.j2", "teacher_status", status=await bot.status.teacher(teacher.email))
        typer.echo("")
