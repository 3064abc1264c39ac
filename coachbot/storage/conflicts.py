"""Running a unit of work again when PostgreSQL chose it as a deadlock's victim.

Two reviewers handing reviews to each other at the same moment update both reviewers' open-review
counts (``reviewer_loads``, kept by triggers) in crossing order; PostgreSQL then aborts one of
the two transactions with a deadlock (SQLSTATE 40P01) and the other goes through. Nothing of the
aborted one was committed, so running it again is safe, and it is what the person expects: their
hand-off lands instead of "something went wrong". A serialization failure (40001) is treated the
same way. SQLite never deadlocks here: its writers take turns.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

RETRYABLE = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure
ATTEMPTS = 3

P = ParamSpec("P")
T = TypeVar("T")


def is_conflict(exc: BaseException) -> bool:
    """True for an error PostgreSQL raises to break a deadlock or a serialization conflict."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in RETRYABLE


def retry_conflicts(unit: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Run ``unit`` again (up to ``ATTEMPTS`` in all) when its transaction was a conflict's
    victim. ``unit`` must open its own transaction, so a retry starts from nothing."""

    @functools.wraps(unit)
    async def again(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await unit(*args, **kwargs)
            except DBAPIError as exc:
                if attempt == ATTEMPTS or not is_conflict(exc):
                    raise
                log.info("%s: retrying after a database conflict (attempt %d)",
                         unit.__qualname__, attempt)
        raise AssertionError("unreachable")  # the loop returns or raises

    return again
