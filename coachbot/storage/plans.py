"""Steering SQLite's query planner where its statistics cannot be trusted.

SQLite plans from ``sqlite_stat1``, which only ``ANALYZE`` fills; a bot's long-lived connections
keep the statistics they loaded when they opened, and a district's database usually has none
for its big tables. Without them SQLite guesses that an equality on any indexed column is
selective, and may drive a query from the wrong table (say, every completed review in the
district, to keep the few of one cohort). ``unindexed`` marks a term that must filter, never
lead: on SQLite it renders as ``+column`` (SQLite's documented way to keep a term off an index);
PostgreSQL always has statistics (autovacuum) and sees the plain column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class unindexed(FunctionElement[Any]):
    """``unindexed(Review.status) == "completed"``: filter on the column, never search by it."""

    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _plain(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unary_plus(element: unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))
