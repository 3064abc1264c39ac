"""Work plans: milestones with due dates, and a sensible default plan for a credential."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from coachbot.domain.catalog import Credential
from coachbot.domain.errors import InvalidInput


@dataclass(frozen=True)
class Milestone:
    title: str
    due_on: date


def default_plan(credential: Credential, start: date, deadline: date) -> list[Milestone]:
    """Spread the credential's work between ``start`` and ``deadline``.

    One milestone to read the rubric and plan the lesson, one per required evidence part, and a
    last one to submit, evenly spaced; the submission milestone falls on the deadline.
    """
    if deadline <= start:
        raise InvalidInput(field="deadline", hint="deadline_after_start", value=str(deadline))
    titles = ["Read the rubric and plan the lesson"]
    titles += [f"Collect: {req.name}" for req in credential.requirements if req.required]
    titles.append("Submit formally")
    span = (deadline - start).days
    steps = len(titles)
    return [
        Milestone(title, start + timedelta(days=max(1, round(span * (i + 1) / steps))))
        for i, title in enumerate(titles)
    ]


def check_plan(milestones: list[Milestone], deadline: date, today: date) -> None:
    """A plan is valid when it has milestones, none after the deadline, deadline not in the past."""
    if not milestones:
        raise InvalidInput(field="milestones", hint="plan_empty")
    if deadline < today:
        raise InvalidInput(field="deadline", hint="deadline_past", value=str(deadline))
    late = [m.title for m in milestones if m.due_on > deadline]
    if late:
        raise InvalidInput(field="milestones", hint="after_deadline", value=late[0])
    blank = [m for m in milestones if not m.title.strip()]
    if blank:
        raise InvalidInput(field="milestones", hint="title_empty")
