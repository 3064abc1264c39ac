"""Every command, button and form, as every role, on objects it must not touch.

The registry is enumerated, so an action registered tomorrow is in the matrix without anyone
adding it here (and one registered without a rule does not even build). Two districts share one
database and every email (the second imports the same roster): each person acts in their own
district on what is not theirs, and from the other district on everything. Nothing may change,
nothing secret may be shown, and no turn may end in an internal error.

One database is seeded per backend and the whole matrix runs in one test, so it stays fast.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coachbot.composition import Services, build_conversation
from coachbot.conversation.authorization import Relation, Rule, Subject
from coachbot.conversation.handlers import build_registry
from coachbot.conversation.registry import Registry
from coachbot.conversation.vocabulary import (
    Action,
    ButtonPress,
    Command,
    Form,
    FormSubmission,
    Reply,
    Sender,
)
from coachbot.domain.journey import Move
from coachbot.domain.planning import Milestone
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.services.district.people import actor_by_email
from coachbot.storage.models import AuditEvent, CohortMember, MilestoneRow, Pursuit, Review
from tests.conftest import FIXTURES
from tests.helpers import ANA, BEN, CARA, DEE, FAY, GIL, SAM, under_review

HOME, AWAY = "testville", "otherville"
PEOPLE = (ANA, BEN, CARA, FAY, GIL, SAM, DEE)
SECRET = "Secret milestone of Ben"  # only Ben (and those who review or decide) may read it
INTERNAL = "something went wrong on my side"
REFUSALS = (
    "I couldn't find that", "Sorry, you can't", "your own blind review", "is for ",
    "from an older message",
    "Add the review's number", "Add the request's number", "Add the number of a review",
)  # fmt: skip
FORM_VALUES = {
    "alignment": "It serves our goals.", "plan": "Weekly.", "reason": "Not mine.",
    "when": "next friday", "deadline": "2026-12-01", "milestones": "2026-11-02: Stolen",
    "decision": "earned", "strengths": "x", "feedback": "x", "name": "Stolen cohort",
    "starts": "2026-09-01", "ends": "2027-01-29", "timezone": "America/Chicago",
    "send_as": "formal", "score:Question design": "Proficient",
    "score:Student talk": "Exemplary",
}  # fmt: skip


class Room:
    """Answers and forms as a person reads them; a notifier that only counts."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.forms: list[Form] = []

    async def reply(self, reply: Reply) -> None:
        self.replies.append(reply)

    async def open_form(self, form: Form) -> None:
        self.forms.append(form)

    async def to_person(self, person_id: int, reply: Reply) -> str | None:
        return None

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        return None

    def read(self) -> str:
        text = "\n".join(r.text for r in self.replies)
        text += "\n".join(f"{f.title} {[x.initial for x in f.fields]}" for f in self.forms)
        self.replies.clear()
        self.forms.clear()
        return text


async def _seed(services: Services) -> dict[str, dict[str, list[int]]]:
    """Both districts: in each, Ben's pursuit under review by Fay with a plan whose milestone is
    the secret, and a cohort; returns the ids by district and subject."""
    spec = read_catalog(FIXTURES / "small_catalog.yaml")
    rows = read_roster(FIXTURES / "small_roster.csv", {s.code for s in spec.schools})
    ids: dict[str, dict[str, list[int]]] = {}
    for slug in (HOME, AWAY):
        if slug == AWAY:  # the same people (by email) in a second district of the same database
            spec = dataclasses.replace(spec, slug=AWAY, name="Otherville Schools")
            rows = [dataclasses.replace(r, slack_id=None, discord_id=None) for r in rows]
        await services.catalog.load(spec)
        await services.roster.load(slug, rows)
    for slug in (HOME, AWAY):
        async with services.db.read() as session:
            ben = await actor_by_email(session, BEN, slug)
            fay = await actor_by_email(session, FAY, slug)
            dee = await actor_by_email(session, DEE, slug)
        chosen = await services.choosing.choose(ben, "C-ONE")
        pursuit_id = chosen.pursuit_id
        await services.journey.move(ben, pursuit_id, Move.START_PLANNING)
        today = services.clock.now().date()
        await services.planning.save_plan(
            ben, pursuit_id, today + days(40), [Milestone(f"{SECRET} in {slug}", today + days(9))]
        )
        cohort = await services.cohorts.create(
            dee, f"Cohort of {slug}", today, today + timedelta(days=120)
        )
        assert fay.person_id is not None and ben.person_id is not None
        ids[slug] = {
            Subject.PURSUIT: [pursuit_id],
            Subject.COHORT: [cohort],
            Subject.PERSON: [ben.person_id],
        }
    # Under review only at home (the helpers speak for the home district): one more pursuit.
    _, review_id = await _review_at_home(services)
    ids[HOME][Subject.REVIEW] = [review_id]
    ids[AWAY][Subject.REVIEW] = [review_id + 1000]  # no such review: refused as politely
    return ids


def days(n: int) -> timedelta:
    return timedelta(days=n)


async def _review_at_home(services: Services) -> tuple[int, int]:
    """Cara's (home) C-ONE under review by Fay: the helpers find people by email, which is
    ambiguous now; so they are asked with the home district."""
    import tests.helpers as helpers

    original = helpers.actor

    async def at_home(services: Services, email: str):  # type: ignore[no-untyped-def]
        async with services.db.read() as session:
            return await actor_by_email(session, email, HOME)

    helpers.actor = at_home  # type: ignore[assignment]
    try:
        return await under_review(services, CARA, FAY)
    finally:
        helpers.actor = original  # type: ignore[assignment]


async def _fingerprint(services: Services) -> tuple[object, ...]:
    """What an action that changes the record would change."""
    async with services.db.read() as session:
        pursuits = (
            await session.execute(
                select(func.count(), func.sum(Pursuit.version), func.sum(Pursuit.attempts))
            )
        ).one()
        reviews = (
            await session.execute(
                select(Review.id, Review.status, Review.reviewer_id).order_by(Review.id)
            )
        ).all()
        done = await session.scalar(
            select(func.count()).select_from(MilestoneRow).where(MilestoneRow.done_at.is_not(None))
        )
        milestones = await session.scalar(select(func.count()).select_from(MilestoneRow))
        members = await session.scalar(select(func.count()).select_from(CohortMember))
        trail = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.not_in(("refused", "view_evidence_refused")))
        )
    return (tuple(pursuits), tuple(map(tuple, reviews)), done, milestones, members, trail)


def _raw_for(rule: Rule, object_id: int) -> str:
    """A value this rule reads as ``object_id``: a plain number, or a proposed plan's."""
    for raw in (str(object_id), f"{object_id}|2026-12-01", f"anchor {object_id}"):
        try:
            if rule.ref is not None and rule.ref(raw) == object_id:
                return raw
        except Exception:
            continue
    return str(object_id)


def _may(rule: Rule, email: str, slug: str, target_slug: str, subject: str) -> bool:
    """The test's own oracle of who may act on the seeded objects (home district only): Ben
    owns the pursuit, Cara the reviewed one, Fay holds the review, Sam and Dee approve in
    North, Dee is the district admin, and anyone may join a cohort of their district."""
    if slug != target_slug:
        return False
    held = {
        Relation.OWNER: {Subject.PURSUIT: {BEN}, Subject.REVIEW: {CARA}, Subject.PERSON: {BEN}},
        Relation.REVIEWER: {Subject.REVIEW: {FAY}},
        Relation.HOLDER: {Subject.REVIEW: {FAY}},
        Relation.APPROVER: {Subject.PURSUIT: {SAM, DEE}},
        Relation.DISTRICT_ADMIN: {s: {DEE} for s in Subject},
        Relation.SCHOOL_ADMIN: {s: {SAM, DEE} for s in Subject},
        Relation.MEMBER: {s: set(PEOPLE) for s in Subject},
        Relation.COHORT_FACILITATOR: {},
    }
    return any(email in held[r].get(Subject(subject), set()) for r in rule.relations)


def _doors(registry: Registry) -> list[tuple[str, str, Rule]]:
    doors = [("command", name, spec.rule) for name, spec in registry.commands.items()]
    doors += [("button", name, rule) for name, rule in registry.action_rules.items()]
    doors += [("form", name, rule) for name, rule in registry.form_rules.items()]
    return doors


async def test_every_action_as_every_role_on_what_it_must_not_touch(
    services: Services, backend: str
) -> None:
    started = time.monotonic()
    ids = await _seed(services)
    registry = build_registry()
    registry.seal()
    room = Room()
    conversation = build_conversation(services, room)
    cases = refused = internal = on_objects = refused_on_objects = 0
    changed: list[str] = []
    leaked: list[str] = []
    counter = iter(range(10**9))
    last: tuple[object, ...] | None = None  # the record after the last case, when known
    for door, name, rule in _doors(registry):
        subjects = [rule.subject] if rule.subject else [Subject.PURSUIT]
        for slug in (HOME, AWAY):
            for email in PEOPLE:
                sender = Sender("local", email, district=slug)
                for target_slug in (HOME, AWAY):
                    if not rule.subject and target_slug == slug:
                        continue  # naming no object: one number (the other district's) will do
                    for subject in subjects:
                        for object_id in ids[target_slug][subject]:
                            if rule.subject and _may(rule, email, slug, target_slug, subject):
                                continue  # theirs to touch: not in this matrix
                            raw = _raw_for(rule, object_id)
                            if rule.subject and last is None:
                                last = await _fingerprint(services)
                            event = _event(door, name, sender, raw, f"m-{next(counter)}")
                            await conversation.handle(event, room)  # type: ignore[arg-type]
                            said = room.read()
                            cases += 1
                            case = f"{door} {name} as {email}@{slug} on {subject} {raw}"
                            internal += INTERNAL in said
                            was_refused = any(words in said for words in REFUSALS)
                            refused += was_refused
                            if any(
                                f"{SECRET} in {where}" in said and (email, slug) != (BEN, where)
                                for where in (HOME, AWAY)
                            ):
                                leaked.append(case)
                            if not rule.subject:
                                last = None  # acting on one's own things may change them
                                continue
                            on_objects += 1
                            refused_on_objects += was_refused
                            now = await _fingerprint(services)
                            if now != last:
                                changed.append(case)
                            last = now
    elapsed = time.monotonic() - started
    print(
        f"\nauthorization matrix ({backend}): {cases} cases, {refused} refused, "
        f"{internal} internal errors, {len(changed)} changed, {len(leaked)} leaked; "
        f"on others' objects: {on_objects} cases, {refused_on_objects} refused; {elapsed:.1f}s"
    )
    assert internal == 0
    assert changed == []
    assert leaked == []
    assert cases > 1000


def _event(door: str, name: str, sender: Sender, raw: str, event_id: str) -> object:
    if door == "command":
        return Command(sender, name, raw, event_id)
    if door == "button":
        return ButtonPress(sender, name, raw, event_id)
    return FormSubmission(sender, name, dict(FORM_VALUES), raw, event_id)


def test_an_action_registered_without_a_rule_does_not_build() -> None:
    registry = Registry()

    async def nothing(turn: object, value: str) -> None:
        return None

    with pytest.raises(TypeError):
        registry.action(Action("new_thing"))(nothing)  # type: ignore[call-arg]
    registry.actions["sneaked_in"] = nothing  # past the decorator, straight into the table
    with pytest.raises(ValueError, match="sneaked_in"):
        registry.seal()


def test_every_registration_has_a_rule_and_every_object_rule_reads_an_id() -> None:
    registry = build_registry()
    registry.seal()
    for door, name, rule in _doors(registry):
        assert isinstance(rule, Rule), (door, name)
        if rule.subject is not None:
            assert rule.relations and rule.ref is not None, (door, name)
            assert _raw_for(rule, 7) != "", (door, name)

