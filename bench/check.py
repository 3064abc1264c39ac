"""`make bench-check`: every benchmark at a size that runs in minutes, one table of every figure
beside its target, and a non-zero exit when any target is missed.

    python -m bench.check [--sqlite-only]

Timings are not tests (a shared machine's noise would make them flaky), so this is not part of
`make test`; run it on a quiet machine before a release, or after a change to a hot query.
Each benchmark keeps what its target is about at this smaller size:

- foundation: 20,000 pursuits in 10 cohorts, so a cohort still holds about 2,000 (as at
  state size); import of a 10,400-row roster; status of 500 teachers, progress of 100 cohorts.
- routing: 10,000 teachers, and the full 2,000 facilitators and 20,000 open reviews (the worst
  case weighs them all).
- nudges: 10,000 pursuits, 1,000 then 5,000 reminders due (both above one chunk, so the peak
  must already be flat), at most 3 timed sweeps per figure; without the APScheduler
  comparison, which does not change with us.
- Discord: 50 interactions at once for 4 rounds; 100 people x 2 messages at 50/s.
- dispatch, Slack ack, evidence file opens, credentials, the authorization check: as
  `make bench`, with fewer rounds or samples.
- the HR ledger export: 10,000 and 40,000 awards (30,000 and 120,000 entries) instead of 20,000
  and 200,000; the peak must already be flat.

One run each (not a median of three): `make bench` is the full, state-size measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import (
    authorization,
    credentials,
    discord,
    dispatch,
    evidence_open,
    ledger_export,
    nudges,
    routing,
    run_all,
    slack_ack,
)

BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Target:
    figure: str
    unit: str
    op: str  # "<" or ">="
    bound: float
    read: Callable[[dict[str, Any]], float]  # from one backend's (or the whole) report
    per_backend: bool = True

    def met(self, value: float) -> bool:
        return value < self.bound if self.op == "<" else value >= self.bound


def _median(*path: str) -> Callable[[dict[str, Any]], float]:
    def read(report: dict[str, Any]) -> float:
        value: Any = report["median"]
        for key in path:
            value = value[key]
        return float(value)

    return read


def _peak_ratio(report: dict[str, Any]) -> float:
    median = report["median"]
    return float(median["5000_due"]["peak_mib"] / median["1000_due"]["peak_mib"])


# Every target the benchmarks hold, in one place (README.md and bench/README.md list the same).
TARGETS: dict[str, list[Target]] = {
    "foundation": [
        Target("roster import", "rows/s", ">=", 5000, _median("import_rows_per_s")),
        Target("status of one teacher p99", "ms", "<", 20, _median("status_p99_ms")),
        Target("progress of one cohort p99", "ms", "<", 200, _median("cohort_p99_ms")),
    ],
    "routing": [
        Target("routing decision p99", "ms", "<", 10, _median("decision_p99_ms")),
        Target("routing worst case p99", "ms", "<", 20, _median("worst_case_p99_ms")),
    ],
    "nudges": [
        Target("sweep peak, 5,000 due / 1,000 due", "x", "<", 1.25, _peak_ratio),
    ],
    "dispatch": [
        Target("dispatch share of the allowed rate", "%", ">=", 95,
               lambda r: 100 * float(r["median"]["share_of_allowed"]), per_backend=False),
    ],
    "slack_ack": [
        Target("Slack slash command ack p99", "ms", "<", 100,
               _median("slash_command", "p99_ms")),
        Target("Slack button action ack p99", "ms", "<", 100,
               _median("button_action", "p99_ms")),
    ],
    "discord": [
        Target("Discord first response p99", "ms", "<", 100,
               _median("first_response", "p99_ms")),
        Target("Discord dispatch share of 50/s", "%", ">=", 95,
               lambda r: 100 * float(r["median"]["dispatch"]["share_of_allowed"])),
        Target("Discord dispatch lost + posted twice", "", "<", 1,
               lambda r: float(r["median"]["dispatch"]["lost"]
                               + r["median"]["dispatch"]["doubles"])),
    ],
    "evidence_open": [
        Target("evidence file open p99", "ms", "<", 50, _median("p99_ms")),
    ],
    "credentials": [
        Target("sign one credential p99", "ms", "<", 50, _median("sign", "p99_ms")),
        Target("verify one credential p99", "ms", "<", 50, _median("verify", "p99_ms")),
    ],
    "ledger_export": [
        Target("ledger export, largest size", "s", "<", 10, _median("largest_export_s")),
        Target("ledger export peak, largest / smallest", "x", "<", 1.25, _median("peak_ratio")),
    ],
    "authorization": [
        Target("authorization check added to p99", "ms", "<", 1,
               _median("added_p99_ms"), per_backend=False),
    ],
}


def _runs(sqlite_only: bool) -> list[tuple[str, Any, argparse.Namespace, str]]:
    """(name, module, its arguments, the results file it writes)."""
    so = {"sqlite_only": sqlite_only, "runs": 1}
    return [
        ("foundation", run_all,
         argparse.Namespace(teachers=10_000, pursuits=20_000, cohorts=10, **so),
         "foundation-10000-20000.json"),
        ("routing", routing,
         argparse.Namespace(teachers=10_000, reviewers=2_000, open=20_000, **so),
         "routing-10000-2000-20000.json"),
        ("nudges", nudges,
         argparse.Namespace(pursuits=10_000, reminders=[1_000, 5_000], apscheduler=0,
                            samples=3, **so),
         "nudges.json"),
        ("dispatch", dispatch,
         argparse.Namespace(people=200, per_person=2, global_rate=50.0, runs=1),
         "dispatch.json"),
        ("discord", discord,
         argparse.Namespace(concurrent=50, rounds=4, people=100, per_person=2, **so),
         "discord.json"),
        ("slack_ack", slack_ack, argparse.Namespace(concurrent=50, rounds=4, **so),
         "slack-ack.json"),
        ("evidence_open", evidence_open,
         argparse.Namespace(concurrent=50, rounds=4, size_mb=1, checks_only=False, **so),
         "evidence-open.json"),
        ("credentials", credentials, argparse.Namespace(samples=100, **so), "credentials.json"),
        ("authorization", authorization, argparse.Namespace(presses=300, runs=1),
         "authorization.json"),
        ("ledger_export", ledger_export,
         argparse.Namespace(awards=[10_000, 40_000], **so), "ledger-export.json"),
    ]


def _rows(name: str, report: dict[str, Any]) -> list[tuple[str, str, str, float, Target]]:
    rows = []
    for target in TARGETS[name]:
        if not target.per_backend:
            rows.append((target.figure, "sqlite", name, target.read(report), target))
            continue
        for backend in BACKENDS:
            if backend in report:
                rows.append((target.figure, backend, name, target.read(report[backend]), target))
    return rows


async def main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    rows: list[tuple[str, str, str, float, Target]] = []
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, module, options, written in _runs(args.sqlite_only):
            module.RESULTS = Path(folder)  # the quick figures do not replace `make bench`'s
            print(f"\n=== {name}", flush=True)
            begun = time.perf_counter()
            await module.main(options)
            seconds[name] = time.perf_counter() - begun
            rows += _rows(name, json.loads((Path(folder) / written).read_text()))
    missed = [row for row in rows if not row[4].met(row[3])]
    print("\n\nbench-check: every figure beside its target (one run each, quick sizes)\n")
    print(f"{'figure':<40} {'database':<11} {'value':>10} {'target':>12}  verdict")
    for figure, backend, _, value, target in rows:
        shown = f"{value:,.1f} {target.unit}" if target.unit != "%" else f"{value:.1f} %"
        bound = f"{target.op} {target.bound:,g} {target.unit}"
        verdict = "PASS" if target.met(value) else "MISS"
        print(f"{figure:<40} {backend:<11} {shown:>10} {bound:>12}  {verdict}")
    took = time.perf_counter() - started
    parts = ", ".join(f"{name} {s:.0f} s" for name, s in seconds.items())
    print(f"\n{len(rows) - len(missed)} of {len(rows)} met; took {took:.0f} s ({parts})")
    if "postgresql" not in {row[1] for row in rows} and not args.sqlite_only:
        print("PostgreSQL not measured: set COACHBOT_TEST_POSTGRES_URL to include it.")
    return 1 if missed else 0


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sqlite-only", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
