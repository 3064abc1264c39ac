"""Routing: how long choosing a reviewer takes at state size.

    python -m bench.routing [--teachers 50000] [--reviewers 2000] [--open 20000] [--runs 3]

Per database, each run builds a fresh district (bulk inserts: the stage, not what is measured):
50,000 teachers and 2,000 facilitators in 40 schools and 100 cohorts (three facilitators each),
each facilitator holding two credentials, 20 designated per credential, a weekly capacity and
conflicts, and 20,000 open reviews spread over the facilitators, assigned over the last twelve
days. Then it measures the routing decision, a worst case and a whole route (see
bench/README.md for what each figure is).

Each figure is the median over ``--runs`` runs (default 3).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update

from bench.generate import _bulk, load_catalog
from bench.measure import percentile
from bench.run_all import runs_on_each_database
from coachbot.clock import VirtualClock
from coachbot.composition import Services, build
from coachbot.domain.reviewer_policy import Conflict, ReviewerPolicy
from coachbot.services.reviews.routing import pick_reviewer
from coachbot.settings import Settings
from coachbot.storage.codec import policy_from_json, policy_to_json
from coachbot.storage.models import (
    Award,
    Base,
    Cohort,
    CohortMember,
    CredentialRow,
    District,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
    School,
)
from coachbot.storage.schema import upgrade

NOW = datetime(2027, 1, 12, 15, 0, tzinfo=UTC)
COHORTS = 100
RESULTS = Path(__file__).with_name("results")
TARGET_P99_MS = {"decision_p99_ms": 10.0, "worst_case_p99_ms": 20.0}


@dataclasses.dataclass
class Stage:
    mixed: list[int]  # pursuits waiting for a reviewer
    worst: list[int]  # ... of a credential nobody is qualified for, outside any cohort


async def build_stage(services: Services, args: argparse.Namespace, rng: random.Random) -> Stage:
    await load_catalog(services, 40)
    async with services.db.read() as session:
        district = await session.scalar(select(District))
        assert district is not None
        schools = list(await session.scalars(select(School.id).order_by(School.id)))
        credentials = list(
            await session.scalars(select(CredentialRow.id).order_by(CredentialRow.id)))
        codes = dict((await session.execute(select(CredentialRow.id, CredentialRow.code))).all())
    did, unheld = district.id, credentials[-1]
    held = credentials[:-1]
    teachers = list(range(1, args.teachers + 1))
    reviewers = list(range(args.teachers + 1, args.teachers + args.reviewers + 1))
    email = {pid: f"p{pid}@state.example" for pid in teachers + reviewers}
    await _bulk(services, Person, [
        {"id": pid, "district_id": did, "email": email[pid], "name": f"Person {pid}",
         "school_id": schools[pid % len(schools)], "timezone": None,
         "active": True, "created_at": NOW, "updated_at": NOW}
        for pid in teachers + reviewers])
    await _bulk(services, RoleGrantRow, [
        {"person_id": pid, "role": "teacher", "school_id": None} for pid in teachers + reviewers
    ] + [{"person_id": pid, "role": "facilitator", "school_id": None} for pid in reviewers])
    policy = dataclasses.replace(policy_from_json(district.policy), reviewers=ReviewerPolicy(
        weekly_capacity=15,
        designated=tuple((codes[c], tuple(email[r] for r in rng.sample(reviewers, 20)))
                         for c in held),
        conflicts=tuple(Conflict(email[rng.choice(reviewers)], email[rng.choice(teachers)])
                        for _ in range(200))))
    async with services.db.write() as session:
        await session.execute(update(District).where(District.id == did)
                              .values(policy=policy_to_json(policy)))
    await _bulk(services, Cohort, [
        {"id": c, "district_id": did, "name": f"Cohort {c}", "school_id": None,
         "starts_on": (NOW - timedelta(days=120)).date(),
         "ends_on": (NOW + timedelta(days=150)).date(),
         "window_opens_on": None, "window_closes_on": None, "created_at": NOW}
        for c in range(1, COHORTS + 1)])
    members = [{"cohort_id": t % COHORTS + 1, "person_id": t, "role": "teacher", "joined_at": NOW}
               for t in teachers]
    members += [{"cohort_id": i // 3 + 1, "person_id": r, "role": "facilitator", "joined_at": NOW}
                for i, r in enumerate(reviewers[:COHORTS * 3])]
    await _bulk(services, CohortMember, members)

    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("p", "v", "r", "a")}
    taken: set[tuple[int, int]] = set()

    def pursuit(teacher: int, credential: int, state: str, cohort: int | None,
                kind: str | None) -> int:
        pid = len(rows["p"]) + 1
        rows["p"].append({"id": pid, "district_id": did, "teacher_id": teacher,
                          "credential_id": credential, "cohort_id": cohort, "state": state,
                          "version": 3, "attempts": 1 if kind == "formal" else 0,
                          "created_at": NOW - timedelta(days=40), "updated_at": NOW,
                          "last_activity_at": NOW})
        if kind:
            rows["v"].append({"id": pid, "pursuit_id": pid, "number": 1, "kind": kind,
                              "created_by": teacher, "created_at": NOW - timedelta(days=1),
                              "note": None})
        return pid

    def fresh(teacher: int, credential: int) -> bool:
        if (teacher, credential) in taken:
            return False
        taken.add((teacher, credential))
        return True

    for reviewer in reviewers:  # each facilitator holds two credentials
        for credential in rng.sample(held, 2):
            fresh(reviewer, credential)
            pid = pursuit(reviewer, credential, "earned", None, "formal")
            rows["r"].append({"id": len(rows["r"]) + 1, "pursuit_id": pid,
                              "evidence_version_id": pid, "reviewer_id": rng.choice(reviewers),
                              "purpose": "official", "status": "completed",
                              "assigned_at": NOW - timedelta(days=90),
                              "due_at": NOW - timedelta(days=80),
                              "completed_at": NOW - timedelta(days=85), "decision": "earned",
                              "scores": None, "strengths": None, "feedback": None})
            rows["a"].append({"pursuit_id": pid, "district_id": did, "teacher_id": reviewer,
                              "credential_id": credential, "review_id": len(rows["r"]),
                              "awarded_at": NOW - timedelta(days=85), "hours": 4.0,
                              "points": 0.0, "stipend_cents": 0, "stipend_status": "none",
                              "cpd_units": 0, "assertion_id": f"bench-{pid}"})
    opened = 0
    while opened < args.open:  # the open reviews, spread over the facilitators
        teacher, credential = rng.choice(teachers), rng.choice(credentials)
        if not fresh(teacher, credential):
            continue
        draft = rng.random() < 0.6
        cohort = teacher % COHORTS + 1 if teacher % 7 else None
        pid = pursuit(teacher, credential, "draft_with_facilitator" if draft else "under_review",
                      cohort, "draft" if draft else "formal")
        assigned = NOW - timedelta(hours=rng.randrange(12 * 24))
        rows["r"].append({"id": len(rows["r"]) + 1, "pursuit_id": pid,
                          "evidence_version_id": pid, "reviewer_id": rng.choice(reviewers),
                          "purpose": "feedback" if draft else "official", "status": "assigned",
                          "assigned_at": assigned, "due_at": assigned + timedelta(days=14),
                          "completed_at": None, "decision": None, "scores": None,
                          "strengths": None, "feedback": None})
        opened += 1
    stage = Stage([], [])
    while len(stage.mixed) < 720:  # waiting for a reviewer: what is measured
        teacher, credential = rng.choice(teachers), rng.choice(held)
        if fresh(teacher, credential):
            draft = rng.random() < 0.7
            cohort = teacher % COHORTS + 1 if teacher % 7 else None
            stage.mixed.append(pursuit(teacher, credential,
                                       "draft_with_facilitator" if draft else "submitted",
                                       cohort, "draft" if draft else "formal"))
    while len(stage.worst) < 100:
        teacher = rng.choice(teachers)
        if fresh(teacher, unheld):
            stage.worst.append(pursuit(teacher, unheld, "submitted", None, "formal"))
    for key, model in (("p", Pursuit), ("v", EvidenceVersion), ("r", Review), ("a", Award)):
        await _bulk(services, model, rows[key])
    if not services.db.is_sqlite:  # explicit ids: move the sequences past them
        async with services.db.write() as session:
            for table in ("pursuits", "evidence_versions", "reviews", "people", "cohorts"):
                await session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"))
    await services.db.analyze(*(t.name for t in Base.metadata.sorted_tables))
    if not services.db.is_sqlite:
        # Autovacuum would also have set the visibility map during a real semester, which lets
        # the load counts read only the (reviewer, status) and (reviewer, assigned) indexes.
        async with services.db.engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.execute(text("VACUUM ANALYZE"))
    return stage


async def floor(services: Services, pursuit_id: int) -> int:
    """The same read transaction loading the pursuit, without routing: what the machine and
    the driver cost before any routing work (on a shared machine, mostly its noise)."""
    async with services.db.read() as session:
        pursuit = await session.get(Pursuit, pursuit_id)
        assert pursuit is not None
        return pursuit.id


async def decide(services: Services, pursuit_id: int) -> int | None:
    async with services.db.read() as session:
        pursuit = await session.get(Pursuit, pursuit_id)
        assert pursuit is not None
        return await pick_reviewer(session, pursuit, now=NOW)


async def timed(call: Any, keys: list[int], warm: list[int]) -> dict[str, float]:
    for key in warm:  # warm caches and pools first
        await call(key)
    samples = []
    for key in keys:
        started = time.perf_counter()
        chosen = await call(key)
        samples.append((time.perf_counter() - started) * 1000)
        assert chosen is not None, f"nobody chosen for pursuit {key}"
    return {"n": len(samples), "median_ms": statistics.median(samples),
            "p99_ms": percentile(samples, 0.99)}


async def one_run(url: str, args: argparse.Namespace, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    settings = Settings(database_url=url, log_level="WARNING", _env_file=None)
    services = build(settings, VirtualClock(NOW))
    try:
        await upgrade(services.db)
        started = time.perf_counter()
        stage = await build_stage(services, args, rng)
        setup = time.perf_counter() - started
        base = await timed(lambda p: floor(services, p), stage.mixed[:500], stage.mixed[:20])
        decision = await timed(lambda p: decide(services, p), stage.mixed[:500], stage.mixed[:20])
        worst = await timed(lambda p: decide(services, p), stage.worst, stage.worst[:10])
        # routing changes what it routes: warm up on other pursuits than those measured
        route = await timed(services.reviews.route, stage.mixed[520:720], stage.mixed[500:520])
        return {"setup_s": setup, "floor": base, "decision": decision, "worst_case": worst,
                "route": route}
    finally:
        await services.aclose()


async def main(args: argparse.Namespace) -> None:
    report: dict[str, Any] = {"teachers": args.teachers, "reviewers": args.reviewers,
                              "open_reviews": args.open, "runs": args.runs}

    async def run(url: str, seed: int) -> dict[str, Any]:
        return await one_run(url, args, seed)

    async for backend, runs in runs_on_each_database("routing", args.runs, args.sqlite_only, run):
        median = {f"{figure}_{stat}": statistics.median(r[figure][stat] for r in runs)
                  for figure in ("floor", "decision", "worst_case", "route")
                  for stat in ("median_ms", "p99_ms")}
        median["setup_s"] = statistics.median(r["setup_s"] for r in runs)
        report[backend] = {"median": median, "runs": runs}
        print(f"\n{backend}: routing with {args.teachers} teachers, {args.reviewers} "
              f"reviewers, {args.open} open reviews, median of {args.runs} runs")
        for key, value in median.items():
            mark = ""
            if key in TARGET_P99_MS:
                ok = value < TARGET_P99_MS[key]
                mark = f"{'PASS' if ok else 'MISS'} (< {TARGET_P99_MS[key]:g})"
            print(f"  {key:<22} {value:>9.2f}  {mark}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"routing-{args.teachers}-{args.reviewers}-{args.open}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nwritten to {out}")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teachers", type=int, default=50_000)
    parser.add_argument("--reviewers", type=int, default=2_000)
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
