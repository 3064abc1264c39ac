"""Acknowledge first, work after: the core's runner every adapter hands its work to."""

from __future__ import annotations

import asyncio
import logging

import pytest

from coachbot.platform.contract import TurnRunner


async def test_work_waits_for_answers_due_and_drain_waits_for_the_work() -> None:
    runner = TurnRunner("test")
    done: list[str] = []

    async def work(name: str) -> None:
        done.append(name)

    async with runner.answering():  # an answer is still due: started work waits for it
        runner.start(work("first"))
        await asyncio.sleep(0)  # let the task run as far as it can (no time passes)
        assert done == []
    await runner.drain()
    assert done == ["first"]


async def test_no_more_than_the_slots_work_at_once() -> None:
    runner = TurnRunner("test", slots=2)
    gate = asyncio.Event()
    running, most = 0, 0

    async def work() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await gate.wait()
        running -= 1

    for _ in range(5):
        runner.start(work())
    for _ in range(10):
        await asyncio.sleep(0)
    assert most == 2
    gate.set()
    await runner.drain()
    assert (running, most) == (0, 2)


async def test_failed_work_is_logged_and_the_runner_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = TurnRunner("test")
    done: list[int] = []

    async def broken() -> None:
        raise RuntimeError("the platform went away")

    async def fine() -> None:
        done.append(1)

    with caplog.at_level(logging.ERROR):
        runner.start(broken(), "a command")
        runner.start(fine())
        await runner.drain()
    assert done == [1]
    assert "test work failed for a command" in caplog.text


async def test_stop_gives_up_after_its_time_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = TurnRunner("test")
    never = asyncio.Event()
    runner.start(never.wait())
    with caplog.at_level(logging.WARNING):
        await runner.stop(0)
    assert "stopped with test work still running" in caplog.text
    never.set()
    await runner.drain()
