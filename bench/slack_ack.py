"""Slack ack latency: how soon the bot answers Slack's HTTP request, with 50 at once.

    python -m bench.slack_ack [--concurrent 50] [--rounds 10] [--runs 3] [--sqlite-only]

The real slack-bolt app in HTTP mode (signature checked first), on the example district, with
Slack's Web API played by the tests' fake on 127.0.0.1. The bot runs in its own
process (as in production); this process plays Slack, firing ``--concurrent`` signed slash
commands (``/coach status``) or button presses (``catalog``) at once from different people and
timing each request until its response (the ack Slack waits 3 s for). The work after the ack
(the status, the catalog, the DMs) runs in the bot's process meanwhile and is let finish before
the next round. Figures: p50 and p99 per kind, the median over ``--runs``
fresh databases. Target: p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import time
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from sqlalchemy import select

from adapters.slack.app import SlackBot
from adapters.slack.http import EVENTS_PATH, events_app
from adapters.slack.settings import SlackSettings
from bench.run_all import RESULTS, runs_on_each_database
from coachbot.clock import VirtualClock
from coachbot.composition import build
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.platform.contract import settle
from coachbot.settings import REPO_ROOT, Settings
from coachbot.storage.models import Person, PlatformAccount
from coachbot.storage.schema import upgrade
from tests.adapters.slack.fake_slack import TEAM, TOKEN, FakeSlack
from tests.adapters.slack.harness import SECRET, signed
from tests.conftest import START

EXAMPLE = REPO_ROOT / "examples" / "lakeview"
TARGET_P99_MS = 100.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def command_body(user: str, n: int) -> bytes:
    return urlencode({"team_id": TEAM, "user_id": user, "command": "/coach", "text": "status",
                      "channel_id": "C0GENERAL", "trigger_id": f"{n}.{user}.t",
                      "response_url": "https://hooks.slack.example/1"}).encode()


def action_body(user: str, n: int) -> bytes:
    payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user},
               "trigger_id": f"{n}.{user}.t", "api_app_id": "A0COACH",
               "actions": [{"type": "button", "action_id": "catalog|1", "value": "",
                            "block_id": "b", "action_ts": "1.0"}]}
    return urlencode({"payload": json.dumps(payload)}).encode()


async def serve(url: str, concurrent: int, pipe: Connection) -> None:
    """The bot's process: the example district, the fake Slack, the real app in HTTP mode."""
    services = build(Settings(database_url=url, log_level="WARNING", _env_file=None),
                VirtualClock(START))
    fake = FakeSlack()
    await fake.start()
    try:
        await upgrade(services.db)
        spec = read_catalog(EXAMPLE / "catalog.yaml")
        await services.catalog.load(spec)
        await services.roster.load(spec.slug, read_roster(EXAMPLE / "roster.csv",
                                                     {s.code for s in spec.schools}))
        async with services.db.read() as session:
            people = list(await session.execute(
                select(PlatformAccount.account_id, Person.email)
                .join(Person, Person.id == PlatformAccount.person_id)
                .where(PlatformAccount.platform == "slack").order_by(Person.id)
                .limit(concurrent)))
        fake.emails.update(dict(people))  # type: ignore[arg-type]
        slack = SlackBot(services, SlackSettings(bot_token=TOKEN, signing_secret=SECRET,
                                            api_url=fake.url))
        app = events_app(slack)
        stopped = asyncio.Event()

        async def drain(request: web.Request) -> web.Response:
            await slack.drain()
            return web.Response(text="drained")

        async def stop(request: web.Request) -> web.Response:
            stopped.set()
            return web.Response(text="stopping")

        app.router.add_get("/bench/drain", drain)
        app.router.add_get("/bench/stop", stop)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        settle()  # as `coachbot run` does entering `serving` (coachbot.platform.heap)
        pipe.send((site._server.sockets[0].getsockname()[1],  # type: ignore[union-attr]
                   [user for user, _ in people]))
        await stopped.wait()
        await slack.drain()
        await slack.aclose()
        await runner.cleanup()
    finally:
        await fake.stop()
        await services.aclose()


def serve_in_process(url: str, concurrent: int, pipe: Connection) -> None:
    asyncio.run(serve(url, concurrent, pipe))


async def one_run(url: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Slack's side (the load) in this process, the bot in its own, as in production."""
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=serve_in_process, args=(url, args.concurrent, theirs))
    server.start()
    try:
        port, users = await asyncio.get_running_loop().run_in_executor(None, ours.recv)
        base = f"http://127.0.0.1:{port}"
        connector = aiohttp.TCPConnector(limit=args.concurrent * 2)
        figures: dict[str, dict[str, float]] = {}
        async with aiohttp.ClientSession(connector=connector) as http:

            async def one(body: bytes) -> float:
                headers = {"Content-Type": "application/x-www-form-urlencoded", **signed(body)}
                started = time.perf_counter()
                async with http.post(base + EVENTS_PATH, data=body, headers=headers) as answer:
                    await answer.read()
                    assert answer.status == 200, answer.status
                return (time.perf_counter() - started) * 1000

            async def drained() -> None:
                async with http.get(base + "/bench/drain") as answer:
                    await answer.read()

            for kind, make in (("slash_command", command_body), ("button_action", action_body)):
                await asyncio.gather(*(one(make(u, 0)) for u in users))  # warm up
                await drained()
                times: list[float] = []
                for n in range(1, args.rounds + 1):
                    times += await asyncio.gather(*(one(make(u, n)) for u in users))
                    await drained()
                figures[kind] = {"p50_ms": percentile(times, 0.5),
                                 "p99_ms": percentile(times, 0.99), "requests": len(times)}
            async with http.get(base + "/bench/stop") as answer:
                await answer.read()
        return figures
    finally:
        server.join(timeout=60)
        if server.is_alive():
            server.kill()


async def main(args: argparse.Namespace) -> None:
    report: dict[str, Any] = {"concurrent": args.concurrent, "rounds": args.rounds,
                              "runs": args.runs}

    async def run(url: str, _: int) -> dict[str, Any]:
        return await one_run(url, args)

    async for backend, runs in runs_on_each_database("ack", args.runs, args.sqlite_only, run):
        median = {kind: {key: statistics.median(r[kind][key] for r in runs)
                         for key in ("p50_ms", "p99_ms")} for kind in runs[0]}
        report[backend] = {"median": median, "runs": runs}
        print(f"\n{backend}: ack latency, HTTP mode, {args.concurrent} concurrent, "
              f"median of {args.runs} runs")
        for kind, values in median.items():
            ok = "PASS" if values["p99_ms"] < TARGET_P99_MS else "MISS"
            print(f"  {kind:<14} p50 {values['p50_ms']:7.1f} ms   p99 {values['p99_ms']:7.1f}"
                  f" ms  {ok} (p99 < {TARGET_P99_MS:g})")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "slack-ack.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    asyncio.run(main(parser.parse_args()))
