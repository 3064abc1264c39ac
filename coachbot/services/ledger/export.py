"""The HR export: one fiscal year of one district's ledger, one row per entry, with a total
row after each teacher's entries; CSV or a spreadsheet (xlsx).

Rows are streamed from the database and written as they come (openpyxl's write-only mode for
xlsx), so a state-size district's year takes the memory of one batch, not of the year. The
order is the ledger's own (teacher, then entry), so two exports of the same year are the same
file. The columns are documented in docs/ledger.md.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from coachbot.domain.errors import InvalidInput
from coachbot.domain.ledger import SPENDING, EntryKind, parse_year
from coachbot.storage.database import Database
from coachbot.storage.models import Award, CredentialRow, LedgerEntry, Person, School

COLUMNS = (
    "row_type", "fiscal_year", "entry_id", "entry_date", "employee_id", "employee_email",
    "employee_name", "school_code", "credential_code", "credential_title", "award_id", "kind",
    "hours", "points", "cpd_units", "graduate_credits", "stipend_amount", "salary_step",
    "pay_state", "batch_ref", "reverses_entry_id", "reason",
)  # fmt: skip
FORMATS = ("csv", "xlsx")
QUANTITY_COLUMNS = ("hours", "points", "cpd_units", "graduate_credits")  # EntryKind values
STIPEND, SALARY_STEP = EntryKind.STIPEND.value, EntryKind.SALARY_STEP.value
SPENT = frozenset(SPENDING)
BATCH = 2000


@dataclass
class Sums:
    hours: float = 0.0
    points: float = 0.0
    cpd_units: float = 0.0
    graduate_credits: float = 0.0
    stipend_cents: int = 0  # owed, approved, paid and reversed: not over budget
    salary_steps: list[str] = field(default_factory=list)

    def add(self, kind: str, quantity: float, cents: int, state: str, detail: str) -> None:
        if kind == STIPEND:
            self.stipend_cents += cents if state in SPENT else 0
        elif kind == SALARY_STEP:
            if quantity > 0:
                self.salary_steps.append(detail)
            elif detail in self.salary_steps:
                self.salary_steps.remove(detail)
        elif kind in QUANTITY_COLUMNS:
            setattr(self, kind, getattr(self, kind) + quantity)


@dataclass(frozen=True)
class Exported:
    path: Path
    fiscal_year: str
    entries: int
    teachers: int
    stipend_cents: int  # what the year's stipend column adds up to


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _number(value: float) -> str:
    return f"{value:g}"


async def ledger_rows(db: Database, district_id: int, year: str) -> AsyncIterator[list[str]]:
    """The export's rows (without the header), streamed in the ledger's stable order."""
    parse_year(year)
    query = (
        select(
            LedgerEntry.id, LedgerEntry.entered_on, LedgerEntry.teacher_id, Person.email,
            Person.name, School.code, CredentialRow.code, CredentialRow.title,
            LedgerEntry.award_id, LedgerEntry.kind, LedgerEntry.quantity,
            LedgerEntry.amount_cents, LedgerEntry.detail, LedgerEntry.pay_state,
            LedgerEntry.batch_ref, LedgerEntry.reverses_id, LedgerEntry.reason,
        )
        .join(Person, Person.id == LedgerEntry.teacher_id)
        .outerjoin(School, School.id == Person.school_id)
        .outerjoin(Award, Award.id == LedgerEntry.award_id)
        .outerjoin(CredentialRow, CredentialRow.id == Award.credential_id)
        .where(LedgerEntry.district_id == district_id, LedgerEntry.fiscal_year == year)
        .order_by(LedgerEntry.teacher_id, LedgerEntry.id)
    )  # fmt: skip
    current: tuple[Any, ...] | None = None
    sums = Sums()
    async with db.read() as session:
        # Core rows, a batch at a time: one hop to the database driver per batch, not per row.
        connection = await session.connection()
        result = await connection.stream(query)
        async for batch_rows in result.partitions(BATCH):
            for r in batch_rows:
                (entry_id, when, teacher_id, email, name, school, code, title, award_id, kind,
                 quantity, cents, detail, state, batch, reverses, reason) = r  # fmt: skip
                if current is not None and current[0] != teacher_id:
                    yield _total(year, current, sums)
                    sums = Sums()
                current = (teacher_id, email, name, school)
                sums.add(kind, quantity, cents, state, detail)
                column = QUANTITY_COLUMNS.index(kind) if kind in QUANTITY_COLUMNS else -1
                counts = ["", "", "", ""]
                if column >= 0:
                    counts[column] = _number(quantity)
                yield [
                    "entry", year, str(entry_id), when.date().isoformat(), str(teacher_id),
                    email, name, school or "", code or "", title or "", str(award_id or ""),
                    kind, *counts, _money(cents) if kind == STIPEND else "",
                    detail if kind == SALARY_STEP else "", state, batch or "",
                    str(reverses or ""), reason or "",
                ]  # fmt: skip
    if current is not None:
        yield _total(year, current, sums)


def _total(year: str, who: tuple[Any, ...], sums: Sums) -> list[str]:
    teacher_id, email, name, school = who
    return [
        "teacher_total", year, "", "", str(teacher_id), email, name, school or "", "", "", "",
        "", _number(sums.hours), _number(sums.points), _number(sums.cpd_units),
        _number(sums.graduate_credits), _money(sums.stipend_cents),
        "; ".join(sums.salary_steps), "", "", "", "",
    ]  # fmt: skip


class _Sheet(Protocol):
    def append(self, row: list[str]) -> None: ...


@contextmanager
def _writer(path: Path, fmt: str) -> Iterator[_Sheet]:
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("ledger")
        yield sheet
        book.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)

        class Rows:
            def append(self, row: list[str]) -> None:
                out.writerow(row)

        yield Rows()


async def export_ledger(
    db: Database, district_id: int, year: str, path: Path, fmt: str = "csv"
) -> Exported:
    """Write the year's ledger to ``path``; returns what it holds, for the person asking."""
    parse_year(year)  # refused before any file is opened: nothing half-written
    if fmt not in FORMATS:
        raise InvalidInput(field="format", hint="export_format", value=fmt[:10])
    entries = teachers = stipends = 0
    with _writer(path, fmt) as sheet:
        sheet.append(list(COLUMNS))
        async for row in ledger_rows(db, district_id, year):
            sheet.append(row)
            if row[0] == "entry":
                entries += 1
            else:
                teachers += 1
                stipends += round(float(row[COLUMNS.index("stipend_amount")]) * 100)
    return Exported(path, year, entries, teachers, stipends)
