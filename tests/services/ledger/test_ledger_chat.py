"""The ledger in chat: a district admin asks for the year's file and downloads it through the
real file listener; stipends move with a batch; a teacher downloads their own record; the
links cannot be altered, and teachers cannot ask for the district's ledger."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

import aiohttp

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.services.ledger.export import COLUMNS
from tests.helpers import ANA, BEN, DEE, earn, file_listener

LINK = re.compile(r"(https?://\S+/downloads/\S+)")


async def _download(services: Services, said: str) -> tuple[int, str, str]:
    found = LINK.search(said)
    assert found is not None, said
    path = urlsplit(found.group(1)).path
    async with (
        file_listener(services) as base,
        aiohttp.ClientSession() as session,
        session.get(base + path) as response,
    ):
        body = await response.read()
        disposition = response.headers.get("Content-Disposition", "")
        return response.status, body.decode("utf-8", "replace"), disposition


async def test_an_admin_downloads_the_years_ledger_in_chat(district: Services) -> None:
    for email in (ANA, BEN):
        await earn(district, email)
    room = LocalDriver(district)
    said = await room.as_(DEE).command("ledger", "2026-27")
    assert "Here is the ledger for 2026-27: 6 entries for 2 teachers, $400 in stipends" in said
    status, body, disposition = await _download(district, said)
    assert status == 200 and 'attachment; filename="ledger-2026-27.csv"' in disposition
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == list(COLUMNS)
    assert [r[0] for r in rows[1:]].count("teacher_total") == 2
    forged = LINK.search(said)
    assert forged is not None
    status, _, _ = await _download(district, "x " + forged.group(1)[:-2] + "AA")
    assert status == 403


async def test_stipends_in_chat_show_the_budget_and_move_with_a_batch(district: Services) -> None:
    await earn(district, ANA)
    dee = LocalDriver(district).as_(DEE)
    budget = await dee.command("stipends", "")
    assert (
        "Stipends this fiscal year (2026-27): $200 owed, $0 approved, $0 paid; "
        "budget left this fiscal year: $200 of $400." in budget
    )
    assert "Approved 1 stipend for 2026-27, $200 in all" in await dee.command(
        "stipends", "approve 2026-27"
    )
    assert "batch reference" in await dee.command("stipends", "pay 2026-27")
    paid = await dee.command("stipends", "pay 2026-27 batch PAY-9")
    assert "as paid in batch PAY-9" in paid
    assert "isn't a fiscal year I know" in await dee.command("ledger", "last year")


async def test_a_teacher_keeps_their_own_record_and_not_the_districts(district: Services) -> None:
    await earn(district, ANA)
    ana = LocalDriver(district).as_(ANA)
    said = await ana.command("my", "record")
    assert "Here is your record: 1 credential" in said
    status, body, _ = await _download(district, said)
    assert status == 200
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert row["credential_code"] == "C-ONE" and row["hours"] == "4"
    assert row["stipend_amount"] == "200.00"
    assert "Classroom video: https://video.example.org/v1" in row["evidence"]
    assert "/evidence/" in row["evidence"]  # the lesson plan file, by its own link
    refused = await ana.command("ledger", "2026-27")
    assert "Here is the ledger" not in refused
