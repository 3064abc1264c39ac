"""Every phrase the bot suggests is accepted: each command it tells a person to type, read
from prompts/, is typed back as the role it is meant for, and is never answered with "I didn't
catch that", an unknown command, a usage hint or an apology."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.conversation.handlers import build_registry
from coachbot.domain.journey import Move
from coachbot.domain.roles import Role
from coachbot.services.reviews.reviewing import Decision
from tests.helpers import ANA, BEN, DEE, FAY, PASSING, SAM, actor, planned, under_review

PROMPTS = Path(__file__).parents[2] / "prompts" / "en"
# How suggestions are marked in the templates: a command in bold (say *snooze until next
# monday*), or after "For example:", "like:", "type:", "with:" (cohort add NAME: emails).
BOLD = re.compile(r"\*([a-z/][^*\n]{0,60}?)\*")
AFTER = re.compile(
    r"(?:For example|like|type|with|To add people):\s+"
    r"([a-z](?:[^\"\n{]|\{\{[^}]*\}\})*?)(?:\. |\.?$|\"|(?=\{%))",
    re.MULTILINE,
)
# Phrases shown on buttons that people also type.
TYPED_LABELS = ("ask again",)
REFUSED = (
    "I didn't catch that", "I don't know \"", "Sorry, something went wrong", "I couldn't read",
    "Write it like", "Add the credential's code", "Add the review's number",
    "Add the number of a review", "Add the request's number", "Until when?", "Which date?",
    "I can't change", "isn't right", " is for ", "You're not working on", "I couldn't find",
)  # fmt: skip
COHORT = "Fall Cohort"


def suggestions() -> set[str]:
    registry = build_registry()
    found: set[str] = set(TYPED_LABELS)
    for path in PROMPTS.glob("*.j2"):
        text = path.read_text()
        for phrase in [*BOLD.findall(text), *AFTER.findall(text)]:
            phrase = phrase.split(" (", 1)[0].strip()
            word = phrase.split()[0].lstrip("/").lower() if phrase.split() else ""
            if registry.lookup(word) is not None:
                found.add(phrase)
    return found


def filled(phrase: str, review_id: int) -> str:
    """The phrase with its placeholders filled in with this district's real names."""
    phrase = re.sub(r"\{\{ *p\.year *\}\}", "2026-27", phrase)  # ledger {{ p.year }} xlsx
    phrase = re.sub(r"\{\{[^}]*\}\}:", f"{COHORT}:", phrase)  # cohort add {{ p.name }}:
    phrase = re.sub(r"\{\{[^}]*\}\}", "C-ONE", phrase)  # feedback {{ p.code }}
    phrase = phrase.replace("COHORT NAME", COHORT).replace("Fall Cohort:", f"{COHORT}:")
    phrase = re.sub(r"\bNAME:", f"{COHORT}:", phrase)
    phrase = re.sub(r"email, email|ana@school\.org, ben@school\.org|emails", BEN, phrase)
    phrase = phrase.replace("KEY VALUE", "quiet_hours 19:00-07:30").replace("CODE", "C-ONE")
    phrase = phrase.replace("TEXT", "I could use a hand")
    phrase = phrase.replace("ana@school.org", ANA).replace("EMAIL", ANA)  # extend ...
    if phrase.startswith("calibration anchor"):
        return f"calibration anchor {review_id}"
    return re.sub(r"\bN\b|\b12\b", "3", phrase)


def speaker(phrase: str) -> str:
    spec = build_registry().lookup(phrase.split()[0].lstrip("/").lower())
    assert spec is not None
    if not spec.roles or Role.TEACHER in spec.roles:
        return ANA
    if Role.DISTRICT_ADMIN in spec.roles:
        return DEE
    return FAY if Role.FACILITATOR in spec.roles else SAM


def test_the_suggestions_are_found() -> None:
    found = suggestions()
    for expected in (
        "snooze until next monday",
        "deadline next friday",
        "choose CODE",
        "calibration anchor N",
        "policy set reviewer_capacity N",
        "mute",
    ):
        assert expected in found, expected  # fmt: skip


async def test_every_suggested_phrase_is_accepted(district: Services) -> None:
    dee = await actor(district, DEE)
    await district.cohorts.create(dee, COHORT, date(2026, 9, 1), date(2026, 12, 18))
    _, review_id = await under_review(district, BEN, FAY)  # scored: a calibration anchor
    fay = await actor(district, FAY)
    await district.reviews.record(fay, review_id, Decision.EARNED, PASSING)
    pursuit_id = await planned(district, ANA)  # Ana is working: plans, drafts, deadlines
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    room = LocalDriver(district)
    refused = []
    for phrase in sorted(suggestions()):
        typed = filled(phrase, review_id)
        answer = await room.as_(speaker(phrase)).say(typed)
        if not answer or any(words in answer for words in REFUSED):
            refused.append((typed, answer[:160]))
    assert refused == []
