"""A home for each role: what a person can do now, and only their role's commands.

First contact, ``help`` and Slack's Home tab all start here. A teacher reads where their own
credentials stand; a facilitator the reviews waiting and the teachers gone quiet in their
cohorts; an approver the requests waiting; a district admin also the messages the platform
would not take. Someone with several roles sees each part. Small talk ("thanks!", "hi") gets a
short human answer here too, instead of "I didn't catch that".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coachbot.conversation.handlers.common import schools_seen
from coachbot.conversation.turn import Turn
from coachbot.domain.journey import OPEN_STATES, State
from coachbot.domain.roles import Role

# The commands each role's help lists, in the order a person of that role meets them. A
# command on nobody's list is still answered; it is just not advertised.
EVERYONE = ("help", "start", "privacy", "snooze", "mute", "unmute", "why", "verify")
BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.TEACHER: (
        "join", "leave", "catalog", "show", "colleagues", "choose", "status", "plan", "deadline",
        "done", "draft", "send", "submit", "selfcheck", "clear", "files", "feedback", "withdraw",
        "helpme", "badges", "badge", "record", "recognize",
    ),
    Role.FACILITATOR: ("queue", "review", "handoff", "progress", "catalog", "show"),
    # Committees are usually administrators (Juab's three): their votes are listed with them.
    Role.SCHOOL_ADMIN: (
        "approvals", "approve", "cohort", "extend", "progress", "committee", "vote", "catalog",
        "show",
    ),
    Role.DISTRICT_ADMIN: (
        "approvals", "approve", "cohort", "extend", "progress", "policy", "calibration",
        "undelivered", "attempts", "revoke", "recognitions", "ledger", "stipends", "committee",
        "vote", "catalog", "show",
    ),
}  # fmt: skip
ROLE_ORDER = (Role.TEACHER, Role.FACILITATOR, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)
# A teacher asked to comment on a colleague's draft reads their queue too.
PEER = ("queue", "review")

@dataclass
class Now:
    """What waits for this person now, one part per role they hold (None: not their role)."""

    roles: list[str] = field(default_factory=list)
    working: list[dict[str, Any]] | None = None  # a teacher's open credentials
    earned: int = 0
    reviews: list[dict[str, Any]] | None = None  # a reviewer's queue
    approvals: int | None = None
    quiet: list[tuple[str, int]] | None = None  # teachers gone quiet in their cohorts
    undelivered: int = 0
    staff: bool = False  # a teacher who also reviews or leads: their own work comes second


async def now(turn: Turn) -> Now:
    me = turn.me
    found = Now(roles=[role.value for role in ROLE_ORDER if me.is_(role)])
    if me.is_(Role.TEACHER):
        mine = await turn.use.status.teacher(me.email, me.district_id)
        found.working = [
            {"title": line.credential_title, "state": line.state, "code": line.credential_code,
             "next": line.next_milestone if line.state in WORKING else None,
             "due": line.next_due}
            for line in mine.pursuits if line.state in OPEN_STATES  # "revoked" is no State
        ]  # fmt: skip
        found.earned = sum(1 for line in mine.pursuits if line.state == State.EARNED.value)
        found.staff = me.is_(Role.FACILITATOR) or me.is_admin
    staff = me.is_(Role.FACILITATOR) or me.is_admin
    queue = await turn.read.queue(me.person_id)
    if staff or queue:
        found.reviews = [
            {"teacher": item.teacher, "credential": item.credential, "due": item.due_at,
             "purpose": item.purpose, "review_id": item.review_id}
            for item in queue
        ]  # fmt: skip
    if me.is_admin:
        found.approvals = len(await turn.read.approvals(me.actor))
    if staff:
        found.quiet = await _quiet(turn)
    if me.is_(Role.DISTRICT_ADMIN):
        found.undelivered, _ = await turn.use.outbox.dead_letters(me.district_id, limit=1)
    return found


WORKING = (State.PLANNING.value, State.IN_PROGRESS.value, State.NOT_YET.value)


async def _quiet(turn: Turn) -> list[tuple[str, int]] | None:
    """Teachers with open work and no activity for a while, in the cohorts this person
    facilitates (all of the district's for an admin, as ``progress`` shows)."""
    cohorts = await turn.read.cohorts(turn.me.district_id)
    if not turn.me.is_admin:  # as ``progress`` shows them: all of them for a leader
        mine = set(await turn.read.my_cohorts(turn.me.person_id))
        cohorts = [(cid, name) for cid, name in cohorts if name in mine]
    if not cohorts:
        return None
    quiet: dict[str, int] = {}
    moment = turn.clock.now()
    for cohort_id, _ in cohorts[:5]:  # a school admin's, their own schools' teachers only
        report = await turn.use.status.cohort(cohort_id, moment, schools=schools_seen(turn))
        for name, days in report.quiet:
            quiet[name] = max(quiet.get(name, 0), days)
    return sorted(quiet.items(), key=lambda item: -item[1])


def commands_for(turn: Turn, queue_waiting: bool) -> list[tuple[str, list[str]]]:
    """(role, commands) for each role this person holds, each command listed once, only
    those they may use."""
    allowed = set(turn.commands)
    shown: set[str] = set()
    sections: list[tuple[str, list[str]]] = []
    for role, names in (("everyone", EVERYONE), *((r.value, BY_ROLE[r]) for r in ROLE_ORDER)):
        if role != "everyone" and not turn.me.is_(Role(role)):
            continue
        peer = queue_waiting and not turn.me.is_(Role.FACILITATOR)  # else listed as theirs
        extra = PEER if role == Role.TEACHER.value and peer else ()
        listed = [n for n in (*names, *extra) if n in allowed and n not in shown]
        shown.update(listed)
        if listed:
            sections.append((role, listed))
    return sections


async def help_(turn: Turn, args: str) -> None:
    found = await now(turn)
    sections = commands_for(turn, bool(found.reviews))
    await turn.answer("home.j2", "help", name=turn.me.name, now=found, sections=sections,
                      tz=turn.me.timezone)  # fmt: skip


async def greet(turn: Turn, *, settings_unsaved: bool = False) -> None:
    """Hello: what waits for them now, and no settings form (staff who have not saved their
    settings are told how, once, in a line)."""
    found = await now(turn)
    await turn.answer(
        "home.j2", "hello", name=turn.me.name, now=found, tz=turn.me.timezone,
        settings_unsaved=settings_unsaved,
    )  # fmt: skip
