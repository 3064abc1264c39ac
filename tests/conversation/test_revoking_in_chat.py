"""A district admin revokes a credential in chat: asked first, then the revocation list bit
flips, the teacher is told why, the audit trail keeps who and why, and the award stops
counting (credit, cohort progress, the stipend budget). Teachers and school admins are
refused politely; a "no" changes nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.conversation.handlers.credentials import KEEP, REVOKE
from coachbot.domain import status_list
from coachbot.domain.roles import Role
from coachbot.storage.models import AuditEvent, Award, IssuedCredential, NudgeRow
from tests.helpers import ANA, BEN, DEE, FAY, SAM, actor, credential_link, earn
from tests.services.awards.test_undoing import PATHWAY
from tests.services.ledger.test_committees import _endorsed


async def _issued(district: Services) -> IssuedCredential:
    async with district.db.read() as session:
        return (await session.scalars(select(IssuedCredential))).one()


async def _revoked_bits(district: Services) -> set[int]:
    listed = await district.credentials.status_list("testville")
    encoded = listed["credentialSubject"]["encodedList"]
    row = await _issued(district)
    return (
        {row.status_index}
        if status_list.is_set(status_list.decode(encoded), row.status_index)
        else set()
    )


async def test_an_admin_revokes_after_saying_yes_and_the_award_stops_counting(
    district: Services,
) -> None:
    dee = await actor(district, DEE)
    cohort = await district.cohorts.create(dee, "Fall", date(2026, 9, 1), date(2026, 12, 1))
    await district.cohorts.add_member(dee, cohort, ANA, Role.TEACHER)
    await earn(district, ANA)
    row = await _issued(district)
    before = await district.status.teacher(ANA)
    assert before.hours > 0 and before.stipend_cents == 20000
    room = LocalDriver(district)

    asked = await room.as_(DEE).command("revoke", f"{row.document['id']} awarded in error")
    assert "Revoke *Questioning for Discourse*, earned by Ana Teacher" in asked
    assert '"awarded in error"' in asked and "can't be undone" in asked
    # Saying no changes nothing.
    assert "Nothing changed" in await room.as_(DEE).press(KEEP.id)
    assert (await _issued(district)).revoked_at is None
    assert await _revoked_bits(district) == set()

    await room.as_(DEE).command("revoke", f"{row.public_id} awarded in error")
    done = await room.as_(DEE).press(REVOKE.id)
    assert "Revoked: *Questioning for Discourse* (Ana Teacher)" in done
    assert "Ana Teacher will get a message with the reason" in done
    assert await _revoked_bits(district) == {row.status_index}
    async with district.db.read() as session:
        award = (await session.scalars(select(Award))).one()
        audit = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "revoke_credential")
            )
        ).one()
        news = (
            await session.scalars(select(NudgeRow).where(NudgeRow.kind == "credential_revoked"))
        ).one()
    assert award.revoked_at is not None
    assert audit.actor_id == dee.person_id and audit.details["reason"] == "awarded in error"
    assert news.person_id == award.teacher_id
    told = "\n".join(room.as_(ANA).mailbox.texts())
    if news.status == "sent":  # by day the teacher hears at once; at night in the morning
        assert "has been revoked by Dee Admin: awarded in error" in told
    # The award no longer counts: not in her credit, not in the cohort, not in the budget.
    after = await district.status.teacher(ANA)
    assert (after.hours, after.points, after.stipend_cents) == (0, 0, 0)
    progress = await district.status.cohort(cohort, district.clock.now())
    assert (progress.earned, progress.by_state, progress.stipends.owed_cents) == (
        0, {"revoked": 1}, 0,
    )  # fmt: skip
    assert progress.stipend_budget_left_cents == progress.stipend_budget_cents
    assert "revoked on" in await room.as_(ANA).command("badges")
    # Pressing yes again (or revoking again) keeps the first revocation.
    again = await room.as_(DEE).press(REVOKE.id)
    assert "was already revoked" in again and "Nothing changed" in again


async def test_only_district_admins_revoke_and_only_their_districts(district: Services) -> None:
    await earn(district, ANA)
    row = await _issued(district)
    room = LocalDriver(district)
    for who in (BEN, FAY, SAM):
        said = await room.as_(who).command("revoke", f"{row.public_id} I dislike it")
        assert "*revoke* is for district admins" in said
        said = await room.as_(who).press_value(REVOKE.id, f"{row.public_id}|I dislike it")
        assert "That button is for district admins, so nothing was done" in said
    assert (await _issued(district)).revoked_at is None
    said = await room.as_(DEE).command("revoke", "not-a-link because")
    assert "isn't a credential's link or id" in said
    said = await room.as_(DEE).command("revoke", "")
    assert "The reason is required" in said
    # The link alone: the reason is asked for, and nothing changes until the yes.
    await room.as_(DEE).command("revoke", row.public_id)
    (asked,) = room.as_(DEE).mailbox.forms
    assert asked.fields[0].label == "Why is it being revoked? The teacher will see this reason."
    said = await room.as_(DEE).command(
        "revoke", "00000000-0000-4000-8000-000000000000 awarded in error"
    )
    assert "couldn't find a credential of your district" in said
    assert (await _issued(district)).revoked_at is None


async def test_the_question_names_the_pathway_and_salary_step_it_would_undo(
    district: Services,
) -> None:
    """Before the yes, the admin reads what else goes: the stack and the pathway that rest
    on the credential, the salary step the committee granted (reversed) and, while the
    committee still decides, its request (withdrawn)."""
    await _endorsed(district)  # the committee has not voted yet
    room = LocalDriver(district)
    link = await credential_link(district, ANA, "C-ONE")
    asked = await room.as_(DEE).command("revoke", f"{link} awarded in error")
    assert "It would also undo what rests on it, as Ana Teacher no longer meets them" in asked
    assert "- the stack *Classroom Discourse*\n" in asked
    assert (
        f"- the pathway *{PATHWAY}*: its committee request for the salary step +5%, still"
        " open, is withdrawn" in asked
    )
    assert "Nothing changed" in await room.as_(DEE).press(KEEP.id)
    assert PATHWAY in await room.as_(DEE).command("committee", "")  # still open: no change
    voted = await district.committees.vote(await actor(district, DEE), 1, True)
    assert voted.state == "approved"
    asked = await room.as_(DEE).command("revoke", f"{link} awarded in error")
    assert f"- the pathway *{PATHWAY}*: its salary step +5% is reversed" in asked
    assert "withdrawn" not in asked and "already paid" not in asked
    # After the yes, the reply says what the revocation actually undid, in the past tense.
    done = await room.as_(DEE).press(REVOKE.id)
    assert "Undone with it, as Ana Teacher no longer meets them:" in done
    assert "- the stack *Classroom Discourse*\n" in done
    assert f"- the pathway *{PATHWAY}*: its salary step +5% was reversed" in done
    assert "nothing else was undone" not in done


async def test_the_reply_after_yes_says_what_the_committee_lost(district: Services) -> None:
    await _endorsed(district)  # the committee has not voted yet
    room = LocalDriver(district)
    link = await credential_link(district, ANA, "C-ONE")
    await room.as_(DEE).command("revoke", f"{link} awarded in error")
    done = await room.as_(DEE).press(REVOKE.id)
    assert (
        f"- the pathway *{PATHWAY}*: its committee request for the salary step +5%, still"
        " open, was withdrawn" in done
    )
    assert PATHWAY not in await room.as_(DEE).command("committee", "")


async def test_the_reply_after_yes_says_when_nothing_else_went(district: Services) -> None:
    await earn(district, ANA)
    row = await _issued(district)
    room = LocalDriver(district)
    await room.as_(DEE).command("revoke", f"{row.public_id} awarded in error")
    done = await room.as_(DEE).press(REVOKE.id)
    assert "No stack or pathway rested on it alone: nothing else was undone." in done


async def test_a_one_word_reason_is_asked_again_kindly(district: Services) -> None:
    await earn(district, ANA)
    row = await _issued(district)
    room = LocalDriver(district)
    for thin in ("clear", "x", "bad one"):
        said = await room.as_(DEE).command("revoke", f"{row.public_id} {thin}")
        assert "Revoke *" not in said and "can't be undone" not in said  # no question yet
        # Said once, in the form that asks again (not also in a message before it).
        assert "too short" not in said
        asked = room.as_(DEE).mailbox.forms[-1]
        assert asked.form_id == "revoke_reason"
        assert f'"{thin}" is too short a reason: Ana Teacher reads it, and so does HR' in (
            asked.fields[0].hint
        )
    # The form asked again takes a real reason, then the same question as with it typed.
    said = await room.as_(DEE).submit({"reason": "awarded in error"})
    assert 'because "awarded in error"?' in said
    await room.as_(DEE).submit({"reason": "no"}, form_id="revoke_reason")
    assert '"no" is too short a reason' in room.as_(DEE).mailbox.forms[-1].fields[0].hint
    assert (await _issued(district)).revoked_at is None
