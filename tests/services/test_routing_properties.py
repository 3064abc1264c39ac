"""Routing through the real service on a real SQLite file, whatever the district looks like:
never the teacher, never an excluded reviewer, never past the weekly capacity, and always the
least loaded of the equally qualified."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from coachbot.clock import VirtualClock
from coachbot.composition import build
from coachbot.domain.reviewer_policy import Conflict, ReviewerPolicy
from coachbot.settings import Settings
from coachbot.storage.models import Review
from tests.conftest import START
from tests.services.routing_world import add_person, add_waiting, make_world


@st.composite
def districts(draw: st.DrawFn) -> dict[str, object]:
    facilitators = draw(st.integers(1, 5))
    teachers = draw(st.integers(1, 4))
    names = [f"F{i}" for i in range(facilitators)] + [f"T{i}" for i in range(teachers)]
    # Facilitators pursue credentials too, so self-review is a real possibility.
    items = draw(
        st.lists(
            st.tuples(st.sampled_from(names), st.sampled_from(["C-ONE", "C-TWO", "C-COACH"])),
            min_size=1,
            max_size=14,
            unique=True,
        )
    )
    conflicts = draw(
        st.lists(
            st.tuples(st.sampled_from(names[:facilitators]), st.sampled_from(names)).filter(
                lambda pair: pair[0] != pair[1]
            ),
            max_size=4,
        )
    )
    return {
        "facilitators": facilitators,
        "teachers": teachers,
        "items": items,
        "conflicts": conflicts,
        "capacity": draw(st.none() | st.integers(1, 4)),
    }


async def _scenario(url: str, spec: dict[str, object]) -> None:
    services = build(Settings(database_url=url, _env_file=None), VirtualClock(START))
    try:
        conflicts = tuple(
            Conflict(f"{r.lower()}@testville.example", f"{t.lower()}@testville.example")
            for r, t in spec["conflicts"]  # type: ignore[attr-defined]
        )
        capacity = spec["capacity"]
        world = await make_world(
            services,
            ReviewerPolicy(weekly_capacity=capacity, conflicts=conflicts),  # type: ignore[arg-type]
        )
        facilitators = {
            await add_person(services, world, f"F{i}", "teacher", "facilitator")
            for i in range(spec["facilitators"])  # type: ignore[call-overload]
        }
        for i in range(spec["teachers"]):  # type: ignore[call-overload]
            await add_person(services, world, f"T{i}", "teacher")
        excluded = {
            (world.people[r], world.people[t])
            for r, t in spec["conflicts"]  # type: ignore[attr-defined]
        }
        for teacher, code in spec["items"]:  # type: ignore[attr-defined]
            pursuit = await add_waiting(services, world, teacher, code)
            teacher_id = world.people[teacher]
            async with services.db.read() as session:
                load = dict.fromkeys(facilitators, 0) | dict(
                    (
                        await session.execute(
                            select(Review.reviewer_id, func.count())
                            .where(Review.status == "assigned")
                            .group_by(Review.reviewer_id)
                        )
                    ).all()
                )
            allowed = {
                f
                for f in facilitators
                if f != teacher_id
                and (f, teacher_id) not in excluded
                and (capacity is None or load[f] < capacity)  # all given this week
            }
            routed = await services.reviews.route(pursuit)
            if routed is None:
                assert not allowed, "someone was free, yet nobody was chosen"
                continue
            _, reviewer = routed
            assert reviewer != teacher_id, "the teacher was asked to review their own work"
            assert (reviewer, teacher_id) not in excluded, "an excluded reviewer was chosen"
            assert reviewer in allowed
            assert load[reviewer] == min(load[f] for f in allowed), "not the least loaded"
        async with services.db.read() as session:
            given_out = dict(
                (
                    await session.execute(
                        select(Review.reviewer_id, func.count()).group_by(Review.reviewer_id)
                    )
                ).all()
            )
        if capacity is not None:
            assert max(given_out.values(), default=0) <= capacity  # type: ignore[operator]
        if not spec["conflicts"]:
            # With no conflicts, reviewers who never pursue anything themselves are equally
            # qualified for everything: their loads end within one of each other.
            pursuing = {world.people[t] for t, _ in spec["items"]}  # type: ignore[attr-defined]
            free = [given_out.get(f, 0) for f in facilitators if f not in pursuing]
            if free:
                assert max(free) - min(free) <= 1
    finally:
        await services.aclose()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=districts())
def test_routing_properties_hold_for_any_district(
    sqlite_template: Path, spec: dict[str, object]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "routing.db"
        shutil.copy(sqlite_template, path)
        asyncio.run(_scenario(f"sqlite+aiosqlite:///{path}", spec))
