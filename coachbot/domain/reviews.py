"""What a review is for, where it stands, and what a reviewer decides.

Stored as plain strings (``reviews.purpose``, ``reviews.status``, ``reviews.decision``): each
enum's values are exactly the strings in the database, so a member and its string compare equal.

A review's purpose:

- ``feedback``: a facilitator's feedback on a draft; returns the draft to the teacher.
- ``official``: the decision on a formal submission (earned or not yet); when the submission is
  double-scored for calibration, the first of the two blind reviews.
- ``peer``: a colleague's comments on a draft; informs the teacher, moves nothing.
- ``second``: calibration's blind second review of a formal submission.
- ``third``: decides a disagreement between the two blind reviews.
- ``anchor``: the agreed scores of an anchor submission, held by the admin who set the exercise.
- ``exercise``: a reviewer scoring an anchor; scores only, never a decision.

A review's status: ``assigned`` (open, in the reviewer's queue), ``scored`` (one of a blind pair,
scored while its partner is still open), ``completed``, ``superseded`` (a colleague decided the
same evidence first), ``handed_off`` (passed to a colleague), ``reassigned`` (moved to a colleague
when late), and ``exercise`` (an anchor exercise waiting for its scores: nobody's work queue).
"""

from __future__ import annotations

from enum import StrEnum


class ReviewPurpose(StrEnum):
    FEEDBACK = "feedback"
    OFFICIAL = "official"
    PEER = "peer"
    SECOND = "second"
    THIRD = "third"
    ANCHOR = "anchor"
    EXERCISE = "exercise"


class ReviewStatus(StrEnum):
    ASSIGNED = "assigned"
    SCORED = "scored"
    COMPLETED = "completed"
    SUPERSEDED = "superseded"
    HANDED_OFF = "handed_off"
    REASSIGNED = "reassigned"
    EXERCISE = "exercise"


class Decision(StrEnum):
    """What a reviewer records: feedback on a draft, or earned / not yet on a formal one."""

    FEEDBACK = "feedback"  # on a draft
    EARNED = "earned"
    NOT_YET = "not_yet"


class WaitingOn(StrEnum):
    """Why a recorded review's decision does not stand yet."""

    PARTNER = "partner"  # the blind second review of the pair is still open
    THIRD = "third"  # the two blind reviews disagree: a third reviewer decides
    EXERCISE = "exercise"  # an anchor exercise: scores only, there is nothing to decide


# Tuples, not sets: they go into SQL ``IN`` lists, which should read the same every time.
# Reviews that end in earned or not yet (the others give feedback, comment or only score).
DECIDING = (ReviewPurpose.OFFICIAL, ReviewPurpose.SECOND, ReviewPurpose.THIRD)
# The two blind reviews of a double-scored submission.
PAIRED = (ReviewPurpose.OFFICIAL, ReviewPurpose.SECOND)
# A review someone gave up, or that was taken from them when late: they are not asked again for
# the same evidence.
LEFT = (ReviewStatus.HANDED_OFF, ReviewStatus.REASSIGNED)
# A review that still waits for its reviewer's scores.
OPEN = (ReviewStatus.ASSIGNED, ReviewStatus.EXERCISE)
# A review in these states keeps its reviewer's right to see the evidence it is about (and to
# look at the review again); a review handed to a colleague does not.
SEEING = (ReviewStatus.ASSIGNED, ReviewStatus.SCORED, ReviewStatus.COMPLETED, ReviewStatus.EXERCISE)
# A colleague's comments (peer) see the evidence only while they are still to write: once sent,
# or once a newer draft replaced the one asked about, another teacher's work is not hers to read.
PEER_SEEING = (ReviewStatus.ASSIGNED,)


def sees_evidence(purpose: str, status: str) -> bool:
    """Whether a review of ``purpose`` in ``status`` lets its reviewer see its evidence."""
    return status in (PEER_SEEING if purpose == ReviewPurpose.PEER else SEEING)


def open_status(purpose: str) -> ReviewStatus:
    """The status a review of ``purpose`` has while it waits for scores: an anchor exercise
    waits in its own status (no work queue, routing load or journey move counts it)."""
    return ReviewStatus.EXERCISE if purpose == ReviewPurpose.EXERCISE else ReviewStatus.ASSIGNED


def blind_partner(purpose: str) -> ReviewPurpose | None:
    """The purpose of the other blind review of a double-scored submission; None when a review
    of ``purpose`` is never one of a blind pair."""
    if purpose == ReviewPurpose.OFFICIAL:
        return ReviewPurpose.SECOND
    if purpose == ReviewPurpose.SECOND:
        return ReviewPurpose.OFFICIAL
    return None
