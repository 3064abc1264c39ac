"""What the authorization check adds to a button press, in process.

    python -m bench.authorization [--presses 400] [--runs 3]

The engine handles the same button press (a teacher pressing *edit plan* on their own pursuit:
the rule reads the id, finds the pursuit in the district and checks the owner) with the real
``Guard`` and with one that allows everything (the engine as it was before the rules), back to
back on one SQLite file of the small test district, alternating so that the shared machine's
noise falls on both alike; and the check alone (``Guard.check``), timed on its own. Figures: p50
and p99 per variant, the median over ``--runs``.
Target: the check adds under 1 ms to the p99.

A pursuit's settled facts (its district and teacher) are remembered after its first check, so a
teacher's presses on their own pursuit need no read; ``check_first`` times the check with
nothing remembered (the first press on a pursuit since the process started), for the record.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import percentile
from coachbot.clock import VirtualClock
from coachbot.composition import Services, build, build_conversation
from coachbot.conversation.authorization import Guard, Rule
from coachbot.conversation.turn import Me
from coachbot.conversation.vocabulary import ButtonPress, Form, Reply, Sender
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.services.reading.settled_facts import SettledFacts
from coachbot.settings import REPO_ROOT, Settings
from coachbot.storage.database import Database
from coachbot.storage.schema import upgrade

FIXTURES = REPO_ROOT / "tests" / "fixtures"
RESULTS = Path(__file__).with_name("results")
ANA = "ana@testville.example"


class Quiet:
    async def reply(self, reply: Reply) -> None: ...
    async def open_form(self, form: Form) -> None: ...
    async def to_person(self, person_id: int, reply: Reply) -> str | None: return None
    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None: ...


class NoGuard(Guard):
    """The engine before the rules: every handler runs (its own checks, if any, still do)."""

    async def check(self, me: Me, rule: Rule, raw: str, *, action: str, door: str) -> bool:
        return True


async def _district(folder: Path) -> Services:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    db = Database(url)
    await upgrade(db)
    await db.dispose()
    settings = Settings(database_url=url, evidence_dir=folder / "evidence", _env_file=None)
    from datetime import UTC, datetime

    services = build(settings, VirtualClock(datetime(2026, 9, 8, 14, 0, tzinfo=UTC)))
    spec = read_catalog(FIXTURES / "small_catalog.yaml")
    await services.catalog.load(spec)
    rows = read_roster(FIXTURES / "small_roster.csv", {s.code for s in spec.schools})
    await services.roster.load(spec.slug, rows)
    return services


async def run(presses: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        services = await _district(Path(folder))
        from tests.helpers import planned

        pursuit_id = await planned(services, ANA)
        guarded = build_conversation(services, Quiet())
        open_door = build_conversation(services, Quiet())
        open_door.guard = NoGuard(services.access)
        quiet = Quiet()
        samples: dict[str, list[float]] = {
            "with_rules": [], "without_rules": [], "check_only": [], "check_first": []
        }  # fmt: skip
        sender = Sender("local", ANA)
        me = await guarded.identify(sender)
        rule = guarded.registry.action_rules["edit_plan"]
        for press in range(presses * 2):
            name, conversation = (
                ("with_rules", guarded) if press % 2 else ("without_rules", open_door)
            )
            event = ButtonPress(sender, "edit_plan", str(pursuit_id), f"bench-{press}")
            started = time.perf_counter()
            await conversation.handle(event, quiet)  # type: ignore[arg-type]
            samples[name].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()  # the check alone, as the engine makes it
            await guarded.guard.check(me, rule, str(pursuit_id), action="edit_plan", door="button")
            samples["check_only"].append((time.perf_counter() - started) * 1000)
            guarded.guard.facts.settled = SettledFacts()  # as if the process had just started
            started = time.perf_counter()
            await guarded.guard.check(me, rule, str(pursuit_id), action="edit_plan", door="button")
            samples["check_first"].append((time.perf_counter() - started) * 1000)
        await services.aclose()
    return {
        name: {"p50_ms": percentile(s, 0.5), "p99_ms": percentile(s, 0.99)}
        for name, s in samples.items()
    }


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presses", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


async def main(args: argparse.Namespace) -> None:
    runs = [await run(args.presses) for _ in range(args.runs)]
    median: dict[str, Any] = {}
    for name in ("without_rules", "with_rules", "check_only", "check_first"):
        median[name] = {
            figure: statistics.median(r[name][figure] for r in runs)
            for figure in ("p50_ms", "p99_ms")
        }
        p50, p99 = median[name]["p50_ms"], median[name]["p99_ms"]
        print(f"{name:14} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   (median of {args.runs})")
    median["added_p99_ms"] = statistics.median(
        r["with_rules"]["p99_ms"] - r["without_rules"]["p99_ms"] for r in runs
    )
    print(f"the check adds {median['added_p99_ms']:+.2f} ms to the p99 (target: under 1 ms)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "authorization.json").write_text(
        json.dumps({"median": median, "runs": runs}, indent=2)
    )


if __name__ == "__main__":
    asyncio.run(main(parse()))
