"""The demo semester, replayed with the example district's school calendar, keeps the promises
reminders make: read back from the record of what was sent, planned and dropped."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft201909Validator

from adapters.local.demo import EXAMPLE, START, run_demo
from coachbot.clock import VirtualClock
from coachbot.composition import build
from coachbot.conversation.vocabulary import Text
from coachbot.services.credentials.loader import achievement_schema
from coachbot.settings import Settings
from tests.adapters.local.semester_record import read_breaks, read_record

# Words of the code that must never reach a person: the journey's internal name, state and
# move values, reminder kinds, enum names.
INTERNAL = re.compile(
    r"\bpursuits?\b|\b(?:not_yet|in_progress|under_review|draft_with_facilitator|sent_back|"
    r"awaiting_approval|milestone_today|milestone_overdue|window_closing|no_plan|review_due|"
    r"school_admin|district_admin)\b|\b(?:State|Move|Role|PartKind|NudgeKind)\.",
    re.IGNORECASE,
)
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+")


def internal_words(text: str) -> list[str]:
    words = NOT_WORDS.sub("", text)
    return INTERNAL.findall(words) + re.findall(r"\bNone\b|\bnull\b", words)


def cut_mid_word(summary: str, first_line: str) -> bool:
    """A preview cut anywhere but between words, or cut without saying so."""
    first_line = first_line.strip()
    if summary == first_line:
        return False
    if not summary.endswith("…"):
        return True
    kept = summary[:-1]
    return not first_line.startswith(kept) or first_line[len(kept) :][:1] not in " ,;:.-("


@pytest.mark.parametrize("seed", [1])
def test_a_semester_keeps_the_promises_reminders_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: int
) -> None:
    weeks = 16
    demo = run_demo(tmp_path / "semester.db", seed=seed, weeks=weeks)
    shown = capsys.readouterr().out
    # every message anyone was sent: no internal word, and no preview cut mid-word
    sent = [r for mailbox in demo.driver.mail.values() for r in mailbox.replies]
    sent += [r for posts in demo.driver.channels.values() for r in posts]
    assert len(sent) > 100
    leaks = [(found, r.text[:120]) for r in sent if (found := internal_words(r.text))]
    assert leaks == []
    firsts = [
        (r.summary, next(b.markup for b in r.blocks if isinstance(b, Text)).strip())
        for r in sent
        if r.summary and any(isinstance(b, Text) for b in r.blocks)
    ]
    cut = [summary for summary, line in firsts if cut_mid_word(summary, line.split("\n")[0])]
    assert cut == []
    assert any(summary.endswith("…") for summary, _ in firsts)  # long ones are cut, kindly
    # the calendar is imported and shown once
    assert shown.count("School calendar (calendar.csv): Labor Day") == 1
    assert "Winter break Monday, December 21 to Friday, January 1" in shown
    end = datetime.combine(
        START.date() + timedelta(weeks=weeks), datetime.min.time(), ZoneInfo("America/Chicago")
    ) + timedelta(hours=16)
    record = read_record(tmp_path / "semester.db", read_breaks(EXAMPLE / "calendar.csv"), end)
    # no deadline-day, overdue or closing-window reminder is dropped by the weekly cap
    assert record.capped_urgent == 0, record.urgent_dropped
    # no plan step, deadline, review due date or reminder falls on a weekend or in a break
    assert record.on_closed_days == []
    # nobody with open work goes 14 school-calendar days without a word (breaks don't count)
    assert record.silences == []
    # facilitators never get the same digest twice in a row
    assert record.digests > 0 and record.identical_digests == 0
    # every credential earned is a signed Open Badges 3.0 credential in 1EdTech's schema that
    # verifies; the first is saved for `coachbot credentials verify` (make demo runs it)
    # verified when the demo ends: after the epilogue, whose credentials are earned in spring
    documents = asyncio.run(issued_and_verified(tmp_path / "semester.db", demo.clock.now()))
    assert len(documents) >= 3
    schema = Draft201909Validator(achievement_schema())
    assert [list(schema.iter_errors(d)) for d in documents] == [[]] * len(documents)
    saved = json.loads((tmp_path / "coachbot-demo-credential.json").read_text())
    assert saved == documents[0]
    assert f'"{saved["name"]}", is saved in' in shown


async def issued_and_verified(database: Path, end: datetime) -> list[dict[str, Any]]:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{database}", _env_file=None)
    services = build(settings, VirtualClock(end.astimezone(UTC)))
    try:
        documents = await services.credentials.issued()
        verifier = services.credentials.verifier()
        for document in documents:
            verdict = await verifier.verify(document)
            assert verdict.valid and all(c.ok for c in verdict.checks), verdict.checks
        return documents
    finally:
        await services.aclose()
