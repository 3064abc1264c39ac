"""Nudges, the humane way: what kinds there are, which matter most, and when one may be sent.

Rules a teacher can count on: never at night or over a weekend in their own time zone (unless
they ask), never during a school break, never more than the district's weekly cap (deadlines win
over milestones, milestones over inactivity), never while snoozed or muted. These are pure
functions of the clock, the rules and the person's settings; the scheduler only applies them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class NudgeKind(StrEnum):
    NO_PLAN = "no_plan"  # enrolled, but no plan after some days
    MILESTONE_SOON = "milestone_soon"
    MILESTONE_TODAY = "milestone_today"
    MILESTONE_OVERDUE = "milestone_overdue"
    INACTIVE = "inactive"  # no activity for some days
    WINDOW_CLOSING = "window_closing"  # 7 and 1 days before the submission window closes
    FEEDBACK_READY = "feedback_ready"
    APPROVAL_WAITING = "approval_waiting"  # to approvers
    CALIBRATION_REVIEW = "calibration_review"  # a second (blind) or deciding review, an anchor
    REVIEW_DUE_SOON = "review_due_soon"  # to reviewers
    REVIEW_LATE = "review_late"
    REVIEW_ESCALATION = "review_escalation"  # to an admin
    WEEKLY_DIGEST = "weekly_digest"  # to facilitators: who is on track, who has stalled
    REVIEW_ASSIGNED = "review_assigned"  # to a reviewer: waiting evidence found them
    REVIEW_REASSIGNED = "review_reassigned"  # to a reviewer: a late review moved to them
    REVIEW_TAKEN = "review_taken"  # to the reviewer it was moved from
    REVIEWER_FOUND = "reviewer_found"  # to the teacher: who has it now and when to expect it
    TIME_TO_MEET = "time_to_meet"  # to facilitators: a teacher used every try; meet, then allow one
    APPROVAL_REQUESTED = "approval_requested"  # to approvers: a request, its reasons and plan
    APPROVAL_DECIDED = "approval_decided"  # to the teacher: approved, or sent back with a reason
    # To the district channel (the row is the earner's): released after the earner's own news.
    AWARD_ANNOUNCEMENT = "award_announcement"
    # A message one person's turn sent another during the recipient's quiet hours, held for
    # their morning (a review assigned, a request to approve, a call for help).
    HELD_MESSAGE = "held_message"
    PEER_ASKED = "peer_asked"  # to a colleague: comments on a draft, no scores, no decision
    NOBODY_TO_REVIEW = "nobody_to_review"  # to admins: evidence handed in that nobody can take
    REVIEW_HANDED = "review_handed"  # to a reviewer: a colleague handed them a review
    WINDOW_EXTENDED = "window_extended"  # to a teacher: an admin gave them (or their cohort) time
    COMMITTEE_DECIDED = "committee_decided"  # to a teacher: a pathway's outcome granted, or not yet
    CREDENTIAL_REVOKED = "credential_revoked"  # to the earner: an admin revoked it, and why


# Higher is more important. A teacher's weekly cap keeps the most important first:
# deadlines over milestones over inactivity.
PRIORITY: dict[NudgeKind, int] = {
    NudgeKind.WINDOW_CLOSING: 90,
    NudgeKind.MILESTONE_OVERDUE: 80,
    NudgeKind.MILESTONE_TODAY: 70,
    NudgeKind.MILESTONE_SOON: 60,
    NudgeKind.NO_PLAN: 40,
    NudgeKind.INACTIVE: 30,
    NudgeKind.FEEDBACK_READY: 100,
    NudgeKind.APPROVAL_WAITING: 50,
    NudgeKind.CALIBRATION_REVIEW: 65,
    NudgeKind.REVIEW_DUE_SOON: 50,
    NudgeKind.REVIEW_LATE: 60,
    NudgeKind.REVIEW_ESCALATION: 70,
    NudgeKind.WEEKLY_DIGEST: 20,
    NudgeKind.REVIEW_ASSIGNED: 60,
    NudgeKind.REVIEW_REASSIGNED: 70,
    NudgeKind.REVIEW_TAKEN: 40,
    NudgeKind.REVIEWER_FOUND: 95,
    NudgeKind.TIME_TO_MEET: 75,
    NudgeKind.APPROVAL_REQUESTED: 60,
    NudgeKind.APPROVAL_DECIDED: 95,
    NudgeKind.AWARD_ANNOUNCEMENT: 10,
    NudgeKind.HELD_MESSAGE: 85,  # last of the earner's batch: their own news goes first
    NudgeKind.PEER_ASKED: 55,
    NudgeKind.NOBODY_TO_REVIEW: 70,
    NudgeKind.REVIEW_HANDED: 70,
    NudgeKind.WINDOW_EXTENDED: 95,
    NudgeKind.COMMITTEE_DECIDED: 95,
    NudgeKind.CREDENTIAL_REVOKED: 95,
}
# Rows that wait for another row (named by key in their ``after`` param) to be sent or read.
FOLLOWS = frozenset({NudgeKind.AWARD_ANNOUNCEMENT})
# Reminders a teacher can switch off and that count against the weekly cap. The others are
# news (feedback arrived) or work for staff, and are never capped or muted.
TEACHER_REMINDERS = frozenset(
    {
        NudgeKind.NO_PLAN,
        NudgeKind.MILESTONE_SOON,
        NudgeKind.MILESTONE_TODAY,
        NudgeKind.MILESTONE_OVERDUE,
        NudgeKind.INACTIVE,
        NudgeKind.WINDOW_CLOSING,
    }
)

# A deadline today, a step already overdue, submissions about to close: the weekly cap never
# drops these. They still count against it, so the lower kinds yield first.
NEVER_CAPPED = frozenset(
    {NudgeKind.MILESTONE_TODAY, NudgeKind.MILESTONE_OVERDUE, NudgeKind.WINDOW_CLOSING}
)


@dataclass(frozen=True)
class QuietRules:
    """When a person may be reached: their zone, quiet hours, weekends and school breaks."""

    timezone: str
    quiet_start: time = time(19, 0)
    quiet_end: time = time(7, 30)
    quiet_weekends: bool = True
    breaks: tuple[tuple[date, date], ...] = ()  # inclusive date ranges with no nudges

    def _closed_day(self, day: date) -> bool:
        if self.quiet_weekends and day.weekday() >= 5:
            return True
        return any(start <= day <= end for start, end in self.breaks)

    def is_quiet(self, instant: datetime) -> bool:
        local = instant.astimezone(ZoneInfo(self.timezone))
        if self._closed_day(local.date()):
            return True
        moment = local.time()
        if self.quiet_start > self.quiet_end:  # the usual case: quiet overnight
            return moment >= self.quiet_start or moment < self.quiet_end
        return self.quiet_start <= moment < self.quiet_end

    def next_allowed(self, instant: datetime) -> datetime:
        """``instant`` if a nudge may go then, else the first moment after it that is allowed."""
        zone = ZoneInfo(self.timezone)
        if not self.is_quiet(instant):
            return instant
        # Quiet periods end at ``quiet_end``: the answer is the first such opening after
        # ``instant`` on a day that is not closed (weekend, break).
        day = instant.astimezone(zone).date()
        for _ in range(400):  # a year of breaks and weekends at the very most
            opening = datetime.combine(day, self.quiet_end, zone).astimezone(UTC)
            if opening >= instant and not self.is_quiet(opening):
                return opening
            day += timedelta(days=1)
        raise ValueError("no allowed moment within a year: check the quiet hours and breaks")


@dataclass(frozen=True)
class PersonChoices:
    muted: bool = False
    snoozed_until: datetime | None = None


@dataclass(frozen=True)
class Candidate:
    kind: NudgeKind
    subject: str  # what it is about, e.g. "milestone:42"

    @property
    def priority(self) -> int:
        return PRIORITY[self.kind]


@dataclass
class Verdict:
    send: list[Candidate] = field(default_factory=list)
    dropped: list[tuple[Candidate, str]] = field(default_factory=list)  # with the reason


def choose(
    candidates: Iterable[Candidate],
    *,
    sent_this_week: int,
    cap: int,
    choices: PersonChoices,
    now: datetime,
) -> Verdict:
    """Which of one person's due nudges go now: mute and snooze first, then the weekly cap,
    most important first; a deadline-day, overdue or closing-window reminder goes even over the
    cap (the lower kinds are the ones that yield). Everything not sent says why."""
    verdict = Verdict()
    budget = max(0, cap - sent_this_week)
    for candidate in sorted(candidates, key=lambda c: (-c.priority, c.subject)):
        if candidate.kind in TEACHER_REMINDERS:
            if choices.muted:
                verdict.dropped.append((candidate, "muted"))
                continue
            if choices.snoozed_until is not None and now < choices.snoozed_until:
                verdict.dropped.append((candidate, "snoozed"))
                continue
            if budget <= 0 and candidate.kind not in NEVER_CAPPED:
                verdict.dropped.append((candidate, "weekly_cap"))
                continue
            budget -= 1
        verdict.send.append(candidate)
    return verdict
