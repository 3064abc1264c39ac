"""Two people, two `coachbot chat` sessions, typing the same number of lines: each hand-in is
their own. Sessions used to number their events t0, t1 ... afresh, and one person's "send"
replayed another's outcome ("That's already in") while nothing was handed in."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from adapters.local.terminal import chat
from coachbot.composition import Services
from coachbot.domain.journey import Move
from coachbot.storage.models import EvidenceVersion, Pursuit
from tests.adapters.local.test_terminal import typist
from tests.helpers import ANA, CARA, actor, planned

ONBOARDING = ["", "1", "1", ""]  # time zone, goal, colleagues may ask, name me


async def versions_of(services: Services, pursuit_id: int) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(
            select(func.count(EvidenceVersion.id)).where(EvidenceVersion.pursuit_id == pursuit_id)
        ) or 0)


async def working(services: Services, email: str) -> int:
    pursuit_id = await planned(services, email)
    await services.journey.move(await actor(services, email), pursuit_id, Move.START_WORK)
    return pursuit_id


async def test_two_sessions_with_the_same_turns_each_hand_in_their_own_draft(
    district: Services, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4 plan")
    ana_pursuit, cara_pursuit = await working(district, ANA), await working(district, CARA)
    screens: dict[str, str] = {}
    for email in (ANA, CARA):
        _, ask = typist([*ONBOARDING, f"/file {plan}", "send", "1", "/quit"])
        screen: list[str] = []
        await chat(district, email, ask, screen.append)  # type: ignore[arg-type]
        screens[email] = "\n".join(screen)
    assert await versions_of(district, ana_pursuit) == 1
    assert await versions_of(district, cara_pursuit) == 1
    assert "already in" not in screens[CARA]
    assert "Traceback" not in screens[CARA]
    async with district.db.read() as session:
        states = set(await session.scalars(select(Pursuit.state)))
    assert states == {"draft_with_facilitator"}
