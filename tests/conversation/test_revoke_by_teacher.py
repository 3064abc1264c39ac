"""An admin with no link finds the credential by its teacher (a trial admin typed
``revoke priya.wright@...`` and was told it "isn't a credential's link or id"): ``revoke EMAIL``
or the teacher's full name lists her credentials still standing, each with a numbered button
that starts the revocation (the reason is asked, then the question). Only the admin's own
district: a teacher of another district reads exactly as an unknown person."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from adapters.local.terminal import chat
from coachbot.composition import Services
from coachbot.conversation.handlers import credentials
from coachbot.conversation.handlers.credentials import PICK, REVOKE
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.storage.models import IssuedCredential
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal import typist
from tests.adapters.local.test_terminal_trial import session
from tests.conftest import FIXTURES
from tests.helpers import ANA, BEN, CARA, DEE, credential_link, earn, earn_with
from tests.services.awards.test_undoing_roles import COACH
from tests.services.ledger.test_committees import _parts


async def _revoked(district: Services) -> object:
    async with district.db.read() as session_:
        return (await session_.scalars(select(IssuedCredential.revoked_at))).one()


async def test_revoke_email_lists_her_credentials_and_a_button_starts_the_revocation(
    district: Services,
) -> None:
    await earn(district, ANA)
    await earn_with(district, ANA, "C-COACH", _parts(), COACH)
    coach = await credential_link(district, ANA, "C-COACH")
    room = LocalDriver(district)
    dee = room.as_(DEE)
    listed = await dee.command("revoke", ANA.upper())
    assert "Ana Teacher's credentials that can be revoked:" in listed
    assert "1. *Questioning for Discourse*, earned " in listed
    assert "2. *Coaching Conversations*, earned " in listed
    assert "isn't a credential's link" not in listed
    button = dee.button(PICK.id, "Coaching")
    assert button.value == coach
    await dee.press(PICK.id, labelled="Coaching")
    (form,) = dee.mailbox.forms
    assert form.form_id == "revoke_reason" and form.context == coach
    asked = await dee.submit({"reason": "awarded in error"})
    assert 'because "awarded in error"?' in asked and "can't be undone" in asked
    await dee.press(REVOKE.id)
    # Revoked: it is no longer listed; the other one still is.
    listed = await dee.command("revoke", "ana teacher")  # her full name works too
    assert "1. *Questioning for Discourse*" in listed and "2. *" not in listed


async def test_a_teacher_with_nothing_to_revoke_is_said_so(district: Services) -> None:
    said = await LocalDriver(district).as_(DEE).command("revoke", BEN)
    assert "Ben Teacher has no credential that can be revoked" in said


async def test_another_districts_teacher_reads_as_unknown(
    district: Services, tmp_path: Path
) -> None:
    spec = dataclasses.replace(
        read_catalog(FIXTURES / "small_catalog.yaml"), slug="otherville", name="Otherville"
    )
    roster = (FIXTURES / "small_roster.csv").read_text().replace("testville", "otherville")
    (tmp_path / "roster.csv").write_text(roster)
    rows = read_roster(tmp_path / "roster.csv", {s.code for s in spec.schools})
    await district.catalog.load(spec)
    await district.roster.load(
        "otherville", [dataclasses.replace(r, slack_id=None, discord_id=None) for r in rows]
    )
    dee = LocalDriver(district).as_(DEE)
    theirs = await dee.command("revoke", "ana@otherville.example")
    nobody = await dee.command("revoke", "zed@otherville.example")
    assert "couldn't find a person" in theirs
    assert theirs.replace("ana@", "zed@") == nobody
    # Teachers can't list anyone's.
    said = await LocalDriver(district).as_(CARA).command("revoke", ANA)
    assert "*revoke* is for district admins" in said
    # A word that is neither a link nor a person says what to type instead.
    said = await dee.command("revoke", "priya wright")
    assert "isn't a credential's link or id" in said and "revoke ana@school.org" in said


async def test_in_the_terminal_the_admin_types_the_email_then_the_number(
    district: Services,
) -> None:
    await earn(district, ANA)
    await onboarded(district, DEE)
    text = await session(
        district, DEE, [f"revoke {ANA}", "1", "awarded in error", "yes", "/quit"]
    )
    assert "Ana Teacher's credentials that can be revoked:" in text
    assert "== Revoke Questioning for Discourse (Ana Teacher) ==" in text
    assert 'because "awarded in error"?' in text
    assert "Revoked: *Questioning for Discourse* (Ana Teacher)" in text


async def test_the_terminal_asks_the_reason_once_and_a_stray_line_gets_one_note(
    district: Services,
) -> None:
    """A trial: the reason's question read twice (a message asked, then the form), and a "3" or
    a sentence typed at "Revoke it?" got the closing note and then "There's no button 3" or
    "I didn't catch that" as well. Now each says one thing; a real command is still run."""
    await earn(district, ANA)
    await onboarded(district, DEE)
    link = await credential_link(district, ANA, "C-ONE")
    said, ask = typist(
        [f"revoke {link} clear", "awarded in error", "3",
         f"revoke {link} awarded in error", "maybe later",
         f"revoke {link} awarded in error", "badges", "/quit"]
    )  # fmt: skip
    screen: list[str] = []
    await chat(district, DEE, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    assert text.count('"clear" is too short a reason') == 1
    assert text.count("== Revoke Questioning for Discourse (Ana Teacher) ==") == 1
    assert said.count("Why is it being revoked? The teacher will see this reason.: ") == 1
    assert text.count("so I've closed the question above without doing it") == 3
    assert "There's no button 3" not in text and "I didn't catch that" not in text
    # "badges" is a command: after the closing note it is answered as usual.
    assert "*badges* is for teachers" in text.split("so I've closed the question above")[-1]
    assert await _revoked(district) is None


async def test_past_the_buttons_the_rest_are_listed_and_revoked_by_code_or_title(
    district: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial admin was told "And 3 more: revoke one of those by its link" and never shown a
    link; ``11`` and ``revoke EMAIL TITLE`` got the same list. Now the rest are listed by title
    and code, and ``revoke EMAIL CODE`` (or the title, or the start of either) starts it."""
    monkeypatch.setattr(credentials, "PICK_LIMIT", 1)  # two credentials stand for eleven
    await earn(district, ANA)
    await earn_with(district, ANA, "C-COACH", _parts(), COACH)
    coach = await credential_link(district, ANA, "C-COACH")
    dee = LocalDriver(district).as_(DEE)
    listed = await dee.command("revoke", ANA)
    assert "1. *Questioning for Discourse*" in listed and "2. *" not in listed
    assert "And 1 more, past the buttons:\n• *Coaching Conversations* (C-COACH), earned " in listed
    assert f"type *revoke {ANA} CODE* (like *revoke {ANA} C-COACH*)" in listed
    assert "by its link" not in listed
    # Neither one nor unique: the list again, saying so; nothing is started.
    vague = await dee.command("revoke", f"{ANA} Goal Setting with Students")
    assert '"Goal Setting with Students" doesn\'t name just one' in vague
    assert "And 1 more, past the buttons:" in vague and not dee.mailbox.forms
    # The code in any case, the full title, or its start: the reason form, as the button.
    for naming in ("c-coach", "coaching conversations", "Coaching Conv"):
        dee.mailbox.forms.clear()
        await dee.command("revoke", f"{ANA} {naming}")
        (form,) = dee.mailbox.forms
        assert form.form_id == "revoke_reason" and form.context == coach
    asked = await dee.submit({"reason": "awarded in error"})
    assert "Coaching Conversations" in asked and 'because "awarded in error"?' in asked
    await dee.press(REVOKE.id)
    listed = await dee.command("revoke", ANA)
    assert "Coaching Conversations" not in listed and "1. *Questioning for Discourse*" in listed
