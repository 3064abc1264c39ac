"""Revoking a credential undoes what was built on it (a trial revoked the prerequisite of a
pathway whose salary step the committee had granted: the pathway stayed complete and HR kept
paying the step). A pathway or stack that no longer holds is undone, its salary step reversed
in the district's own fiscal year, its committee request withdrawn, its unsent news dropped,
and the teacher told once; revoking again writes nothing; a pathway still met another way
(a credential recognised from elsewhere) stands."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.conversation.handlers.recognising import RECOGNISE
from coachbot.domain.recognition import RecognitionRule
from coachbot.importing.catalog_reader import read_catalog
from coachbot.services.credentials.baking import bake
from coachbot.services.ledger.export import export_ledger
from coachbot.storage.models import (
    CommitteeRequest,
    Completion,
    LedgerEntry,
    NudgeRow,
)
from tests.conftest import FIXTURES
from tests.conversation.test_recognising_in_chat import (
    DID,
    _outside,
    _policy_recognises,
    _template,
)
from tests.helpers import ANA, DEE, actor, credential_link, earn_with
from tests.services.awards.test_announcing import CHICAGO, Ledger, award_at
from tests.services.ledger.test_committees import _endorsed, _parts
from tests.services.ledger.test_ledger import JUNE_30_EVENING

PATHWAY = "Discourse Micro-endorsement"


async def _revoke(district: Services, code: str, reason: str = "awarded in error") -> None:
    """The district revokes Ana's credential ``code`` (as ``coachbot credentials revoke``)."""
    public_id = await credential_link(district, ANA, code)
    await district.credentials.revoke(public_id, reason)


async def _approved(district: Services) -> None:
    """Ana completes the micro-endorsement and the committee (the district admins, quorum 1)
    grants its salary step; its news to Ana waits in the outbox (no chat turn sent it)."""
    await _endorsed(district)
    voted = await district.committees.vote(await actor(district, DEE), 1, True)
    assert voted.state == "approved"


async def _counts(district: Services) -> tuple[int, int]:
    async with district.db.read() as session:
        entries = await session.scalar(select(func.count()).select_from(LedgerEntry))
        nudges = await session.scalar(select(func.count()).select_from(NudgeRow))
    return entries or 0, nudges or 0


async def _steps(district: Services) -> tuple[str, ...]:
    ana = await actor(district, ANA)
    return (await district.ledger.totals(ana.person_id or 0)).all_time.salary_steps


async def _exported(district: Services, tmp_path: Path, year: str) -> list[dict[str, str]]:
    """HR's export of the year, as rows."""
    ana = await actor(district, ANA)
    out = tmp_path / "ledger.csv"
    await export_ledger(district.db, ana.district_id or 0, year, out)
    return list(csv.DictReader(out.open(encoding="utf-8")))


async def _ana_total(district: Services, tmp_path: Path, year: str) -> dict[str, str]:
    rows = await _exported(district, tmp_path, year)
    return next(r for r in rows if r["row_type"] == "teacher_total" and r["employee_email"] == ANA)


async def test_revoking_the_prerequisite_undoes_the_pathway_and_its_salary_step(
    district: Services, tmp_path: Path
) -> None:
    room = LocalDriver(district)
    await _approved(district)
    assert await _steps(district) == ("+5%",)
    assert "salary step +5%" in await room.as_(ANA).command("status")
    assert (await _ana_total(district, tmp_path, "2026-27"))["salary_step"] == "+5%"

    await _revoke(district, "C-ONE")

    # HR and the teacher see the same thing: the step is taken back by a reversing entry.
    assert await _steps(district) == ()
    status = await room.as_(ANA).command("status")
    assert "salary step +5%." not in status  # not in her credits; said to be undone instead
    assert "(with its salary step +5%): completed, then undone on" in status
    assert (await _ana_total(district, tmp_path, "2026-27"))["salary_step"] == ""
    async with district.db.read() as session:
        steps = (await session.execute(
            select(LedgerEntry.quantity, LedgerEntry.reverses_id, LedgerEntry.reason)
            .where(LedgerEntry.kind == "salary_step").order_by(LedgerEntry.id)
        )).all()  # fmt: skip
        completions = (await session.execute(
            select(Completion.kind, Completion.undone_reason).order_by(Completion.id)
        )).all()  # fmt: skip
    assert [(q, r is not None) for q, r, _ in steps] == [(1.0, False), (-1.0, True)]
    assert "C-ONE (Questioning for Discourse) was revoked: awarded in error" in str(steps[1][2])
    # Both the stack and the pathway rested on C-ONE; they are kept, marked undone.
    assert [kind for kind, _ in completions] == ["stack", "pathway"]
    assert all(why and "C-ONE" in why for _, why in completions)

    # The teacher hears once, plainly, and never the committee's "good news" still queued.
    heard = len(room.as_(ANA).mailbox.texts())
    await build_nudging(district, room).dispatcher.run_once()
    said = room.as_(ANA).mailbox.texts()[heard:]
    revoked = [t for t in said if "has been revoked" in t]
    assert len(revoked) == 1
    assert (
        "That also means the stack *Classroom Discourse* and the pathway"
        f" *{PATHWAY}* with its salary step (+5%) no longer count" in revoked[0]
    )
    assert "Your record for HR shows the change." in revoked[0]
    assert "withdrawn" not in revoked[0]  # the committee had decided: nothing withdrawn
    assert not [t for t in said if "committee approved your completion" in t]

    # Revoking again changes nothing: no entry, no message.
    before = await _counts(district)
    await _revoke(district, "C-ONE", "again")
    assert await _counts(district) == before


async def test_a_pending_committee_request_is_withdrawn(district: Services) -> None:
    room = LocalDriver(district)
    await _endorsed(district)
    assert PATHWAY in await room.as_(DEE).command("committee", "")

    await _revoke(district, "C-ONE")

    assert PATHWAY not in await room.as_(DEE).command("committee", "")
    said = await room.as_(DEE).command("vote", "1 yes")
    assert "Request 1 was withdrawn" in said
    async with district.db.read() as session:
        assert await session.scalar(select(CommitteeRequest.state)) == "withdrawn"
        assert (
            await session.scalar(
                select(func.count())
                .select_from(LedgerEntry)
                .where(LedgerEntry.kind == "salary_step")
            )
            == 0
        )
    assert await _steps(district) == ()


async def test_the_queued_announcement_of_a_revoked_credential_is_never_posted(
    district: Services,
) -> None:
    await award_at(district, datetime(2026, 9, 9, 1, 0, tzinfo=CHICAGO))  # at night: it waits
    await _revoke(district, "C-ONE")
    district.clock.set(datetime(2026, 9, 9, 8, 0, tzinfo=CHICAGO))
    room = Ledger(district)
    await build_nudging(district, room).dispatcher.run_once()
    assert room.channels["#celebrations"] == []
    assert room.order == [f"person:{ANA}"]  # only the revocation, not "Earned!"
    assert "has been revoked" in room.as_(ANA).last


async def test_a_revocation_at_2330_on_june_30_is_reversed_in_that_fiscal_year(
    district: Services, tmp_path: Path
) -> None:
    await _approved(district)
    district.clock.set(JUNE_30_EVENING)  # 23:30 on June 30 in Chicago, July 1 in UTC
    await _revoke(district, "C-ONE")
    async with district.db.read() as session:
        years = set(
            await session.scalars(
                select(LedgerEntry.fiscal_year).where(LedgerEntry.reverses_id.is_not(None))
            )
        )
    assert years == {"2026-27"}
    # HR's file dates them June 30 too (the district's day), not July 1 (the UTC day).
    rows = await _exported(district, tmp_path, "2026-27")
    reversals = [r for r in rows if r["reverses_entry_id"]]
    assert {r["kind"] for r in reversals} >= {"salary_step", "hours", "stipend"}
    assert {r["entry_date"] for r in reversals} == {"2027-06-30"}
    assert (await _ana_total(district, tmp_path, "2026-27"))["salary_step"] == ""


async def test_a_pathway_still_met_through_a_recognised_credential_stands(
    district: Services, tmp_path: Path
) -> None:
    template = await _template(district)
    await _policy_recognises(district, RecognitionRule(DID, "Questioning Elsewhere", "C-ONE"))
    room = LocalDriver(district)
    png = bake(json.loads(_outside(template, "Questioning Elsewhere")))
    await room.as_(ANA).send_file("badge.png", png, "image/png", text="recognise")
    assert "Recognised:" in await room.as_(DEE).press(RECOGNISE.id)
    await _approved(district)  # she earns C-ONE here too, then C-TWO: the pathway
    before = await _steps(district)
    assert before == ("+5%",)

    await _revoke(district, "C-ONE")

    assert await _steps(district) == before
    async with district.db.read() as session:
        undone = await session.scalar(
            select(func.count()).select_from(Completion).where(Completion.undone_at.is_not(None))
        )
    assert undone == 0
    assert (await _ana_total(district, tmp_path, "2026-27"))["salary_step"] == "+5%"


async def test_an_undone_pathway_met_again_later_comes_back_for_a_fresh_vote(
    district: Services,
) -> None:
    template = await _template(district)
    await _policy_recognises(district, RecognitionRule(DID, "Questioning Elsewhere", "C-ONE"))
    room = LocalDriver(district)
    await _endorsed(district)
    await _revoke(district, "C-ONE")
    assert PATHWAY not in await room.as_(DEE).command("committee", "")

    # She then has the prerequisite recognised from elsewhere: the pathway holds again.
    png = bake(json.loads(_outside(template, "Questioning Elsewhere")))
    await room.as_(ANA).send_file("badge.png", png, "image/png", text="recognise")
    assert "Recognised:" in await room.as_(DEE).press(RECOGNISE.id)
    listed = await room.as_(DEE).command("committee", "")
    assert f"Ana Teacher completed *{PATHWAY}*, for salary step +5%" in listed
    assert "(0 of 1 yes)" in listed
    assert "approved" in (await room.as_(DEE).command("vote", "1 yes")).lower()
    assert await _steps(district) == ("+5%",)
    async with district.db.read() as session:
        assert (
            await session.scalar(select(Completion.undone_at).where(Completion.kind == "pathway"))
            is None
        )


def test_a_notice_of_its_own_when_the_revocation_news_already_went(district: Services) -> None:
    """Should the revocation's own message go out before the undoing ran (a crash between
    the two, mended by revoking again), what it undid is said in a message of its own."""
    said = district.prompts.render("nudges.j2", "credential_revoked", p={
        "name": "Questioning for Discourse", "only_undid": True, "withdrawn": True,
        "undid": [["pathway", PATHWAY, "salary_step", "+5%"]],
    })  # fmt: skip
    assert said.startswith(
        "Revoking your credential *Questioning for Discourse* also means the pathway"
        f" *{PATHWAY}* and its salary step (+5%) no longer counts, since it rested on that"
        " credential. The committee request for it is withdrawn."
    )


async def test_a_pathway_stipend_is_taken_back_and_frees_the_budget(
    district: Services, tmp_path: Path
) -> None:
    text = (FIXTURES / "small_catalog.yaml").read_text()
    text = text.replace("stipend_budget: 400", "stipend_budget: 2000").replace(
        'outcome: {kind: salary_step, value: "+5%", committee_review: true}',
        'outcome: {kind: stipend, value: "$300"}',
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    await district.catalog.load(read_catalog(path))
    await _endorsed(district)  # two $200 awards and the pathway's $300, granted at once
    ana = await actor(district, ANA)
    assert (await district.ledger.totals(ana.person_id or 0)).all_time.stipend_cents == 70000

    await _revoke(district, "C-ONE")

    assert (await district.ledger.totals(ana.person_id or 0)).all_time.stipend_cents == 20000
    assert (await district.ledger.budget(ana.district_id or 0)).spent_cents == 20000
    assert (await _ana_total(district, tmp_path, "2026-27"))["stipend_amount"] == "200.00"


async def test_only_what_the_revoked_credential_held_up_is_undone(
    district: Services, tmp_path: Path
) -> None:
    """A pathway the catalog has since changed under her (its area now asks for another
    credential) is not undone by revoking a credential it never rested on."""
    await _endorsed(district)
    await earn_with(district, ANA, "C-COACH", _parts(), {"Listening": "Proficient"})
    text = (FIXTURES / "small_catalog.yaml").read_text()
    path = tmp_path / "catalog.yaml"
    path.write_text(
        text.replace(
            "credentials: [C-TWO, C-APPROVE], required: 1", "credentials: [C-APPROVE], required: 1"
        )
    )
    await district.catalog.load(read_catalog(path))

    await _revoke(district, "C-COACH")

    async with district.db.read() as session:
        undone = (await session.execute(
            select(Completion.kind, Completion.undone_at.is_not(None)).order_by(Completion.id)
        )).all()  # fmt: skip
    # The stack and the micro-endorsement stand; the facilitator pathway (C-COACH) is undone.
    assert undone == [("stack", False), ("pathway", False), ("pathway", True)]
