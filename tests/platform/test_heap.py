"""A serving process settles its start-up heap: start-up garbage is collected at once, and what
start-up leaves is kept out of the full collections that would stop the event loop later."""

from __future__ import annotations

import gc
import weakref

from coachbot.platform.contract import settle


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_settle_collects_start_up_garbage_then_freezes_the_rest() -> None:
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage
    kept = Node()
    frozen = settle()  # thawed after the test (tests/conftest.py)
    assert gone() is None  # collected now, not frozen for the life of the process
    assert frozen == gc.get_freeze_count() > 0
    # gc.get_objects lists what the collections walk: the frozen are not among them
    assert not any(each is kept for each in gc.get_objects())
    made_after = Node()
    assert any(each is made_after for each in gc.get_objects())
