"""A hand-in and its routing are one transaction: a process killed in the middle leaves either
nothing handed in (the basket intact) or the evidence routed with every message it causes.

The kill is real: a child process runs the real hand-in on the same database (a SQLite file or
PostgreSQL), prints a marker at the chosen point and blocks there, and is killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys
import textwrap
from typing import Any

import pytest
from sqlalchemy import func, select, update

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.domain.catalog import PartKind
from coachbot.domain.evidence import EvidenceKind
from coachbot.domain.journey import Move
from coachbot.settings import REPO_ROOT
from coachbot.storage.codec import policy_from_json, policy_to_json
from coachbot.storage.models import (
    District,
    DraftItem,
    EvidenceVersion,
    NudgeRow,
    Pursuit,
    Review,
    ReviewWait,
)
from tests.helpers import ANA, DEE, FAY, REFLECTION, actor, planned

# The child: the real composition root and the real hand-in, stopped at ``stop``.
CHILD = textwrap.dedent(
    """
    import asyncio, sys, time
    from datetime import datetime
    from coachbot.clock import VirtualClock
    from coachbot.composition import build
    from coachbot.domain.evidence import EvidenceKind
    from coachbot.services.district.people import actor_by_email
    from coachbot.settings import Settings

    url, pursuit_id, now, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

    def halt(marker):
        print(marker, flush=True)
        time.sleep(600)  # the parent kills us here

    async def main():
        services = build(
            Settings(database_url=url, _env_file=None), VirtualClock(datetime.fromisoformat(now))
        )
        async with services.db.read() as session:
            teacher = await actor_by_email(session, "ana@testville.example")
        route = services.hand_ins.route_in

        async def stopped_before_routing(session, pursuit, handed):
            if stop == "stored":  # the version is written, routing not yet: inside one write
                halt("STORED")
            return await route(session, pursuit, handed)

        services.hand_ins.route_in = stopped_before_routing
        await services.hand_ins.hand_in_basket(teacher, pursuit_id, EvidenceKind.DRAFT)
        if stop == "committed":
            halt("COMMITTED")
        print("DONE", flush=True)
        await services.aclose()

    asyncio.run(main())
    """
)


async def _child(services: Services, pursuit_id: int, stop: str) -> str:
    """Run the hand-in in a child process; kill it with SIGKILL at ``stop`` (or let it end)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        services.settings.database_url,
        str(pursuit_id),
        services.clock.now().isoformat(),
        stop,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=120)
    marker = line.decode().strip()
    if marker in ("STORED", "COMMITTED"):
        proc.send_signal(signal.SIGKILL)
    await proc.wait()
    if not marker:
        assert proc.stderr is not None
        pytest.fail((await proc.stderr.read()).decode()[-2000:])
    return marker


async def _basket(services: Services) -> int:
    """Ana plans C-ONE and puts a link and her reflection in the basket; the pursuit id."""
    pursuit_id = await planned(services, ANA)
    ana = await actor(services, ANA)
    await services.journey.move(ana, pursuit_id, Move.START_WORK)
    await services.basket.add(ana, pursuit_id, PartKind.LINK, url="https://video.example.org/v1")
    await services.basket.add(ana, pursuit_id, PartKind.TEXT, named="Reflection", text=REFLECTION)
    return pursuit_id


async def _counts(services: Services) -> dict[str, Any]:
    async with services.db.read() as session:

        async def count(model: Any) -> int:
            return await session.scalar(select(func.count()).select_from(model)) or 0

        return {
            "versions": await count(EvidenceVersion),
            "basket": await count(DraftItem),
            "reviews": await count(Review),
            "waits": await count(ReviewWait),
            "news": await count(NudgeRow),
            "state": await session.scalar(select(Pursuit.state)),
        }


@pytest.mark.parametrize("stop", ["stored", "committed"])
async def test_a_kill_mid_hand_in_leaves_it_whole_or_untouched_and_routed_after_restart(
    district: Services, stop: str
) -> None:
    services = district
    pursuit_id = await _basket(services)
    before = await _counts(services)

    assert await _child(services, pursuit_id, stop) == stop.upper()
    killed = await _counts(services)
    if stop == "stored":  # killed inside the one transaction: nothing happened at all
        assert killed == before
        assert killed["basket"] == 2  # what Ana collected is still there to send
        # Restarted, the same hand-in goes through whole.
        assert await _child(services, pursuit_id, "") == "DONE"
    after = await _counts(services)
    assert after["versions"] == 1 and after["basket"] == 0
    assert after["state"] == "draft_with_facilitator"
    async with services.db.read() as session:
        open_review = select(Review.reviewer_id).where(Review.status == "assigned")
        reviewer = await session.scalar(open_review)
        news = list(await session.scalars(select(NudgeRow.kind)))
    assert reviewer is not None  # routed, never left with neither a review nor a wait
    assert after["waits"] == 0
    assert news == ["review_assigned"]
    # The reviewer hears it from the outbox, whichever process sends it.
    room = LocalDriver(services)
    await build_nudging(services, room).dispatcher.run_once()
    assert "sent you a draft of *Questioning for Discourse*" in room.as_(FAY).last


async def _nobody_can_review(services: Services) -> None:
    async with services.db.write() as session:
        district = await session.scalar(select(District))
        assert district is not None
        policy = policy_from_json(district.policy)
        reviewers = dataclasses.replace(policy.reviewers, weekly_capacity=0)
        policy = dataclasses.replace(policy, reviewers=reviewers)
        await session.execute(update(District).values(policy=policy_to_json(policy)))


async def test_nobody_free_tells_the_admins_in_the_hand_ins_own_transaction(
    district: Services,
) -> None:
    services = district
    await _nobody_can_review(services)
    pursuit_id = await _basket(services)
    ana = await actor(services, ANA)
    route = services.hand_ins.route_in

    async def routed_then_broken(*args: Any) -> dict[str, Any]:
        await route(*args)  # the wait and the admins' messages are written ...
        raise RuntimeError("the process dies before the commit")  # ... and never committed

    services.hand_ins.route_in = routed_then_broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await services.hand_ins.hand_in_basket(ana, pursuit_id, EvidenceKind.DRAFT)
    assert (await _counts(services))["versions"] == 0
    assert (await _counts(services))["news"] == 0  # no admin told of a hand-in that never was

    services.hand_ins.route_in = route  # type: ignore[method-assign]
    routed = await services.hand_ins.hand_in_basket(ana, pursuit_id, EvidenceKind.DRAFT)
    assert routed.reviewer is None
    counts = await _counts(services)
    assert (counts["versions"], counts["waits"], counts["reviews"]) == (1, 1, 0)
    async with services.db.read() as session:
        told = list(await session.scalars(select(NudgeRow.kind).where(NudgeRow.kind != "x")))
    assert told == ["nobody_to_review"]  # Dee, the district admin
    room = LocalDriver(services)
    await build_nudging(services, room).dispatcher.run_once()
    assert "Nobody is free to review *Ana Teacher*'s draft" in room.as_(DEE).last


async def test_the_sweep_routes_evidence_left_with_neither_a_review_nor_a_wait(
    district: Services,
) -> None:
    """Rows written before hand-ins routed in their own transaction: found and routed."""
    services = district
    pursuit_id = await _basket(services)
    ana = await actor(services, ANA)
    # The old road: stored without routing, then the process stopped.
    await services.evidence.hand_in_basket(ana, pursuit_id, EvidenceKind.DRAFT)
    assert (await _counts(services))["reviews"] == 0
    room = LocalDriver(services)
    nudging = build_nudging(services, room)
    await nudging.sweep.run()
    await nudging.dispatcher.run_once()
    async with services.db.read() as session:
        status = await session.scalar(select(Review.status))
    assert status == "assigned"
    assert "now has your draft of *Questioning for Discourse*" in room.as_(ANA).last
