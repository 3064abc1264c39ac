"""The small typed values buttons and forms carry, each parsed in one place.

A value is text on the platform (a Slack button's value, a Discord custom id, a form's
context), so it may come back stale, truncated or forged: ``parse`` accepts exactly what
``str`` makes and refuses anything else with the "stale button" words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from coachbot.domain.errors import InvalidInput

_PURSUIT = re.compile(r"^([0-9]{1,18})(?:\.([0-9]{1,9}))?$")
_NUMBER = re.compile(r"^[0-9]{1,18}$")


def _stale(value: str) -> InvalidInput:
    return InvalidInput(field="button", hint="stale_value", value=value[:20])


@dataclass(frozen=True)
class PursuitRef:
    """A pursuit, and the version the person saw where a press must not act on a changed one:
    ``"12"`` or ``"12.3"``."""

    pursuit_id: int
    version: int | None = None

    @classmethod
    def parse(cls, value: str) -> PursuitRef:
        match = _PURSUIT.match(value.strip())
        if match is None:
            raise _stale(value)
        version = match.group(2)
        return cls(int(match.group(1)), int(version) if version else None)

    def __str__(self) -> str:
        if self.version is None:
            return str(self.pursuit_id)
        return f"{self.pursuit_id}.{self.version}"


@dataclass(frozen=True)
class ReviewRef:
    """One review: ``"41"``."""

    review_id: int

    @classmethod
    def parse(cls, value: str) -> ReviewRef:
        if not _NUMBER.match(value.strip()):
            raise _stale(value)
        return cls(int(value))

    def __str__(self) -> str:
        return str(self.review_id)


@dataclass(frozen=True)
class ProposedPlan:
    """A proposed plan the teacher may accept as it is: the pursuit as seen, and the deadline
    proposed: ``"12.3|2026-10-07"``."""

    pursuit: PursuitRef
    deadline: date

    @classmethod
    def parse(cls, value: str) -> ProposedPlan:
        head, _, day = value.partition("|")
        pursuit = PursuitRef.parse(head)
        try:
            return cls(pursuit, date.fromisoformat(day))
        except ValueError:
            raise _stale(value) from None

    def __str__(self) -> str:
        return f"{self.pursuit}|{self.deadline.isoformat()}"


@dataclass(frozen=True)
class FileChoice:
    """A file the teacher sent, and the part to file it as, for a "which part?" button:
    ``'[12, "Lesson plan", "<sha256>", 2048, "application/pdf", "plan.pdf"]'``. The bytes are
    already kept by their hash; a forged value can only name bytes the store holds."""

    pursuit_id: int
    part: str
    sha256: str
    size: int
    media_type: str
    file_name: str

    @classmethod
    def parse(cls, value: str) -> FileChoice:
        try:
            pid, part, sha, size, media, name = json.loads(value)
        except (ValueError, TypeError):
            raise _stale(value) from None
        fields = (pid, size), (part, sha, media, name)
        if not all(isinstance(v, int) for v in fields[0]) or not all(
            isinstance(v, str) for v in fields[1]
        ):
            raise _stale(value)
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise _stale(value)
        return cls(pid, part, sha, size, media, name)

    def __str__(self) -> str:
        return json.dumps(
            [self.pursuit_id, self.part, self.sha256, self.size, self.media_type, self.file_name],
            ensure_ascii=False,
        )


BIGGEST = 2**63 - 1  # the largest id the database keeps (a signed 64-bit integer)


def parse_id(text: str) -> int:
    """An object's number as a person or a button gives it: ASCII digits only, within what the
    database can hold. ``²``, ``1 OR 1=1`` and ``2**70`` are refused, never half-read. "#12"
    is 12, as lists show numbers ("Request #12")."""
    value = text.strip().removeprefix("#")
    if not _NUMBER.match(value) or int(value) > BIGGEST:
        raise _stale(value)
    return int(value)


def is_number(text: str) -> bool:
    """Whether ``text`` is a plain number (ASCII digits): ``"12"``, not ``"²"`` nor ``"1.5"``."""
    return bool(_NUMBER.match(text.strip().removeprefix("#")))
