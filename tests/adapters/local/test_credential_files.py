"""A credential file at the terminal (issues 14/15): the terminal has no way to attach, so
"verify PATH" and "recognize PATH" attach the file at PATH, as Slack and Discord attach one
to the message; a file shared with "/file" by a teacher with no credential in progress hears
what a file can be used for, not only "you have no credential in progress"."""

from __future__ import annotations

import json
from pathlib import Path

from coachbot.composition import Services
from coachbot.domain.recognition import RecognitionRule
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.conversation.test_recognising_in_chat import (
    DID,
    _outside,
    _policy_recognises,
    _template,
)
from tests.helpers import ANA, DEE


async def test_verify_and_recognize_take_a_path_typed_at_the_terminal(
    district: Services, tmp_path: Path
) -> None:
    template = await _template(district)  # Cara's, issued here
    await _policy_recognises(district, RecognitionRule(DID, "Questioning Elsewhere", "C-ONE"))
    await onboarded(district, ANA, DEE)
    ours = tmp_path / "cara credential.json"  # a space in the name, as downloads often have
    ours.write_text(json.dumps(template))
    typed = [f"verify {ours}", f"verify '{ours}'", f"/file {ours} verify", "/quit"]
    text = await session(district, DEE, typed)
    assert text.count("*Valid.* Every check holds.") == 3
    assert "I only open links" not in text
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(_outside(template, "Questioning Elsewhere"))
    text = await session(district, ANA, [f"recognize {elsewhere}", "/quit"])
    assert "*Questioning Elsewhere* from Elsewhere Academy verifies" in text
    text = await session(district, ANA, [f"verify {tmp_path / 'gone.json'}", "/quit"])
    assert f"I can't find a file at {tmp_path / 'gone.json'}" in text


async def test_a_file_with_no_credential_in_progress_says_what_files_are_for(
    district: Services, tmp_path: Path
) -> None:
    await onboarded(district, ANA)
    notes = tmp_path / "credential.json"
    notes.write_text("{}")
    text = await session(district, ANA, [f"/file {notes}", "/file", "/quit"])
    assert '"credential.json" isn\'t evidence for anything yet' in text
    assert "a credential to check (send it with the word *verify*)" in text
    assert "To check a credential file, type verify and its path" in text
