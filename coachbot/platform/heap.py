"""A serving process's start-up objects kept out of the garbage collector's full collections.

A full (generation 2) collection walks every object the process tracks, and the event loop stops
meanwhile. After start-up a bot holds about 200,000 (the modules of SQLAlchemy, discord.py or
slack-bolt, aiohttp, pydantic and jinja2, the prompts, the catalog), nearly none of which will
ever be garbage. Python starts one whenever the objects that survived the young collections
reach a quarter of the old ones: in a bot serving a class's worth of people, once or twice in
the first half minute and then every so often. Each stopped the loop for 106 to 318 ms on the
shared 2-core machine (``bench.discord`` timing collections with ``gc.callbacks``); whichever
50 interactions were waiting for their first response then all waited that long.

``settle`` collects once (start-up garbage goes now, not later), then freezes what is left
(``gc.freeze``: moved to a permanent generation that collections skip, as forking servers do).
Later full collections walk only what was made after. Frozen objects are still freed by their
reference counts; only a reference cycle among them would stay, and start-up objects (modules,
classes, the app) live as long as the process anyway.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger("coachbot.platform")


def settle() -> int:
    """Once a process has started serving: collect, then freeze what start-up left. Returns
    how many objects are now frozen. Safe to call again (a second platform starting later
    freezes its own start-up the same way)."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.debug("start-up heap settled: %s objects kept out of full collections", frozen)
    return frozen
