"""Found in the sixth trial of `coachbot chat`: what `undelivered` said of held messages, and
three sentences that were not quite true.

- The #celebrations announcement of a teacher's credential, held so that she hears before the
  channel, was listed as "a message" held "for its person's quiet hours, a school break or a
  snooze", at 10 AM on a school day; her congratulations was listed as "their feedback".
- The goodbye said "Say *coachbot chat* again", but `--as EMAIL` is required.
- `draft` with nothing new (every part kept from last time) said "Send it as a draft, or submit
  it formally" under one button, "Hand in with a form".
- A sender read that the other person "will see it when they next open the chat", while that
  person's chat was open (it shows after their next message there).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from adapters.local.terminal import chat
from coachbot.composition import Services
from coachbot.domain.journey import Move
from coachbot.domain.nudges import NudgeKind
from coachbot.services.nudging import Dispatcher, Outgoing, WaitsForChat
from coachbot.services.record import outbox
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.models import EvidencePartRow, NudgeRow, Person
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.helpers import ANA, BELOW, BEN, DEE, FAY, PASSING, actor, earn, planned, under_review

ANNOUNCEMENT = "the #celebrations announcement of their credential *Questioning for Discourse*"
CONGRATULATIONS = (
    "their congratulations on earning *Questioning for Discourse* (their review decision)"
)


async def _dispatch(district: Services, *, terminal: bool) -> None:
    """One pass of the scheduler; ``terminal``: people are reached only in their own chat, as
    `coachbot chat` reaches them (their news waits for them to open it)."""

    async def send(nudge: Outgoing) -> str:
        if terminal and nudge.kind is not NudgeKind.AWARD_ANNOUNCEMENT:
            raise WaitsForChat(nudge.person_id)
        return f"m{nudge.id}"

    await Dispatcher(district.db, district.clock, send).run_once()


async def _kinds(district: Services) -> dict[str, tuple[str, datetime]]:
    async with district.db.read() as db:
        rows = (await db.execute(select(NudgeRow.kind, NudgeRow.status, NudgeRow.deliver_at))).all()
    return {kind: (status, deliver_at) for kind, status, deliver_at in rows}


async def test_undelivered_names_the_announcement_and_why_it_waits(district: Services) -> None:
    await earn(district, ANA)
    await onboarded(district, DEE)
    await _dispatch(district, terminal=True)
    kinds = await _kinds(district)
    assert kinds[NudgeKind.FEEDBACK_READY.value][0] == "waiting"  # for Ana to open her chat
    assert kinds[NudgeKind.AWARD_ANNOUNCEMENT.value][0] == "pending"  # held for an hour

    dee = await session(district, DEE, ["undelivered", "/quit"])
    assert f"- Ana Teacher: {CONGRATULATIONS}, waiting since" in dee
    assert (
        f"- Ana Teacher: {ANNOUNCEMENT}, waits for Ana Teacher to hear first: it goes once they"
        " have read their own news, which waits for them to open the chat"
    ) in dee
    assert "*1 message is held*, not lost" in dee
    assert "quiet hours, a school break or a snooze they chose" not in dee  # not its reason
    assert "their feedback" not in dee and ": a message" not in dee

    # Ana opens her chat: her congratulations first, then the channel hears.
    ana = await session(district, ANA, ["/quit"])
    assert "While you were away" in ana
    after = await session(district, DEE, ["undelivered", "/quit"])
    assert "Every message has been delivered" in after


async def test_undelivered_says_quiet_hours_only_when_they_are(district: Services) -> None:
    """At 9 PM in Chicago both wait for the morning: her own news for her quiet hours, the
    announcement for her news (it goes just after it)."""
    pursuit_id, review_id = await under_review(district, ANA, FAY)
    await onboarded(district, DEE)
    district.clock.set(datetime(2026, 9, 9, 2, 0, tzinfo=UTC))  # Tuesday 9 PM in Chicago
    await district.reviews.record(await actor(district, FAY), review_id, Decision.EARNED, PASSING)
    await _dispatch(district, terminal=False)
    assert pursuit_id
    dee = await session(district, DEE, ["undelivered", "/quit"])
    assert "*2 messages are held*, not lost" in dee
    assert (
        f"- Ana Teacher: {CONGRATULATIONS}, held for their quiet hours, goes Wednesday,"
        " September 9 at 7:30 AM"
    ) in dee
    assert (
        f"- Ana Teacher: {ANNOUNCEMENT}, goes just after Ana Teacher's own news (the earner"
        " hears first), Wednesday, September 9 at 7:30 AM"
    ) in dee


CTRL_D = None  # a key, not a line: the terminal's input raises EOFError for it
LINES = ["My students asked each other why, again and again, and the quiet ones",
         "found a way in through the question stems on the board today."]


async def _typed(district: Services, email: str, keys: list[str | None]) -> tuple[str, list[str]]:
    """What ``email`` reads typing ``keys`` (Ctrl-D among them), and the prompts asked."""
    asked: list[str] = []
    queue = iter(keys)

    def ask(prompt: str) -> str:
        asked.append(prompt)
        key = next(queue, CTRL_D)
        if key is CTRL_D:
            raise EOFError
        return key

    screen: list[str] = []
    await chat(district, email, ask, screen.append)  # type: ignore[arg-type]
    return "\n".join(screen), asked


async def test_ctrl_d_ends_a_comment_and_the_form_goes_on(district: Services) -> None:
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    await onboarded(district, ANA)
    text, asked = await _typed(district, ANA, [
        "draft", "1", "", "https://video.example.org/lesson-1", *LINES, CTRL_D,
        CTRL_D, "1",  # one Ctrl-D at "Send it as" asks; the answer goes on
        "/quit",
    ])  # fmt: skip
    assert any(p.startswith("Reflection (finish with an empty line or Ctrl-D): ") for p in asked)
    assert (
        "The form *Hand in evidence* isn't sent yet. To leave the chat without it (what you typed"
        " in it is not kept), press Ctrl-D again; to go on, answer *Send it as*."
    ) in text
    assert "Your draft of *Questioning for Discourse* is with Fay Facilitator" in text
    async with district.db.read() as db:
        texts = [t for t in await db.scalars(select(EvidencePartRow.text)) if t]
    assert texts == ["\n".join(LINES)]
    # What Fay is sent waits for her: true whether her chat is open or not.
    assert "(kept for Fay Facilitator until they next use their chat)" in text
    assert "To come back, type *coachbot chat --as ana@testville.example* again any time." in text


async def test_ctrl_d_twice_leaves_a_half_filled_form_and_says_so(district: Services) -> None:
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    await onboarded(district, ANA)
    text, _ = await _typed(district, ANA, [
        "draft", "1", "", "https://video.example.org/lesson-1", " ".join(LINES), "",
        CTRL_D, CTRL_D,
    ])  # fmt: skip
    assert "press Ctrl-D again" in text
    assert (
        "Goodbye! The form *Hand in evidence* was not sent, so what you typed in it is not kept;"
        " everything you sent before is saved. To come back, type"
        " *coachbot chat --as ana@testville.example* again any time."
    ) in text
    async with district.db.read() as db:
        assert [t for t in await db.scalars(select(EvidencePartRow.text)) if t] == []


async def test_draft_with_every_part_kept_offers_what_its_button_does(
    district: Services,
) -> None:
    """Sent back "not yet", nothing resent: every part is carried over from last time, and the
    only button is the form. The text says that form, not a draft or submit it has no button for."""
    _, review_id = await under_review(district, ANA, FAY)
    await district.reviews.record(await actor(district, FAY), review_id, Decision.NOT_YET, BELOW,
                                  feedback="Add three student work samples.")
    await onboarded(district, ANA)
    text = await session(district, ANA, ["draft", "/quit"])
    basket = text.split("Evidence for", 1)[1]
    assert "Everything is here, from what you sent last time" in basket
    assert "hand it all in with the form below" in basket
    assert "[1] Hand in with a form" in basket
    assert "Send it as a draft for feedback, or submit it formally" not in basket
    assert "[2]" not in basket


async def _held(district: Services, email: str, kind: NudgeKind, until: datetime) -> None:
    """A row for ``email`` whose time has come, held until ``until``."""
    now = district.clock.now()
    async with district.db.write() as db:
        person = (await db.scalars(select(Person).where(Person.email == email))).one()
        outbox.queue(db, now, key=f"test:{kind.value}", district_id=person.district_id,
                     person_id=person.id, kind=kind, subject=f"test:{kind.value}", params={},
                     deliver_at=until)  # fmt: skip


async def test_undelivered_says_snooze_and_weekend_when_they_are_the_reason(
    district: Services,
) -> None:
    await onboarded(district, DEE)
    until = district.clock.now() + timedelta(days=3)
    await district.person_settings.update(await actor(district, ANA), snoozed_until=until)
    await _held(district, ANA, NudgeKind.MILESTONE_SOON, until)
    dee = await session(district, DEE, ["undelivered", "/quit"])
    assert "- Ana Teacher: a milestone reminder, held for a snooze they chose, goes Friday" in dee

    district.clock.set(datetime(2026, 9, 12, 17, 0, tzinfo=UTC))  # Saturday noon in Chicago
    await _held(district, BEN, NudgeKind.HELD_MESSAGE, datetime(2026, 9, 14, 12, 30, tzinfo=UTC))
    dee = await session(district, DEE, ["undelivered", "/quit"])
    assert "- Ben Teacher: a message, held for the weekend, goes Monday, September 14" in dee
    assert "snooze" not in dee.split("Ben Teacher", 1)[1].split("\n", 1)[0]
