"""The ``policy.reviewers`` block of a catalog file (docs/catalog-format.md): who reviews,
who may not, how much each can take, and when a late review moves on."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from coachbot.domain.reviewer_policy import Conflict, OfficialReviewer, ReviewerPolicy
from coachbot.importing.roster_reader import normalised_email


def _email(text: str) -> str:
    email = normalised_email(text.strip())
    if email is None:
        raise ValueError(f"'{text}' is not an email address; name people by their roster email")
    return email


Email = Annotated[str, AfterValidator(_email)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConflictIn(_Strict):
    reviewer: Email
    teacher: Email

    @model_validator(mode="after")
    def _two_people(self) -> ConflictIn:
        if self.reviewer == self.teacher:
            raise ValueError(
                "a conflict names two different people; nobody reviews their own work anyway"
            )
        return self


class ReviewersIn(_Strict):
    weekly_capacity: int | None = Field(default=None, ge=1, le=200)
    official: list[OfficialReviewer] = Field(default=[OfficialReviewer.FACILITATOR], min_length=1)
    committee: list[Email] = []
    designated: dict[str, list[Email]] = {}
    qualified_only: bool = False
    conflicts: list[ConflictIn] = []
    same_school: bool = False
    reassign_after_days: int | None = Field(default=7, ge=1, le=60)
    peer_open_limit: int = Field(default=2, ge=1, le=20)

    @model_validator(mode="after")
    def _committee_named(self) -> ReviewersIn:
        if len(set(self.official)) != len(self.official):
            raise ValueError("'official' lists a kind of reviewer twice; list each once")
        if OfficialReviewer.COMMITTEE in self.official and not self.committee:
            raise ValueError(
                "'official' includes committee but no committee is listed; "
                "add 'committee' with its members' emails"
            )
        return self

    def to_policy(self) -> ReviewerPolicy:
        return ReviewerPolicy(
            weekly_capacity=self.weekly_capacity,
            official=tuple(self.official),
            committee=tuple(dict.fromkeys(self.committee)),
            designated=tuple(
                (code, tuple(dict.fromkeys(emails))) for code, emails in self.designated.items()
            ),
            qualified_only=self.qualified_only,
            conflicts=tuple(Conflict(c.reviewer, c.teacher) for c in self.conflicts),
            same_school_conflict=self.same_school,
            reassign_after_days=self.reassign_after_days,
            peer_open_limit=self.peer_open_limit,
        )
