"""The feedback a teacher has been given, to read again whenever they want.

Every review's merged message (scores, what was strong, what to change, the next step) is
written to the outbox in the review's own transaction (``services.reviews.news``), whether it
goes out at once or waits for the morning. That row is the feedback exactly as the teacher is
told it, a blind pair's merged scores and a colleague's comment-only round included, so this
read model reads those rows rather than piecing reviews together again: what ``feedback``
shows can never differ from what the message says. Each round carries the outbox row it came
from, so reading it in chat can stand for delivering it (see ``OutboxHistory.read_in_chat``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from coachbot.domain.catalog import Rubric
from coachbot.domain.nudges import NudgeKind
from coachbot.services.record import outbox
from coachbot.storage.codec import rubric_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import CredentialRow, NudgeRow, Pursuit


@dataclass(frozen=True)
class Score:
    criterion: str
    level: str  # the rubric's label (a pair that differed: "Proficient / Exemplary")
    rank: int  # the level's place on the criterion's scale, from 1; 0 when a pair differed
    of: int  # how many levels the criterion has
    at_standard: bool


@dataclass(frozen=True)
class FeedbackRound:
    """One review's merged message, as the teacher was (or will be) sent it."""

    news_id: int  # the outbox row that carries it
    pending: bool  # still waiting in the outbox (quiet hours, a retry)
    given_at: datetime
    decision: str  # feedback (on a draft) | peer (a colleague's comments) | not_yet | earned
    reviewers: list[str]
    scores: list[Score]
    strengths: list[str]
    changes: list[str]
    attempt: int
    limit: int
    meeting: bool
    params: dict[str, Any]  # everything the message carried, for what a template may add
    # A colleague's comments only: the facilitator's feedback has come too (with them, or
    # since), so the comments no longer say it is "still to come".
    facilitator_answered: bool = False


@dataclass(frozen=True)
class PursuitFeedback:
    pursuit_id: int
    code: str
    title: str
    state: str
    scale: list[str]  # the rubric's level names, lowest first, when every criterion shares them
    rounds: list[FeedbackRound]  # newest first

    @property
    def latest(self) -> FeedbackRound:
        return self.rounds[0]


class FeedbackReads:
    """Read models of the feedback a teacher was given."""

    db: Database

    async def earlier_rounds(self, pursuit_id: int) -> list[FeedbackRound]:
        """The feedback already given on a pursuit, newest first: a reviewer of a resubmission
        reads what was asked for last time. Only decided rounds are here (a blind pair's
        scores reach the teacher, and this list, only once both are in)."""
        async with self.db.read() as session:
            teacher_id = await session.scalar(
                select(Pursuit.teacher_id).where(Pursuit.id == pursuit_id)
            )
        if teacher_id is None:
            return []
        found = await self.feedback(teacher_id)
        return next((f.rounds for f in found if f.pursuit_id == pursuit_id), [])

    async def feedback(self, teacher_id: int) -> list[PursuitFeedback]:
        """Every pursuit of the teacher's with feedback, the most recently reviewed first."""
        async with self.db.read() as session:
            rows = list(
                await session.scalars(
                    select(NudgeRow)
                    .where(
                        NudgeRow.person_id == teacher_id,
                        NudgeRow.kind == NudgeKind.FEEDBACK_READY.value,
                    )
                    .order_by(NudgeRow.created_at.desc(), NudgeRow.id.desc())
                )
            )
            by_pursuit: dict[int, list[NudgeRow]] = defaultdict(list)
            for row in rows:
                pursuit_id = (row.params or {}).get("pursuit_id")
                if isinstance(pursuit_id, int) and "decision" in row.params:
                    by_pursuit[pursuit_id].append(row)
            if not by_pursuit:
                return []
            pursuits = (
                await session.execute(
                    select(
                        Pursuit.id,
                        CredentialRow.code,
                        CredentialRow.title,
                        Pursuit.state,
                        CredentialRow.rubric,
                    )
                    .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                    .where(Pursuit.id.in_(list(by_pursuit)), Pursuit.teacher_id == teacher_id)
                )
            ).all()
        found = []
        for pursuit_id, code, title, state, rubric_json in pursuits:
            rubric = rubric_from_json(rubric_json)
            rounds = _answered([_round(row, rubric) for row in by_pursuit[pursuit_id]])
            found.append(PursuitFeedback(pursuit_id, code, title, state, _scale(rubric), rounds))
        return sorted(found, key=lambda f: f.latest.given_at, reverse=True)


def _round(row: NudgeRow, rubric: Rubric) -> FeedbackRound:
    p: dict[str, Any] = dict(row.params)
    return FeedbackRound(
        news_id=row.id,
        pending=row.status in (*outbox.UNSENT, "claimed"),
        given_at=row.created_at,
        decision=str(p.get("decision", "")),
        reviewers=[str(r) for r in p.get("reviewers", [])],
        scores=[_score(rubric, *entry) for entry in p.get("scores", []) if len(entry) == 3],
        strengths=[str(s) for s in p.get("strengths", []) if s],
        changes=[str(c) for c in p.get("changes", []) if c],
        attempt=int(p.get("attempt") or 0),
        limit=int(p.get("limit") or 0),
        meeting=bool(p.get("meeting")),
        params=p,
    )


def _answered(rounds: list[FeedbackRound]) -> list[FeedbackRound]:
    """Each colleague's round marked answered when its message said so, or when a reviewer's
    round was given at or after it (the teacher reads both in one ``feedback``)."""
    return [
        replace(
            r,
            facilitator_answered=bool(r.params.get("facilitator_done"))
            or any(o.decision != "peer" and o.given_at >= r.given_at for o in rounds),
        )
        if r.decision == "peer"
        else r
        for r in rounds
    ]


def _score(rubric: Rubric, criterion: str, level: str, passing: bool) -> Score:
    found = rubric.criterion(criterion)
    levels = [lv.name for lv in found.levels] if found else []
    rank = next((i for i, name in enumerate(levels, start=1) if name == level), 0)
    return Score(criterion, level, rank, len(levels), bool(passing))


def _scale(rubric: Rubric) -> list[str]:
    scales = {tuple(lv.name for lv in c.levels) for c in rubric.criteria}
    return list(scales.pop()) if len(scales) == 1 else []
