"""The HR export at state size: a fiscal year of 200,000 awards, time and peak memory.

    python -m bench.ledger_export [--awards 20000 200000] [--runs 3] [--sqlite-only]

Per run and size, a fresh database holds the example catalog, ``awards / 5`` teachers in 40
schools and ``--awards`` awards in fiscal year 2026-27, each with its pursuit, formal hand-in
and review, and its ledger entries (hours, points, a $200 stipend: three per award), bulk
inserted. Then ``coachbot export ledger --fiscal-year 2026-27`` (CSV) is timed, and run once
more under ``tracemalloc`` for its peak Python memory.

Figures: seconds to export and the peak, each the median over ``--runs``. Targets: the largest
size under 10 s, and the peak flat in the number of rows (largest / smallest under 1.25):
the rows are streamed from the database and written as they come, never held.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.generate import T0, _bulk, load_catalog, move_sequences
from bench.run_all import RESULTS, runs_on_each_database
from coachbot.clock import VirtualClock
from coachbot.composition import Services, build
from coachbot.services.ledger.export import export_ledger
from coachbot.settings import Settings
from coachbot.storage.models import (
    Award,
    CredentialRow,
    District,
    EvidenceVersion,
    LedgerEntry,
    Person,
    Pursuit,
    Review,
    School,
)
from coachbot.storage.schema import upgrade

YEAR = "2026-27"


async def load_awards(services: Services, awards: int) -> int:
    """``awards`` awards in 2026-27 with their ledger entries; returns the district's id."""
    schools = await load_catalog(services, 40)
    async with services.db.read() as session:
        district = await session.scalar(select(District.id).where(District.slug == "state"))
        school_ids = list(await session.scalars(select(School.id).order_by(School.id)))
        credentials = list(await session.scalars(
            select(CredentialRow.id).where(CredentialRow.district_id == district)))  # fmt: skip
    assert district is not None and len(school_ids) == len(schools)
    teachers = max(1, awards // 5)
    await _bulk(services, Person, [
        {"id": 1000 + t, "district_id": district, "email": f"t{t:06d}@state.example",
         "name": f"Teacher {t:06d}", "school_id": school_ids[t % len(school_ids)],
         "timezone": None, "active": True, "created_at": T0, "updated_at": T0}
        for t in range(teachers)
    ])  # fmt: skip
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("p", "v", "r", "a", "e")}
    for n in range(1, awards + 1):
        teacher = 1000 + (n - 1) % teachers
        credential = credentials[((n - 1) // teachers) % len(credentials)]
        when = T0 + timedelta(days=n % 200, minutes=n % 600)
        rows["p"].append({"id": n, "district_id": district, "teacher_id": teacher,
                          "credential_id": credential, "cohort_id": None, "state": "earned",
                          "version": 9, "attempts": 1, "created_at": T0, "updated_at": when,
                          "last_activity_at": when})  # fmt: skip
        rows["v"].append(
            {
                "id": n,
                "pursuit_id": n,
                "number": 1,
                "kind": "formal",
                "created_by": teacher,
                "created_at": when,
                "note": None,
            }
        )
        rows["r"].append({"id": n, "pursuit_id": n, "evidence_version_id": n,
                          "reviewer_id": 1000, "purpose": "official", "status": "completed",
                          "assigned_at": when, "due_at": when, "completed_at": when,
                          "decision": "earned", "scores": None, "strengths": None,
                          "feedback": None})  # fmt: skip
        rows["a"].append({"id": n, "pursuit_id": n, "district_id": district,
                          "teacher_id": teacher, "credential_id": credential, "review_id": n,
                          "awarded_at": when, "hours": 4.0, "points": 6.0,
                          "stipend_cents": 20_000, "stipend_status": "owed", "cpd_units": 0,
                          "assertion_id": f"00000000-0000-4000-8000-{n:012d}"})  # fmt: skip
        for kind, quantity, cents, state in (("hours", 4.0, 0, "credited"),
                                             ("points", 6.0, 0, "credited"),
                                             ("stipend", 0.0, 20_000, "owed")):  # fmt: skip
            rows["e"].append({"district_id": district, "teacher_id": teacher, "award_id": n,
                              "completion_id": None, "kind": kind, "quantity": quantity,
                              "amount_cents": cents, "detail": "", "fiscal_year": YEAR,
                              "entered_on": when, "pay_state": state, "approved_at": None,
                              "paid_at": None, "batch_ref": None, "reverses_id": None,
                              "reason": None})  # fmt: skip
    for key, model in (("p", Pursuit), ("v", EvidenceVersion), ("r", Review), ("a", Award),
                       ("e", LedgerEntry)):  # fmt: skip
        await _bulk(services, model, rows[key])
        rows[key] = []
    await move_sequences(services, "people", "pursuits", "evidence_versions", "reviews",
                         "awards")  # fmt: skip
    await services.db.analyze("ledger_entries", "people", "awards", "schools", "credentials")
    return district


async def one_run(url: str, awards: int) -> dict[str, Any]:
    services = build(Settings(database_url=url, log_level="WARNING", _env_file=None),
                     VirtualClock(T0))  # fmt: skip
    try:
        await upgrade(services.db)
        started = time.perf_counter()
        district = await load_awards(services, awards)
        setup = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "ledger.csv"
            started = time.perf_counter()
            done = await export_ledger(services.db, district, YEAR, out)
            seconds = time.perf_counter() - started
            size = out.stat().st_size
            tracemalloc.start()
            await export_ledger(services.db, district, YEAR, out)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert done.entries == 3 * awards
        return {
            "awards": awards,
            "entries": done.entries,
            "setup_s": setup,
            "export_s": seconds,
            "peak_mib": peak / 2**20,
            "file_mib": size / 2**20,
        }
    finally:
        await services.aclose()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--awards", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    return parser.parse_args()


async def main(args: argparse.Namespace) -> None:
    report: dict[str, Any] = {}
    sizes = sorted(args.awards)
    for backend, results in [item async for item in runs_on_each_database(
        "ledger_export", args.runs, args.sqlite_only,
        lambda url, run: one_run(url, sizes[0]),
    )]:  # fmt: skip
        report[backend] = {"runs": {str(sizes[0]): results}}
    for size in sizes[1:]:
        async for backend, results in runs_on_each_database(
            "ledger_export",
            args.runs,
            args.sqlite_only,
            lambda url, run, size=size: one_run(url, size),
        ):
            report.setdefault(backend, {"runs": {}})["runs"][str(size)] = results
    for backend, data in report.items():
        median = {
            size: {figure: statistics.median(r[figure] for r in runs)
                   for figure in ("export_s", "peak_mib", "setup_s", "file_mib")}
            for size, runs in data["runs"].items()
        }  # fmt: skip
        small, large = median[str(sizes[0])], median[str(sizes[-1])]
        data["median"] = median | {
            "largest_export_s": large["export_s"],
            "peak_ratio": large["peak_mib"] / small["peak_mib"] if small["peak_mib"] else 1.0,
        }
        print(f"\n{backend}: median of {args.runs} run(s)")
        for size, figures in median.items():
            print(
                f"  {int(size):>7,} awards ({3 * int(size):,} entries): export "
                f"{figures['export_s']:.2f} s, peak {figures['peak_mib']:.1f} MiB, file "
                f"{figures['file_mib']:.1f} MiB (set-up {figures['setup_s']:.1f} s)"
            )
        print(
            f"  largest: {large['export_s']:.2f} s (target < 10 s); peak "
            f"{data['median']['peak_ratio']:.2f}x the smallest's (target < 1.25x: flat)"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ledger-export.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main(parse()))
