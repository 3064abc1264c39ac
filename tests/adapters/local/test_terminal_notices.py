"""A message for someone else, sent from a terminal, reaches that person when THEY open the chat.

Found in a trial: the admin revoked Tess's credential in her terminal; the notice was printed in
the admin's own window and recorded as delivered, so Tess, opening `coachbot chat` in hers, never
saw it, and `undelivered` said everything was delivered. Now it waits in the outbox (neither
retried on a timer nor ever dead), is shown first when she opens the chat, and `undelivered`
says it waits until then.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from adapters.local.terminal import chat
from coachbot.composition import Services, build
from coachbot.domain.nudges import NudgeKind
from coachbot.services.nudging import Dispatcher, Outgoing
from coachbot.settings import Settings
from coachbot.storage.models import NudgeRow, Person
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal import typist
from tests.adapters.local.test_terminal_trial import session
from tests.adapters.local.test_trial_five import _one_earned
from tests.helpers import ANA, DEE, FAY, days, planned, under_review

# What the sender reads: true whether Ana's chat is open (it shows after her next message
# there) or closed (it shows when she opens it).
KEPT = "(kept for Ana Teacher until they next use their chat)"
REVOKED = (
    "Your credential *Questioning for Discourse* has been revoked by Dee Admin: awarded in error."
)


async def _news(district: Services, kind: NudgeKind) -> NudgeRow:
    async with district.db.read() as db:
        return (await db.scalars(select(NudgeRow).where(NudgeRow.kind == kind.value))).one()


async def test_a_revocation_reaches_the_teacher_when_she_opens_her_chat(
    district: Services,
) -> None:
    public_id = await _one_earned(district)
    dee = await session(
        district, DEE, [f"revoke {public_id} awarded in error", "yes", "undelivered", "/quit"]
    )
    assert "Revoked: *Questioning for Discourse* (Ana Teacher)" in dee
    # Dee reads that it waits for Ana, not that Ana got it; and undelivered says so too.
    assert f"{KEPT} Your credential *Questioning for" in dee
    assert "Every message has been delivered" not in dee
    assert "Nothing needs sending again: no message was lost on the way." in dee
    assert "not delivered yet:* it waits for the person to open the chat" in dee
    assert "- Ana Teacher: news that a credential of theirs was revoked, waiting since" in dee

    # Two days of the scheduler's passes: nothing retried, nothing given up on, no error.
    district.clock.advance(days(2))
    tried: list[Outgoing] = []

    async def send(nudge: Outgoing) -> str:
        tried.append(nudge)
        return "never"

    passed = await Dispatcher(district.db, district.clock, send).run_once()
    assert tried == [] and (passed.retried, passed.dead) == (0, 0)
    notice = await _news(district, NudgeKind.CREDENTIAL_REVOKED)
    assert (notice.status, notice.attempts, notice.last_error) == ("waiting", 0, None)
    (line,) = [n for n in await district.outbox.lines(email=ANA) if n.kind == notice.kind]
    assert (line.status, line.reason) == ("waiting", "until_they_open_the_chat")  # `nudges`

    ana = await session(district, ANA, ["/quit"])
    assert ana.startswith("While you were away:\n")
    waited, status = ana.split("Here's where you stand", 1)
    assert REVOKED in waited
    assert "Hand in a draft" not in waited  # nothing to press about a revoked credential
    assert "Earned, then revoked on Tuesday, September 8" in status
    assert "for Ana Teacher" not in ana  # her own message, in full, not a note about her
    notice = await _news(district, NudgeKind.CREDENTIAL_REVOKED)
    assert notice.status == "sent" and (notice.platform_message_id or "").startswith("terminal-")

    assert "While you were away" not in await session(district, ANA, ["/quit"])  # shown once
    after = await session(district, DEE, ["undelivered", "/quit"])
    assert "Every message has been delivered: nothing is waiting to be sent again." in after


async def test_a_reviewers_decision_in_her_terminal_reaches_the_teacher_in_his(
    district: Services,
) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    await onboarded(district, FAY, ANA, DEE)
    _, ask = typist([f"review {review_id}", "1", "pro", "exem", "", "Let students pose the "
                     "follow-up questions.", "", "Not yet", "/quit"])  # fmt: skip
    screen: list[str] = []
    await chat(district, FAY, ask, screen.append)  # type: ignore[arg-type]
    fay = "\n".join(screen)
    assert 'Ana Teacher has your "not yet" with your feedback.' in fay
    assert KEPT in fay

    ana = await session(district, ANA, ["/quit"])
    waited = ana.split("Here's where you stand", 1)[0]
    assert waited.startswith("While you were away:\n*Questioning for Discourse*: not yet")
    assert "Let students pose the follow-up questions." in waited
    assert "  [1] Revise my evidence" in waited  # its buttons work here, numbered first
    assert "Every message has been delivered" in await session(district, DEE, ["undelivered",
                                                                                "/quit"])


async def test_a_call_for_help_waits_for_the_person_it_is_for(district: Services) -> None:
    """A turn's own send to someone else (not through the outbox) is kept for them too."""
    await planned(district, ANA)
    await onboarded(district, ANA, DEE)
    ana = await session(district, ANA, ["stuck I can't find a class to film", "/quit"])
    assert " until they next use their chat) " in ana
    async with district.db.read() as db:
        rows = (await db.execute(
            select(NudgeRow.status, Person.email).join(Person, Person.id == NudgeRow.person_id)
            .where(NudgeRow.kind == NudgeKind.HELD_MESSAGE.value)
        )).all()  # fmt: skip
    assert rows and {status for status, _ in rows} == {"waiting"}
    helper = rows[0][1]
    await onboarded(district, helper)
    told = await session(district, helper, ["/quit"])
    assert told.startswith("While you were away:\n*Ana Teacher* (ana@testville.example) asked")
    assert "\"I can't find a class to film\"" in told
    assert "Every message has been delivered" in await session(district, DEE, ["undelivered",
                                                                                "/quit"])


async def test_news_sent_while_her_chat_is_open_reaches_her_at_her_next_turn(
    district: Services, db_url: str, tmp_path: Path
) -> None:
    # A trial: Priya had her chat open while the admin revoked in another terminal; her status
    # said revoked, but the notice waited until she closed and opened the chat again.
    public_id = await _one_earned(district)
    await onboarded(district, ANA)

    def revoke_in_deans_terminal() -> None:
        async def dee() -> str:  # another process's chat: its own services, the same database
            settings = Settings(database_url=db_url, evidence_dir=tmp_path / "evidence",
                                _env_file=None)  # fmt: skip
            other = build(settings, district.clock)
            try:
                return await session(
                    other, DEE, [f"revoke {public_id} awarded in error", "yes", "/quit"]
                )
            finally:
                await other.aclose()

        with ThreadPoolExecutor(1) as pool:  # her chat waits at its prompt meanwhile
            assert "Revoked:" in pool.submit(asyncio.run, dee()).result()

    lines = iter(["status", "badges", "/quit"])

    def ask(prompt: str) -> str:
        line = next(lines)
        if line == "badges":
            revoke_in_deans_terminal()
        return line

    screen: list[str] = []
    await chat(district, ANA, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    assert REVOKED in text
    opened, _, rest = text.partition("Here's where you stand")  # her status, after the opening
    assert REVOKED not in opened  # it was not there when she opened the chat
    assert rest.count("While you were away") == 0  # she is here: it simply arrives
