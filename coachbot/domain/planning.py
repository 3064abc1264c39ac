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
    milestones = []
    for i, title in enumerate(titles):
        if i == steps - 1:
            due = deadline  # "Submit formally" falls on the deadline the teacher chose
        else:
            due = school_day(
                start + timedelta(days=max(1, round(span * (i + 1) / steps))), start, deadline
            )
        milestones.append(Milestone(title, due))
    return milestones


def school_day(day: date, start: date, deadline: date) -> date:
    """Move a weekend ``day`` to the Friday before, or the Monday after, staying inside
    (start, deadline]; keep it when neither fits."""
    if day.weekday() < 5:
        return day
    friday = day - timedelta(days=day.weekday() - 4)
    if friday > start:
        return friday
    monday = day + timedelta(days=7 - day.weekday())
    return monday if monday <= deadline else day


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
