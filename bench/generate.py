"""A state-size district, generated deterministically.

The roster goes through the real importer (that is the measured "import rows/s"); the journey
rows behind 200,000 pursuits (plans, milestones, evidence, reviews, awards, audit) are set up
with bulk inserts, since they are the stage the measured queries run on, not the thing measured.
"""

from __future__ import annotations

import csv
import dataclasses
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from coachbot.composition import Services
from coachbot.domain.journey import State
from coachbot.importing.catalog_reader import SchoolSpec, read_catalog
from coachbot.settings import REPO_ROOT
from coachbot.storage.models import (
    AuditEvent,
    Award,
    Cohort,
    CohortMember,
    CredentialRow,
    District,
    EvidencePartRow,
    EvidenceVersion,
    MilestoneRow,
    Person,
    Pursuit,
    Review,
    WorkPlan,
)

CHUNK = 5_000
T0 = datetime(2026, 9, 1, 14, 0, tzinfo=UTC)
# How a state's pursuits are spread over the journey mid-year.
STATES = [(State.PLANNING, 10), (State.IN_PROGRESS, 30), (State.DRAFT_WITH_FACILITATOR, 8),
          (State.SUBMITTED, 4), (State.UNDER_REVIEW, 8), (State.NOT_YET, 7), (State.EARNED, 28),
          (State.WITHDRAWN, 3), (State.AWAITING_APPROVAL, 2)]
WITH_PLAN = {State.IN_PROGRESS, State.DRAFT_WITH_FACILITATOR, State.SUBMITTED,
             State.UNDER_REVIEW, State.NOT_YET, State.EARNED, State.PLANNING}
WITH_EVIDENCE = {State.DRAFT_WITH_FACILITATOR, State.SUBMITTED, State.UNDER_REVIEW,
                 State.NOT_YET, State.EARNED}
WITH_REVIEW = {State.DRAFT_WITH_FACILITATOR, State.UNDER_REVIEW, State.NOT_YET, State.EARNED}


def write_roster(path: Path, teachers: int, facilitators: int, schools: list[str],
                 rng: random.Random) -> int:
    """A roster CSV of the given size; returns its number of people."""
    rows = 0
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "email", "school", "roles", "timezone", "slack_id",
                         "discord_id"])
        for i in range(teachers + facilitators):
            roles = "teacher;facilitator" if i >= teachers else "teacher"
            slack = f"U{i:08d}" if rng.random() < 0.8 else ""
            writer.writerow([f"Teacher {i}", f"t{i}@state.example", schools[i % len(schools)],
                             roles, "", slack, ""])
            rows += 1
        for s, code in enumerate(schools):
            writer.writerow([f"Principal {s}", f"p{s}@state.example", code, "school_admin",
                             "", "", ""])
            rows += 1
        writer.writerow(["State Admin", "admin@state.example", "", "district_admin", "", "", ""])
    return rows + 1


async def load_catalog(services: Services, schools: int) -> list[str]:
    spec = read_catalog(REPO_ROOT / "examples" / "lakeview" / "catalog.yaml")
    codes = [f"S{i:03d}" for i in range(schools)]
    spec = dataclasses.replace(
        spec, slug="state", name="State-size district",
        schools=tuple(SchoolSpec(code, f"School {code}", ("Formative assessment",))
                      for code in codes))
    await services.catalog.load(spec)
    return codes


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


async def _bulk(services: Services, model: Any, rows: list[dict[str, Any]]) -> None:
    async with services.db.engine.begin() as conn:
        for chunk in _chunks(rows):
            await conn.execute(insert(model.__table__), chunk)


async def load_journeys(services: Services, pursuits: int, cohorts: int,
                        rng: random.Random) -> dict[str, int]:
    """Cohorts and ``pursuits`` pursuits with everything hanging off them."""
    async with services.db.read() as session:
        district = await session.scalar(select(District.id).where(District.slug == "state"))
        people = list((await session.execute(
            select(Person.id, Person.email).where(Person.district_id == district)
            .order_by(Person.id))).all())
        credentials = list(await session.scalars(select(CredentialRow.id).where(
            CredentialRow.district_id == district)))
    teachers = [pid for pid, email in people if email.startswith("t")]
    reviewers = teachers[-max(1, len(teachers) // 25):]  # the roster's facilitators come last
    await _bulk(services, Cohort, [
        {"id": c + 1, "district_id": district, "name": f"Cohort {c}", "school_id": None,
         "starts_on": T0.date(), "ends_on": (T0 + timedelta(days=270)).date(),
         "window_opens_on": None, "window_closes_on": None, "created_at": T0}
        for c in range(cohorts)])
    await _bulk(services, CohortMember, [
        {"cohort_id": i % cohorts + 1, "person_id": pid, "role": "teacher", "joined_at": T0}
        for i, pid in enumerate(teachers)])
    weights = [w for _, w in STATES]
    position = {teacher: i for i, teacher in enumerate(teachers)}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "pursuits", "plans", "milestones", "versions", "parts", "reviews", "awards", "audit")}
    taken: set[tuple[int, int]] = set()
    pid = 0
    while pid < pursuits:
        teacher = teachers[rng.randrange(len(teachers))]
        credential = credentials[rng.randrange(len(credentials))]
        if (teacher, credential) in taken:
            continue
        taken.add((teacher, credential))
        pid += 1
        state = rng.choices([s for s, _ in STATES], weights)[0]
        start = T0 + timedelta(days=rng.randrange(120), hours=rng.randrange(8))
        cohort = position[teacher] % cohorts + 1 if pid % 7 else None
        _pursuit_rows(rows, pid, district, teacher, credential, cohort, state, start, reviewers,
                      rng)
    for name, model in (("pursuits", Pursuit), ("plans", WorkPlan), ("milestones", MilestoneRow),
                        ("versions", EvidenceVersion), ("parts", EvidencePartRow),
                        ("reviews", Review), ("awards", Award), ("audit", AuditEvent)):
        await _bulk(services, model, rows[name])
    await move_sequences(services, "cohorts", "pursuits", "work_plans", "evidence_versions",
                         "reviews")
    return {name: len(value) for name, value in rows.items()}


async def move_sequences(services: Services, *tables: str) -> None:
    """Bulk rows carry explicit ids; on PostgreSQL move each table's sequence past them, so that
    a row the product adds later (the sweep routing a waiting submission, say) gets a new id."""
    if services.db.is_sqlite:
        return
    async with services.db.write() as session:
        for table in tables:
            await session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def _pursuit_rows(rows: dict[str, list[dict[str, Any]]], pid: int, district: int, teacher: int,
                  credential: int, cohort: int | None, state: State, start: datetime,
                  reviewers: list[int], rng: random.Random) -> None:
    attempts = 2 if state is State.NOT_YET and rng.random() < 0.3 else (
        1 if state in {State.SUBMITTED, State.UNDER_REVIEW, State.NOT_YET, State.EARNED} else 0)
    rows["pursuits"].append({
        "id": pid, "district_id": district, "teacher_id": teacher, "credential_id": credential,
        "cohort_id": cohort, "state": state.value, "version": 5, "attempts": attempts,
        "created_at": start, "updated_at": start + timedelta(days=20),
        "last_activity_at": start + timedelta(days=20)})
    rows["audit"].append({
        "occurred_at": start, "district_id": district, "actor_id": teacher,
        "subject_type": "pursuit", "subject_id": pid, "action": "choose", "from_state": None,
        "to_state": "proposed", "reason": None, "details": None})
    if state in WITH_PLAN:
        rows["plans"].append({"id": pid, "pursuit_id": pid,
                              "deadline": (start + timedelta(days=60)).date(),
                              "created_at": start, "updated_at": start})
        for m in range(3):
            finished = state is State.EARNED or m == 0
            done = start + timedelta(days=10 * (m + 1)) if finished else None
            rows["milestones"].append({
                "plan_id": pid, "position": m + 1, "title": f"Milestone {m + 1}",
                "due_on": (start + timedelta(days=20 * (m + 1))).date(), "done_at": done})
    if state in WITH_EVIDENCE:
        version = len(rows["versions"]) + 1
        kind = "draft" if state is State.DRAFT_WITH_FACILITATOR else "formal"
        rows["versions"].append({"id": version, "pursuit_id": pid, "number": 1, "kind": kind,
                                 "created_by": teacher, "created_at": start + timedelta(days=30),
                                 "note": None})
        for position, (name, part) in enumerate((("Reflection", "text"),
                                                 ("Classroom video", "link"))):
            rows["parts"].append({
                "version_id": version, "position": position, "requirement": name, "kind": part,
                "text": "Reflection text" if part == "text" else None,
                "url": "https://video.example.org/x" if part == "link" else None,
                "file_name": None, "file_size": None, "content_hash": None, "media_type": None})
        if state in WITH_REVIEW:
            review = len(rows["reviews"]) + 1
            finished = state in {State.NOT_YET, State.EARNED}
            assigned = start + timedelta(days=31)
            rows["reviews"].append({
                "id": review, "pursuit_id": pid, "evidence_version_id": version,
                "reviewer_id": reviewers[rng.randrange(len(reviewers))],
                "purpose": "feedback" if kind == "draft" else "official",
                "status": "completed" if finished else "assigned", "assigned_at": assigned,
                "due_at": assigned + timedelta(days=10),
                "completed_at": assigned + timedelta(days=rng.randrange(1, 12)) if finished
                else None,
                "decision": state.value if finished else None, "scores": None,
                "strengths": None, "feedback": None})
            if state is State.EARNED:
                rows["awards"].append({
                    "pursuit_id": pid, "district_id": district, "teacher_id": teacher,
                    "credential_id": credential, "review_id": review,
                    "awarded_at": assigned + timedelta(days=5), "hours": 4.0, "points": 6.0,
                    "stipend_cents": 20_000, "stipend_status": "owed", "cpd_units": pid % 2,
                    "assertion_id": f"00000000-0000-4000-8000-{pid:012d}"})
