"""Where logs go, set up by whoever runs CoachBot (each CLI command, the demo), never by a
factory that tests call.

To ``settings.log_file`` when set (in the terminal chat the screen is the conversation, so logs
go to a file), otherwise to standard error. Like ``logging.basicConfig``, it leaves standard
error alone when something else already handles the root logger (a test harness, a host
application), and calling it again replaces only what it set up itself.
"""

from __future__ import annotations

import logging

from coachbot.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
OURS = "coachbot"  # the name our handlers carry, so a second call replaces only them


def configure_logging(settings: Settings) -> None:
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == OURS]:
        root.removeHandler(old)
        old.close()
    handler: logging.Handler
    if settings.log_file is not None:
        handler = logging.FileHandler(settings.log_file, encoding="utf-8")
        # A library's warning would otherwise be printed on the screen, in the middle of the
        # conversation: it goes to the log with everything else.
        logging.captureWarnings(True)
    elif root.handlers:
        return
    else:
        handler = logging.StreamHandler()
    handler.set_name(OURS)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(settings.log_level)
