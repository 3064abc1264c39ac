"""A role a pathway granted goes with the pathway (a trial: Ana, made a badge facilitator by the
Badge Facilitator pathway, kept reviewing after the credential it rested on was revoked). Only
the grant that completion made is taken back: a facilitator on the roster stays one, and so
does a teacher whom another standing pathway also makes one. Her reviews already done stand,
and she hears it all in the one revocation message."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.domain.errors import NotPermitted
from coachbot.domain.roles import Role
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.storage.models import Award, Person, Review
from tests.conftest import FIXTURES
from tests.helpers import (
    ANA,
    BEN,
    CARA,
    FAY,
    GIL,
    actor,
    credential_link,
    earn,
    earn_with,
    under_review,
)
from tests.services.awards.test_undoing import _revoke
from tests.services.ledger.test_committees import _parts

COACH = {"Listening": "Proficient"}
TWO = {"Adjustment": "Proficient"}


async def _facilitator(district: Services, email: str) -> bool:
    return (await actor(district, email)).has_role(Role.FACILITATOR, anywhere=True)


async def _told(district: Services, room: LocalDriver, email: str) -> str:
    """The one revocation message ``email`` gets once the dispatcher runs."""
    heard = len(room.as_(email).mailbox.texts())
    await build_nudging(district, room).dispatcher.run_once()
    revoked = [t for t in room.as_(email).mailbox.texts()[heard:] if "has been revoked" in t]
    assert len(revoked) == 1
    return revoked[0]


async def test_the_facilitator_role_goes_with_the_pathway_and_her_reviews_stand(
    district: Services,
) -> None:
    room = LocalDriver(district)
    await earn_with(district, ANA, "C-COACH", _parts(), COACH)
    assert await _facilitator(district, ANA)
    await earn(district, BEN, reviewer=ANA)  # she reviews (and awards) Ben's C-ONE

    await _revoke(district, "C-COACH")

    assert not await _facilitator(district, ANA)
    with pytest.raises(NotPermitted):
        await under_review(district, CARA, ANA)
    # What she did as a facilitator stands: her review, and Ben's award from it.
    async with district.db.read() as session:
        ana, ben = (await actor(district, ANA)).person_id, (await actor(district, BEN)).person_id
        reviews = list(await session.scalars(select(Review.id).where(Review.reviewer_id == ana)))
        bens = await session.scalar(select(Award.revoked_at).where(Award.teacher_id == ben))
    assert reviews and bens is None
    said = await _told(district, room, ANA)
    assert "the pathway *Badge Facilitator* no longer counts" in said
    assert (
        "You no longer have the facilitator role it gave you; the reviews you already did stand."
        in said
    )


async def test_a_facilitator_on_the_roster_stays_one(district: Services) -> None:
    room = LocalDriver(district)
    await earn_with(district, FAY, "C-COACH", _parts(), COACH, reviewer=GIL)

    public_id = await credential_link(district, FAY, "C-COACH")
    await district.credentials.revoke(public_id, "awarded in error")

    assert await _facilitator(district, FAY)
    said = await _told(district, room, FAY)
    assert "You keep the facilitator role, which you hold another way." in said
    assert "no longer have" not in said


async def test_another_standing_pathway_keeps_the_role_until_it_goes_too(
    district: Services, tmp_path: Path
) -> None:
    text = (FIXTURES / "small_catalog.yaml").read_text() + (
        "  - code: P-EXIT\n"
        "    title: Exit Ticket Lead\n"
        "    areas:\n"
        "      - {name: Data, credentials: [C-TWO]}\n"
        "    outcome: {kind: role, value: facilitator}\n"
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    await district.catalog.load(read_catalog(path))
    room = LocalDriver(district)
    await earn_with(district, ANA, "C-COACH", _parts(), COACH)
    await earn_with(district, ANA, "C-TWO", _parts(), TWO)

    await _revoke(district, "C-COACH")
    assert await _facilitator(district, ANA)  # Exit Ticket Lead still makes her one
    assert "You keep the facilitator role" in await _told(district, room, ANA)

    await _revoke(district, "C-TWO")
    assert not await _facilitator(district, ANA)
    assert "You no longer have the facilitator role" in await _told(district, room, ANA)


async def test_a_roster_reload_keeps_the_role_a_pathway_brought(
    district: Services, tmp_path: Path
) -> None:
    # A trial: reloading the roster rewrote Ana's roles from the file and took away the
    # facilitator role her pathway had given her. Only undoing the pathway takes it back.
    await earn_with(district, ANA, "C-COACH", _parts(), COACH)
    assert await _facilitator(district, ANA)
    roster = (FIXTURES / "small_roster.csv").read_text(encoding="utf-8")
    moved = roster.replace("Ana Teacher,ana@testville.example,NORTH,teacher,,",
                           "Ana Teacher,ana@testville.example,NORTH,teacher,America/Denver,")
    assert moved != roster  # her row changed, so the reload rewrites her roster grants
    (tmp_path / "roster.csv").write_text(moved, encoding="utf-8")
    schools = {"NORTH", "SOUTH"}
    await district.roster.load("testville", read_roster(tmp_path / "roster.csv", schools))

    async with district.db.read() as session:
        zone = await session.scalar(select(Person.timezone).where(Person.email == ANA))
    assert zone == "America/Denver"  # the reload did rewrite her row
    assert await _facilitator(district, ANA)
    await _revoke(district, "C-COACH")
    assert not await _facilitator(district, ANA)
