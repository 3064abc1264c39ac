"""Who may do what, on which object: a rule declared with every command, button and form.

Every registration in the registry carries a ``Rule``: the roles it is for (none: anyone on the
roster) and, when the action names an object (a pursuit, a review, a cohort, a person), how its
id is read from what arrived (a button's value, a form's context, a command's words), parsed
once and strictly, and the relations to it that suffice (the owner, the assigned reviewer, an
approver of that request, a facilitator of that cohort, an admin of that district...).

The engine checks the rule before any handler runs (``Guard.check``), so a handler cannot forget
it; a registration without a rule fails when the registry is built. ``OWN`` marks actions that
name no object and act only on the speaker's own records (their status, their settings, their
basket), which their handlers look up by the speaker alone. Every refusal of an action on an
object, and every button or form pressed by a role it is not for, is written to the audit trail.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from coachbot.conversation.refs import ProposedPlan, PursuitRef, parse_id
from coachbot.conversation.turn import Me
from coachbot.domain.errors import DomainError, InvalidInput
from coachbot.domain.roles import Role
from coachbot.services.reading.access import AccessFacts, Relation, Subject

__all__ = [
    "OWN",
    "Guard",
    "NotYours",
    "Relation",
    "Rule",
    "Subject",
    "cohort_value",
    "command_number",
    "draft_value",
    "for_roles",
    "on",
    "person_or_all",
    "plan_value",
    "pursuit_value",
    "review_value",
]

# How an object's id is read from the raw text: an int, None when the text names no object (a
# command given without a number acts on the speaker's own), or InvalidInput when it is garbled.
Ref = Callable[[str], int | None]


class NotYours(DomainError):
    """An action on an object the person may not touch, or that is not in their district: both
    are answered alike, so nobody learns which numbers exist elsewhere."""

    code = "not_yours"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] = frozenset()  # empty: anyone on the roster
    subject: Subject | None = None  # None: no object, only the speaker's own records
    relations: tuple[Relation, ...] = ()
    ref: Ref | None = None
    move: str = ""  # what a refusal says one cannot do ("view_evidence": see this evidence)

    def with_ref(self, ref: Ref) -> Rule:
        """The same rule, reading the object's id another way (a typed command's words)."""
        return dataclasses.replace(self, ref=ref)

    def allows_role(self, me: Me) -> bool:
        return not self.roles or any(me.is_(role) for role in self.roles)


OWN = Rule()


def for_roles(*roles: Role) -> Rule:
    """For these roles, naming no object (their handler works within the speaker's district)."""
    return Rule(frozenset(roles))


def on(
    subject: Subject,
    *relations: Relation,
    ref: Ref,
    roles: tuple[Role, ...] = (),
    move: str = "",
) -> Rule:
    """On the ``subject`` whose id ``ref`` reads, for whoever holds one of ``relations``;
    ``move`` names what a refusal says the person cannot do (see ``states.j2``)."""
    if not relations:
        raise ValueError("rule_without_relation", subject)  # a programming error
    return Rule(frozenset(roles), subject, relations, ref, move)


def pursuit_value(value: str) -> int:
    """A button's or form's pursuit: ``"12"`` or ``"12.3"``."""
    return PursuitRef.parse(value).pursuit_id


def plan_value(value: str) -> int:
    """A proposed plan's pursuit: ``"12.3|2026-10-07"``."""
    return ProposedPlan.parse(value).pursuit.pursuit_id


def review_value(value: str) -> int:
    return parse_id(value)


def cohort_value(value: str) -> int | None:
    """A cohort to join; anything else lists the cohorts one may join."""
    return parse_id(value) if value.strip() else None


def person_or_all(value: str) -> int | None:
    """A person's dead letters, or ``all`` of the district's."""
    return None if value.strip() == "all" else parse_id(value)


def command_number(field: str, hint: str, command: str, *, optional: bool = False) -> Ref:
    """The number a typed command starts with (``approve 12``, ``review 41 why``): when the
    first word is not a plain number, say how to write it; with ``optional``, a first word that
    is not a number at all (a credential's code) names no object."""

    def read(args: str) -> int | None:
        word = args.strip().split(" ", 1)[0] if args.strip() else ""
        if optional and not word.removeprefix("#")[:1].isdigit():
            return None
        try:
            return parse_id(word)
        except InvalidInput:
            raise InvalidInput(field=field, hint=hint, command=command) from None

    return read


def draft_value(value: str) -> int | None:
    """``draft``: a pursuit (``"12"`` from a button) or a credential's code (the speaker's own)."""
    word = value.strip().split(" ", 1)[0] if value.strip() else ""
    return pursuit_value(word) if word.removeprefix("#")[:1].isdigit() else None


class Guard:
    """Checks a rule before a handler runs; the engine holds one."""

    def __init__(self, facts: AccessFacts) -> None:
        self.facts = facts

    async def check(self, me: Me, rule: Rule, raw: str, *, action: str, door: str) -> bool:
        """True when the handler may run. False when the role does not fit (the engine says
        so); raises ``NotYours`` (or ``InvalidInput`` for a garbled id) otherwise."""
        if not rule.allows_role(me):
            if door != "command":  # a typed command is curiosity; a pressed button is not
                await self.facts.refused(me.actor, action=action, door=door, why="role")
            return False
        if rule.subject is None or rule.ref is None:
            return True
        object_id = rule.ref(raw)
        if object_id is None:
            return True
        verdict = await self.facts.check(me.actor, rule.subject, object_id, rule.relations)
        if verdict.allowed:
            return True
        if verdict.why == "moved" and verdict.moved is not None:
            # Their own review, now a colleague's: not an attempt on someone else's work, so
            # not logged; they hear when it moved and that nothing more is needed from them.
            how, when, to = verdict.moved
            raise NotYours(what=rule.subject.value, moved=how, on=when, to=to, number=object_id)
        if door == "command" and verdict.why == "not_found":
            # A typed number that is nobody's (a typo, "approve 99"): not an attempt on
            # someone else's work, so not logged; the command may say which are theirs.
            raise NotYours(what=rule.subject.value, asked=rule.move or "", missing=object_id)
        await self.facts.refused(
            me.actor, action=action, door=door, why=verdict.why, subject=rule.subject.value,
            subject_id=object_id, district_id=verdict.district_id,
        )  # fmt: skip
        if verdict.why in ("not_found", "other_district"):
            # The same words (no number is confirmed), in the words of what was asked for;
            # logged, unlike a typo: another district's number is never typed by chance.
            missing = object_id if door == "command" else None
            raise NotYours(what=rule.subject.value, asked=rule.move or "", missing=missing)
        if verdict.why == "blind":
            raise NotYours(what=rule.subject.value, blind=True)
        raise NotYours(
            what=rule.subject.value, move=rule.move, parties=[r.value for r in rule.relations]
        )
