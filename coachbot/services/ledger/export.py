"""The HR export: one fiscal year of one district's ledger, one row per entry, with a total
row after each teacher's entries; CSV or a spreadsheet (xlsx).

Rows are streamed from the database and written as they come (openpyxl's write-only mode for
xlsx), so a state-size district's year takes the memory of one batch, not of the year. The
order is the ledger's own (teacher, then entry), so two exports of the same year are the same
file. The columns are documented in docs/ledger.md.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from coachbot.domain.errors import InvalidInput
from coachbot.domain.ledger import SPENDING, EntryKind, PayState, parse_year
from coachbot.domain.policy import DistrictPolicy
from coachbot.services.ledger.days import district_day
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Award,
    Completion,
    CredentialRow,
    District,
    LedgerEntry,
    PathwayRow,
    Person,
    School,
    StackRow,
)

COLUMNS = (
    "row_type", "fiscal_year", "entry_id", "entry_date", "employee_id", "employee_email",
    "employee_name", "school_code", "credential_code", "credential_title", "award_id", "kind",
    "hours", "points", "cpd_units", "graduate_credits", "stipend_amount", "salary_step",
    "pay_state", "batch_ref", "reverses_entry_id", "reason", "reversed_by_entry_id",
)  # fmt: skip
FORMATS = ("csv", "xlsx")
QUANTITY_COLUMNS = ("hours", "points", "cpd_units", "graduate_credits")  # EntryKind values
QUANTITY_AT = {kind: n for n, kind in enumerate(QUANTITY_COLUMNS)}
STIPEND, SALARY_STEP = EntryKind.STIPEND.value, EntryKind.SALARY_STEP.value
SPENT = frozenset(SPENDING)
NO_COUNTS = ("", "", "", "")
# A reversal row reads as one, whatever it takes back: row_type "reversal", pay_state
# "reversal", unless it takes back a stipend already paid (then HR is to recover it:
# "to_recover", then "recovered").
ENTRY, REVERSAL_ROW = "entry", "reversal"
REVERSAL = PayState.REVERSAL.value
RECOVERY = frozenset((PayState.TO_RECOVER.value, PayState.RECOVERED.value))
# Every entry a reversal took back reads "reversed", whatever its kind or the state it had
# (credited hours, a salary step, a stipend owed, approved, paid or over budget), and names
# its reversal: an HR filter on "credited" or "paid" never shows what was taken back.
REVERSED = "reversed"
# Rows fetched per trip to the database driver: a few MB held at once, whatever the year's size.
BATCH = 5000
Row = tuple[Any, ...]  # what a file row holds: str, int or None (an empty cell)


@dataclass(frozen=True)
class Exported:
    path: Path
    fiscal_year: str
    entries: int
    teachers: int
    stipend_cents: int  # what the year's stipend column adds up to


@lru_cache(maxsize=1024)
def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _number(value: float) -> str:
    return f"{value:g}"


@lru_cache(maxsize=1024)
def _counts(column: int, quantity: float) -> tuple[str, str, str, str]:
    """The four quantity cells of an entry: its quantity in its own column, the rest empty."""
    counts = ["", "", "", ""]
    counts[column] = _number(quantity)
    return (counts[0], counts[1], counts[2], counts[3])


class _Rows:
    """Turns the ledger's rows, a batch at a time, into the export's rows, with a total row
    after each teacher's entries (the ledger's rows come ordered by teacher).

    This loop runs once per entry of the year, so it is written for speed: the running totals
    live in local variables during a batch, the cells are built as one tuple, and repeated
    formatting (money, quantities) is cached. ``None`` stands for an empty cell; csv writes it
    as nothing, and the spreadsheet writer turns it into ''."""

    def __init__(self, year: str, reversed_by: dict[int, int] | None = None) -> None:
        self.year = year
        # entry id -> the id of its reversal, in any year (few: revocations)
        self.reversed_by = reversed_by or {}
        self.who: Row | None = None  # (teacher_id, email, name, school) being totalled
        self.quantities = [0.0, 0.0, 0.0, 0.0]  # in QUANTITY_COLUMNS' order
        self.cents = 0  # owed, approved, paid and reversed: not over budget
        self.steps: list[str] = []
        self.entries = self.teachers = self.stipend_cents = 0

    def batch(self, rows: Sequence[Row]) -> list[Row]:
        out: list[Row] = []
        append, year, spent, at = out.append, self.year, SPENT, QUANTITY_AT
        taken_back = self.reversed_by.get
        teacher = self.who[0] if self.who is not None else None
        quantities, cents, steps = self.quantities, self.cents, self.steps
        for (entry_id, day, teacher_id, email, name, school, code, title, award_id, kind,
             quantity, amount, detail, state, batch_ref, reverses, reason) in rows:  # fmt: skip
            if teacher_id != teacher:
                if self.who is not None:
                    self.cents = cents
                    append(self._total())
                self.who, teacher = (teacher_id, email, name, school), teacher_id
                quantities = self.quantities = [0.0, 0.0, 0.0, 0.0]
                steps = self.steps = []
                cents = 0
            money = step = ""
            counts = NO_COUNTS
            shown, row_type, reversal = state, ENTRY, None
            if reverses is None:
                reversal = taken_back(entry_id)
                if reversal is not None:
                    shown = REVERSED
            else:
                row_type = REVERSAL_ROW
                if state not in RECOVERY:
                    shown = REVERSAL
            if kind == STIPEND:
                if state in spent:
                    cents += amount
                money = _money(amount)
            elif kind == SALARY_STEP:
                step = detail if reverses is None else f"Reversal of {detail}"
                if quantity > 0:
                    steps.append(detail)
                elif detail in steps:
                    steps.remove(detail)
            else:
                column = at.get(kind)
                if column is not None:
                    quantities[column] += quantity
                    counts = _counts(column, quantity)
            append((
                row_type, year, entry_id, day, teacher_id, email, name, school, code, title,
                award_id, kind, *counts, money, step, shown, batch_ref, reverses, reason,
                reversal,
            ))  # fmt: skip
        self.cents = cents
        self.entries += len(rows)
        return out

    def close(self) -> list[Row]:
        """The last teacher's total row (none for an empty year)."""
        return [self._total()] if self.who is not None else []

    def _total(self) -> Row:
        assert self.who is not None
        teacher_id, email, name, school = self.who
        self.teachers += 1
        self.stipend_cents += self.cents
        hours, points, cpd_units, graduate_credits = self.quantities
        return (
            "teacher_total", self.year, "", "", teacher_id, email, name, school, "", "", "",
            "", _number(hours), _number(points), _number(cpd_units),
            _number(graduate_credits), _money(self.cents), "; ".join(self.steps),
            "", "", "", "", "",
        )  # fmt: skip


async def ledger_batches(db: Database, district_id: int, year: str) -> AsyncIterator[Sequence[Row]]:
    """The year's ledger rows for the export, in its stable order, a batch at a time; each
    entry's date is the district's day (its own zone), as its fiscal year is."""
    parse_year(year)
    async with db.read() as session:
        stored = await session.scalar(select(District.policy).where(District.id == district_id))
    policy = policy_from_json(stored) if stored is not None else DistrictPolicy()
    day = district_day(
        LedgerEntry.entered_on, db.dialect, policy.timezone, year, policy.fiscal_year_starts
    )
    # A pathway's or stack's outcome (a salary step, a committee's stipend) is named by the
    # pathway or stack in the credential columns, as an award's entries by its credential.
    pathway = (Completion.kind == "pathway") & (PathwayRow.id == Completion.subject_id)
    stack = (Completion.kind == "stack") & (StackRow.id == Completion.subject_id)
    code = func.coalesce(CredentialRow.code, PathwayRow.code, StackRow.code)
    title = func.coalesce(CredentialRow.title, PathwayRow.title, StackRow.title)
    query = (
        select(
            LedgerEntry.id, day, LedgerEntry.teacher_id,
            Person.email, Person.name, School.code, code, title,
            LedgerEntry.award_id, LedgerEntry.kind, LedgerEntry.quantity,
            LedgerEntry.amount_cents, LedgerEntry.detail, LedgerEntry.pay_state,
            LedgerEntry.batch_ref, LedgerEntry.reverses_id, LedgerEntry.reason,
        )
        .join(Person, Person.id == LedgerEntry.teacher_id)
        .outerjoin(School, School.id == Person.school_id)
        .outerjoin(Award, Award.id == LedgerEntry.award_id)
        .outerjoin(CredentialRow, CredentialRow.id == Award.credential_id)
        .outerjoin(Completion, Completion.id == LedgerEntry.completion_id)
        .outerjoin(PathwayRow, pathway)
        .outerjoin(StackRow, stack)
        .where(LedgerEntry.district_id == district_id, LedgerEntry.fiscal_year == year)
        .order_by(LedgerEntry.teacher_id, LedgerEntry.id)
    )  # fmt: skip
    async with db.read() as session:
        # Core rows, streamed: one hop to the database driver per batch, not per row. The
        # next batch is asked for before this one is handed on, so the database (PostgreSQL's
        # own process, SQLite's thread) reads it while this one is written.
        connection = await session.connection()
        result = await connection.stream(query)
        pending = asyncio.ensure_future(result.fetchmany(BATCH))
        try:
            while rows := await pending:
                pending = asyncio.ensure_future(result.fetchmany(BATCH))
                await asyncio.sleep(0)  # the fetch starts before the batch is worked on
                yield rows
        finally:
            if not pending.done():
                pending.cancel()
                with suppress(asyncio.CancelledError):
                    await pending


async def reversals(db: Database, district_id: int) -> dict[int, int]:
    """The district's entries a reversal took back, each with its reversal's id, whatever
    year the reversal is in (a few per revocation: a short list, read before the year is
    streamed, so the rows stream as they are and the file stays memory-flat)."""
    async with db.read() as session:
        rows = await session.execute(
            select(LedgerEntry.reverses_id, LedgerEntry.id).where(
                LedgerEntry.district_id == district_id, LedgerEntry.reverses_id.is_not(None)
            )
        )
        return {original: reversal for original, reversal in rows if original is not None}


Write = Callable[[Iterable[Row]], None]


@contextmanager
def _writer(path: Path, fmt: str) -> Iterator[Write]:
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("ledger")

        def cells(rows: Iterable[Row]) -> None:
            for row in rows:  # every cell text, as HR's tools read them
                sheet.append(["" if v is None else str(v) for v in row])

        yield cells
        book.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        yield csv.writer(handle).writerows


async def export_ledger(
    db: Database, district_id: int, year: str, path: Path, fmt: str = "csv"
) -> Exported:
    """Write the year's ledger to ``path``; returns what it holds, for the person asking."""
    parse_year(year)  # refused before any file is opened: nothing half-written
    if fmt not in FORMATS:
        raise InvalidInput(field="format", hint="export_format", value=fmt[:10])
    rows = _Rows(year, await reversals(db, district_id))
    with _writer(path, fmt) as write:
        write([COLUMNS])
        async for batch in ledger_batches(db, district_id, year):
            write(rows.batch(batch))
        write(rows.close())
    return Exported(path, year, rows.entries, rows.teachers, rows.stipend_cents)
