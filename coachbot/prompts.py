"""Every word a person reads comes from a Jinja2 template under ``prompts/``.

Lookup order for ``errors.j2`` in locale ``es``: the district's folder for ``es``, the district's
folder for ``en``, the shipped ``es``, the shipped ``en``. So a district can reword any message,
and adding a language is adding a folder, with no code.

Each file holds one message family as macros; ``render("errors.j2", "not_found", ...)`` calls the
``not_found`` macro from the first folder whose file defines it, so a district's file needs only
the messages it rewords. Output is plain text in a small safe markup (``*bold*``, ``_italic_``,
bullets); adapters translate it to their platform.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
)

from coachbot.domain.currency import about_dollars, dollars
from coachbot.domain.planning import ticked_by_submitting


def _day(value: date | str | None) -> str:
    """A calendar day as people read it: "Tuesday, November 24" (dates or ISO strings)."""
    if value is None or value == "":
        return ""
    day = _as_date(value)
    return f"{day:%A}, {day:%B} {day.day}" if day else str(value)


def _as_date(value: date | str) -> date | None:
    """A date, or None for text that is not one (shown as it is rather than failing)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _full_day(value: date | str | None) -> str:
    """A day with its year, for dates that may fall in another school year: "Friday, June
    30, 2027"."""
    day = _as_date(value) if value else None
    return f"{_day(day)}, {day.year}" if day else _day(value)


def _when(instant: datetime | str | None, timezone: str = "UTC") -> str:
    """An instant as a person reads it in their own zone, named: "Tuesday, September 8 at
    9:00 AM CDT" (a trial found times read without a zone, ambiguous across districts).
    Takes the ISO text a nudge's params keep, too: a review due at 00:29 UTC is the evening
    before for a reviewer in Chicago, and must not read as the UTC day."""
    if instant is None or instant == "":
        return ""
    try:
        moment = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
    except ValueError:
        return str(instant)  # not an instant: shown as it is rather than failing
    if moment.tzinfo is None:  # stored in UTC
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(ZoneInfo(timezone))
    said = f"{local:%A}, {local:%B} {local.day} at {local:%I:%M %p}".replace(" 0", " ")
    return f"{said} {local:%Z}"


def _date_in(instant: datetime | None, timezone: str = "UTC") -> str:
    """The calendar day of an instant in a zone, with its year: "December 3, 2026". A
    revocation at 03:00 UTC is the evening before in Chicago; a trial read the UTC day in
    one message and the local day in another."""
    if instant is None:
        return ""
    if instant.tzinfo is None:  # stored as UTC
        instant = instant.replace(tzinfo=UTC)
    local = instant.astimezone(ZoneInfo(timezone))
    return f"{local:%B} {local.day}, {local.year}"


def _stamp(instant: datetime | None, timezone: str = "UTC") -> str:
    """An instant for a table, in a person's own zone: "2026-09-15 10:00 CDT"."""
    if instant is None:
        return ""
    if instant.tzinfo is None:  # stored as UTC
        instant = instant.replace(tzinfo=ZoneInfo("UTC"))
    return f"{instant.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M %Z}"


class PromptNotFound(LookupError):
    pass


class Prompts:
    def __init__(self, shipped: Path, *, district: Path | None = None, locale: str = "en") -> None:
        folders: list[Path] = []
        for root in (district, shipped):
            if root is None:
                continue
            for loc in dict.fromkeys((locale, "en")):
                if (root / loc).is_dir():
                    folders.append(root / loc)
        if not folders:
            raise PromptNotFound(f"no prompt folders under {shipped}")
        self._folders = [str(i) for i in range(len(folders))]
        plain = ChoiceLoader([FileSystemLoader(str(f)) for f in folders])
        by_folder = PrefixLoader({str(i): FileSystemLoader(str(f)) for i, f in enumerate(folders)})
        self._env = Environment(
            loader=ChoiceLoader([by_folder, plain]),
            undefined=StrictUndefined,
            autoescape=False,  # plain text; adapters escape for their platform
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._env.filters["plural"] = lambda n, one="", many="s": one if n == 1 else many
        # Dates as people read them: "Tuesday, November 24".
        self._env.filters["day"] = _day
        self._env.filters["full_day"] = _full_day
        self._env.filters["when"] = _when
        self._env.filters["stamp"] = _stamp
        self._env.filters["date_in"] = _date_in
        self._env.filters["size"] = _size
        self._env.filters["money"] = dollars  # cents as "$25,000" / "$1,250.50"
        self._env.filters["about_money"] = about_dollars  # an estimate: "$12,346"
        # A plan step only the formal submission completes: {% if step is ticked_by_submitting %}
        self._env.tests["ticked_by_submitting"] = ticked_by_submitting

    def _macro(self, family: str, message: str) -> Any:
        for folder in self._folders:
            try:
                template = self._env.get_template(f"{folder}/{family}")
            except TemplateNotFound:
                continue
            macro = getattr(template.module, message, None)
            if macro is not None:
                return macro
        return None

    def render(self, family: str, message: str, /, **params: Any) -> str:
        macro = self._macro(family, message)
        if macro is None:
            raise PromptNotFound(f"{family} has no message '{message}'")
        return DOUBLED_STOP.sub(r".\1", str(macro(**params))).strip()

    def has(self, family: str, message: str) -> bool:
        return self._macro(family, message) is not None


# A sentence's own full stop after words that brought one ("...the lesson plan.."): one stop.
# An ellipsis ("...") and a path ("../x") are left alone.
DOUBLED_STOP = re.compile(r"(?<![.])\.([*_]?)\.(?=[\s*_)]|$)")


def _size(count: int | None) -> str:
    """A file's size as people read it: "13 bytes", "0.4 KB", "2.5 MB" (never "0.0 KB")."""
    size = count or 0
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
