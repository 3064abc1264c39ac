"""Domain errors.

Each error carries a stable ``code`` and the ``params`` a message needs. The words a person reads
live in ``prompts/<locale>/errors.j2`` (one macro per code), so the domain stays free of
user-facing text and a district can reword any message. ``str(error)`` is for logs only.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code: str = "domain_error"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(f"{self.code}: {params}")


class MoveNotAllowed(DomainError):
    """The journey does not allow this move from the pursuit's current state."""

    code = "move_not_allowed"


class NotPermitted(DomainError):
    """The actor lacks the role this move needs."""

    code = "not_permitted"


class OwnWork(DomainError):
    """Nobody approves or reviews their own work."""

    code = "own_work"


class ReasonRequired(DomainError):
    code = "reason_required"


class PreconditionFailed(DomainError):
    """A step is out of order; ``params['need']`` names what must happen first."""

    code = "precondition_failed"


class ChangedMeanwhile(DomainError):
    """Someone else changed the pursuit since the actor last saw it."""

    code = "changed_meanwhile"


class AlreadyDecided(DomainError):
    """A pre-approval request someone else (or the same person, earlier) already decided:
    ``params['decision']`` says how, ``by`` and ``at`` who and when."""

    code = "already_decided"


class NotFound(DomainError):
    code = "not_found"


class InvalidInput(DomainError):
    """Input that cannot be stored as given; ``params['field']`` and ``params['hint']`` say why."""

    code = "invalid_input"


class Incomplete(DomainError):
    """The pre-check found gaps; ``params['gaps']`` lists them (requirement, problem, detail)."""

    code = "incomplete"


class CommitteeRefusal(DomainError):
    """A committee vote that cannot count: ``params['why']`` says why (``own_request``,
    ``not_member``, ``decided``, ``already_voted``, ``reason_needed``, ``no_request``)."""

    code = "committee_refusal"


class PortInUse(DomainError):
    """A listener could not bind: ``params`` name the host, the port and the setting to change
    (another CoachBot, or another program, already listens there)."""

    code = "port_in_use"
