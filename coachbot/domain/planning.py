"""Work plans: milestones with due dates, and a sensible default plan for a credential."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from coachbot.domain.catalog import Credential
from coachbot.domain.errors import InvalidInput
from coachbot.domain.school_days import Breaks, spread


@dataclass(frozen=True)
class Milestone:
    title: str
    due_on: date


PLAN_STEP = "Read the rubric and plan the lesson"
SUBMIT_STEP = "Submit formally"


def collect_step(part: str) -> str:
    return f"Collect: {part}"


def plan_titles(credential: Credential) -> list[str]:
    """One step to read the rubric and plan the lesson, one per required evidence part, and a
    last one to submit."""
    titles = [PLAN_STEP]
    titles += [collect_step(req.name) for req in credential.requirements if req.required]
    titles.append(SUBMIT_STEP)
    return titles


def steps_done_by_hand_in(parts: Collection[str], *, formal: bool) -> set[str]:
    """The suggested plan's steps a hand-in shows done: planning, collecting each part it
    holds, and (a formal one) submitting. So status's next step after a hand-in is what is
    really next, never "Collect: ..." for a part already handed in."""
    done = {PLAN_STEP, *(collect_step(part) for part in parts)}
    return done | {SUBMIT_STEP} if formal else done


def ticked_by_submitting(title: str | None) -> bool:
    """Whether a plan step is done only by the formal submission itself (the hand-in ticks it
    off, in its own transaction), never by a "done": a trial's teacher pressed the status
    button meaning to revise, and read that her submission was done with nothing handed in."""
    return title is not None and title.strip() == SUBMIT_STEP


def default_plan(
    credential: Credential,
    start: date,
    deadline: date,
    breaks: Breaks = (),
    *,
    done: Collection[str] = (),
) -> list[Milestone]:
    """Spread the credential's steps not yet ``done`` over the school days between ``start`` and
    ``deadline`` (weekends and the district's breaks skipped); the submission step falls on the
    last school day by the deadline.

    ``done`` holds the titles of steps already ticked off: when a deadline moves, those stay as
    they were and only the rest are spread again.
    """
    if deadline <= start:
        raise InvalidInput(field="deadline", hint="deadline_after_start", value=str(deadline))
    titles = [t for t in plan_titles(credential) if t not in set(done)]
    days = spread(len(titles), start, deadline, breaks)
    return [Milestone(title, due) for title, due in zip(titles, days, strict=True)]


def check_plan(milestones: list[Milestone], deadline: date, today: date, *, kept: int = 0) -> None:
    """A plan is valid when it has milestones (new ones, or ``kept`` steps already done, as when a
    teacher with every step ticked off moves the deadline), none after the deadline, and the
    deadline not in the past."""
    if not milestones and not kept:
        raise InvalidInput(field="milestones", hint="plan_empty")
    if deadline < today:
        raise InvalidInput(field="deadline", hint="deadline_past", value=str(deadline))
    late = [m.title for m in milestones if m.due_on > deadline]
    if late:
        raise InvalidInput(field="milestones", hint="after_deadline", value=late[0])
    blank = [m for m in milestones if not m.title.strip()]
    if blank:
        raise InvalidInput(field="milestones", hint="title_empty")
