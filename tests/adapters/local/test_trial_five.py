"""The fifth trial (issues 14 and 15), replayed in the terminal as the district admin and a
teacher typed it: a revoke answered in words, a revoke without its reason, a revocation's day
read in Chicago, a typo of "my credentials", fiscal years as people write them, a forecast in
whole dollars, and the teacher "told" only once the message is really on its way."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from adapters.local.terminal import chat
from coachbot.cli.main import plug_in_adapters
from coachbot.composition import Services
from coachbot.storage.models import IssuedCredential
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal import typist
from tests.adapters.local.test_terminal_trial import session
from tests.adapters.local.test_trial_four import _public_ids, _revoked_in_the_evening
from tests.adapters.web.test_credential_pages import verify
from tests.helpers import ANA, BEN, CARA, DEE, earn


async def _revoked_at(district: Services) -> list[object]:
    async with district.db.read() as db:
        return list(await db.scalars(select(IssuedCredential.revoked_at)))


async def _one_earned(district: Services) -> str:
    await earn(district, ANA)
    await onboarded(district, ANA, DEE)
    (public_id,) = await _public_ids(district)
    return public_id


async def test_the_revoke_question_takes_yes_no_and_cancel_in_words(district: Services) -> None:
    public_id = await _one_earned(district)
    ask = f"revoke {public_id} awarded in error"
    text = await session(district, DEE, [ask, "cancel", ask, "no", ask, "No, keep it", "/quit"])
    assert text.count("Nothing changed: the credential stays valid.") == 3
    assert "I didn't catch that" not in text
    # A "yes" typed after another command is not the answer to the older question.
    text = await session(district, DEE, [ask, "help", "yes", "/quit"])
    assert await _revoked_at(district) == [None]
    text = await session(district, DEE, [ask, "Yes please", "/quit"])
    assert "Revoked: *Questioning for Discourse* (Ana Teacher)" in text
    assert await _revoked_at(district) != [None]


async def test_revoke_without_a_reason_asks_why_and_takes_the_next_line(
    district: Services,
) -> None:
    public_id = await _one_earned(district)
    prompts, ask = typist([f"revoke {public_id}", "awarded in error", "y", "/quit"])
    screen: list[str] = []
    await chat(district, DEE, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    assert "Write it like: revoke LINK REASON" not in text
    assert any("Why is it being revoked? The teacher will see this reason." in p for p in prompts)
    assert 'because "awarded in error"?' in text  # then the same question as with it typed
    assert "Revoked: *Questioning for Discourse* (Ana Teacher)" in text
    assert "Ana Teacher will get a message with the reason" in text
    assert "has been told" not in text


async def test_a_revocation_is_dated_in_chicago_in_chat_and_at_the_command_line(
    district: Services, tmp_path: Path
) -> None:
    """Revoked at 9 PM in Chicago, already the next day in UTC."""
    public_id = await _one_earned(district)
    await _revoked_in_the_evening(district, public_id)
    async with district.db.read() as db:
        document = await db.scalar(select(IssuedCredential.document))
    assert document is not None
    text = await session(district, DEE, [f"verify {document['id']}", "/quit"])
    # The district's day, named, as at the command line (every day of the answer in one zone).
    assert "REVOKED on December 3, 2026 (America/Chicago): awarded in error" in text
    path = tmp_path / "ana.json"
    path.write_text(json.dumps(document))
    plug_in_adapters()
    env = {"COACHBOT_DATABASE_URL": district.settings.database_url,
           "COACHBOT_LOG_LEVEL": "WARNING"}  # fmt: skip
    result = await verify(str(path), env)
    assert "REVOKED on December 3, 2026 (America/Chicago): awarded in error" in result.output
    assert "December 4" not in result.output
    assert result.exit_code == 1  # not valid, which a script tells from not checked (2)


async def test_my_credentails_typed_with_a_typo_shows_the_badges(district: Services) -> None:
    await _one_earned(district)
    text = await session(district, ANA, ["my credentails", "/quit"])
    # Her news of the award waited for her and opens the chat; then her status, then the typo.
    assert text.startswith("While you were away:\nCongratulations! You've earned")
    typed = text.split("Here's where you stand")[1]
    assert "*Questioning for Discourse*, earned September 8, 2026" in typed
    assert "your record" not in typed.lower()


async def test_a_fiscal_year_is_taken_as_people_write_it_and_said_back(
    district: Services,
) -> None:
    await earn(district, ANA)
    await onboarded(district, DEE)
    text = await session(
        district, DEE, ["ledger 2026-2027", "ledger FY27", "ledger 2026/27", "ledger 2027", "/quit"]
    )
    for typed in ("2026-2027", "FY27", "2026/27"):
        read = f'I read "{typed}" as the fiscal year 2026-27. Here is the ledger for 2026-27'
        assert read in text
    assert '"2027" isn\'t a fiscal year I know.' in text
    assert "2026-2027, 2026/27 and FY27 (the year it ends in) work too" in text


async def test_the_forecast_is_in_whole_dollars(district: Services) -> None:
    """One of three finished credentials earned: a $200 stipend in progress forecasts $66.67,
    which an approver reads as about $67."""
    await earn(district, ANA)
    room = LocalDriver(district)
    for email in (BEN, CARA):
        await room.as_(email).command("choose", "C-ONE")
        assert "You've withdrawn" in await room.as_(email).command("withdraw", "C-ONE yes")
    await room.as_(BEN).command("choose", "C-ONE")
    await onboarded(district, DEE)
    text = await session(district, DEE, ["stipends", "/quit"])
    assert "at the district's completion rate (33%) they would add about $67." in text
    assert "$66.67" not in text


async def test_a_sentence_typed_at_the_revoke_question_closes_it_and_a_later_no_is_heard(
    district: Services,
) -> None:
    """A trial admin typed a sentence while "Revoke it?" waited: it was read as a new command,
    and her "no" after it was not caught. Now the sentence closes the question, saying so,
    and the "no" after it is answered: nothing changed either way."""
    public_id = await _one_earned(district)
    ask = f"revoke {public_id} awarded in error"
    text = await session(district, DEE, [ask, "wait, let me check with HR first", "no", "/quit"])
    asked, after = text.split("[2] No, keep it")
    assert 'Revoke *Questioning for Discourse*, earned by Ana Teacher' in asked
    closed = (
        "That isn't a yes or a no, so I've closed the question above without doing it"
        ' ("Yes, revoke it" was not pressed): nothing changed. Type its command again to be'
        " asked again."
    )
    assert closed in after
    assert "There's no question waiting for a *no* just now, so nothing changed." in after
    assert await _revoked_at(district) == [None]
    # Its buttons went with it: a "1" typed later presses nothing.
    text = await session(district, DEE, [ask, "hmm", "1", "yes", "/quit"])
    assert "There's no button 1 on screen" in text
    assert "There's no question waiting for a *yes* just now" in text
    assert await _revoked_at(district) == [None]
    # A yes, a no or a button's number still answer it, and an empty line leaves it waiting.
    text = await session(district, DEE, [ask, "", "1", "/quit"])
    assert closed not in text and "Revoked: *Questioning for Discourse*" in text


async def test_a_typed_no_with_no_question_waiting_is_answered_in_the_core(
    district: Services,
) -> None:
    """On Slack a typed word never presses a button: "no" is told that nothing was asked."""
    public_id = await _one_earned(district)
    dee = LocalDriver(district).as_(DEE)
    await dee.command("revoke", f"{public_id} awarded in error")
    said = await dee.say("No thanks")
    assert "There's no question waiting for a *no* just now, so nothing changed." in said
    assert "I didn't catch that" not in said
    assert await _revoked_at(district) == [None]
    assert "Revoked:" in await dee.press("revoke_credential")  # the button itself still works
