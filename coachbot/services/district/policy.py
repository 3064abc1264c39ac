"""District admins change policy from chat: one setting at a time, validated, audited."""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from coachbot.clock import Clock
from coachbot.domain.currency import dollars
from coachbot.domain.errors import InvalidInput, NotFound, NotPermitted
from coachbot.domain.policy import DistrictPolicy, Window
from coachbot.domain.roles import Actor, Role
from coachbot.services.record import audit
from coachbot.storage.codec import policy_from_json, policy_to_json
from coachbot.storage.database import Database
from coachbot.storage.models import District

HHMM = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
YES = {"yes", "on", "true", "1"}
WHOLE = re.compile(r"^[0-9]{1,9}$")  # ASCII digits: "²" passes isdigit() but is no number
# Dollars as people write them: 20000, $20,000, 20000.50 (ASCII digits, never nan, inf or 1e30).
MONEY = re.compile(r"^\$?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?$")
MAX_BUDGET_DOLLARS = 100_000_000  # far above any district's stipend budget
NO = {"no", "off", "false", "0"}


def _int(value: str, low: int, high: int, key: str) -> int:
    if not WHOLE.match(value) or not low <= int(value) <= high:
        raise InvalidInput(field=key, hint="number_between", low=low, high=high, value=value[:20])
    return int(value)


def _flag(value: str, key: str) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise InvalidInput(field=key, hint="yes_or_no", value=value[:20])


def _quiet(value: str) -> tuple[time, time]:
    match = HHMM.match(value)
    try:
        assert match is not None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        return time(h1, m1), time(h2, m2)
    except (AssertionError, ValueError):
        raise InvalidInput(
            field="quiet_hours", hint="quiet_hours_format", value=value[:20]
        ) from None


def _window(value: str) -> Window:
    opens, _, closes = value.partition(" to ")
    try:
        window = Window(date.fromisoformat(opens.strip()), date.fromisoformat(closes.strip()))
    except ValueError:
        raise InvalidInput(field="window", hint="window_format", value=value[:40]) from None
    if window.closes_on < window.opens_on:
        raise InvalidInput(field="window", hint="ends_before_start")
    return window


def _share(value: str) -> float:
    """A share of submissions: "10%", "0.1" or "1 in 10"."""
    text = value.strip().lower().replace(" ", "")
    try:
        if "in" in text:
            one, _, many = text.partition("in")
            share = float(one) / float(many)
        elif text.endswith("%"):
            share = float(text[:-1]) / 100
        else:
            share = float(text)
    except (ValueError, ZeroDivisionError):
        raise InvalidInput(field="calibration", hint="share", value=value[:20]) from None
    if not math.isfinite(share) or not 0 <= share <= 1:
        raise InvalidInput(field="calibration", hint="share", value=value[:20])
    return share


def _dollars(value: str) -> int:
    text = value.strip()
    refused = InvalidInput(
        field="stipend_budget", hint="money", value=value[:20], high=MAX_BUDGET_DOLLARS
    )
    if not MONEY.match(text):
        raise refused
    try:
        amount = Decimal(text.lstrip("$").replace(",", ""))
    except InvalidOperation:
        raise refused from None
    if not 0 <= amount <= MAX_BUDGET_DOLLARS:
        raise refused
    return int(amount * 100)


SETTERS: dict[str, Any] = {
    "quiet_hours": lambda p, v: dataclasses.replace(
        p, quiet_start=_quiet(v)[0], quiet_end=_quiet(v)[1]
    ),
    "quiet_weekends": lambda p, v: dataclasses.replace(
        p, quiet_weekends=_flag(v, "quiet_weekends")
    ),
    "nudge_cap": lambda p, v: dataclasses.replace(
        p, nudge_cap_per_week=_int(v, 0, 50, "nudge_cap")
    ),
    "review_deadline_days": lambda p, v: dataclasses.replace(
        p, review_deadline_days=_int(v, 1, 120, "review_deadline_days")
    ),
    "resubmission_limit": lambda p, v: dataclasses.replace(
        p, resubmission_limit=_int(v, 1, 20, "resubmission_limit")
    ),
    "window": lambda p, v: dataclasses.replace(p, submission_window=_window(v)),
    "preapproval": lambda p, v: dataclasses.replace(
        p, preapproval_required=_flag(v, "preapproval")
    ),
    "announcement_channel": lambda p, v: dataclasses.replace(
        p, announcement_channel=v.strip()[:80] or None
    ),
    "stipend_budget": lambda p, v: dataclasses.replace(p, stipend_budget_cents=_dollars(v)),
    "peer_review": lambda p, v: dataclasses.replace(p, peer_review=_flag(v, "peer_review")),
    "calibration": lambda p, v: dataclasses.replace(p, calibration_fraction=_share(v)),
    # 0 means no cap / never, as a district admin would say it in chat
    "reviewer_capacity": lambda p, v: dataclasses.replace(
        p,
        reviewers=dataclasses.replace(
            p.reviewers, weekly_capacity=_int(v, 0, 200, "reviewer_capacity") or None
        ),
    ),
    "reassign_after_days": lambda p, v: dataclasses.replace(
        p,
        reviewers=dataclasses.replace(
            p.reviewers, reassign_after_days=_int(v, 0, 60, "reassign_after_days") or None
        ),
    ),
}


class PolicyAdmin:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    @staticmethod
    def settable() -> list[str]:
        return sorted(SETTERS)

    async def current(self, district_id: int) -> DistrictPolicy:
        async with self.db.read() as session:
            district = await session.get(District, district_id)
            if district is None:
                raise NotFound(what="district", key=str(district_id))
            return policy_from_json(district.policy)

    async def set(self, actor: Actor, key: str, value: str) -> str:
        if not actor.has_role(Role.DISTRICT_ADMIN):
            raise NotPermitted(move="set_policy", parties=["admin"])
        setter = SETTERS.get(key)
        if setter is None:
            raise InvalidInput(
                field="policy", hint="policy_key", value=key[:40], allowed=self.settable()
            )
        async with self.db.write() as session:
            district = await session.get(District, actor.district_id)
            assert district is not None
            before = policy_from_json(district.policy)
            after = setter(before, value.strip())
            district.policy = policy_to_json(after)
            district.updated_at = self.clock.now()
            audit.record(
                session,
                at=self.clock.now(),
                actor=actor,
                district_id=district.id,
                subject_type="district",
                subject_id=district.id,
                action="set_policy",
                details={"key": key, "value": value.strip()[:200]},
            )
            if key == "stipend_budget" and after.stipend_budget_cents is not None:
                return dollars(after.stipend_budget_cents)  # "$25,000", as policy shows it
            return value.strip()
