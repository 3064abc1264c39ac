"""Logging is set up by whoever runs CoachBot, never by building it: building twice in one
process (as tests and replicas do) leaves logging as it was, and the chat's log file is used."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from coachbot.clock import VirtualClock
from coachbot.composition import build
from coachbot.logs import OURS, configure_logging
from coachbot.settings import Settings
from tests.conftest import START


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    logger = logging.getLogger()
    handlers, level = list(logger.handlers), logger.level
    yield logger
    for handler in logger.handlers:
        if handler not in handlers:
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(level)


async def test_building_leaves_logging_alone(root: logging.Logger, tmp_path: Path) -> None:
    before = (list(root.handlers), root.level)
    services = build(
        Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", log_level="DEBUG",
                 _env_file=None),
        VirtualClock(START),
    )  # fmt: skip
    await services.aclose()
    assert (list(root.handlers), root.level) == before


def test_the_log_file_gets_the_logs_and_a_second_setup_replaces_ours(
    root: logging.Logger, tmp_path: Path
) -> None:
    log_file = tmp_path / "coachbot-chat.log"
    settings = Settings(log_file=log_file, log_level="INFO", _env_file=None)
    configure_logging(settings)
    configure_logging(settings)
    ours = [h for h in root.handlers if h.get_name() == OURS]
    assert len(ours) == 1
    logging.getLogger("coachbot.test").info("kept out of the conversation")
    ours[0].flush()
    assert "kept out of the conversation" in log_file.read_text()
