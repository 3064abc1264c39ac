"""Time zones as people name them: "central", "Central Time", "CST", "US/Central", "Chicago".

A person rarely types an IANA name. These are the names people do type, resolved to the zone
the product stores; when a name means nothing, the zones it is closest to are offered instead
of a bare refusal. The names here are input (what people type), never words the bot says.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from zoneinfo import available_timezones

# Region words, abbreviations and their daylight forms, for the zones a US district uses most.
_COMMON = {
    "America/New_York": ("eastern", "et", "est", "edt"),
    "America/Chicago": ("central", "ct", "cst", "cdt"),
    "America/Denver": ("mountain", "mt", "mst", "mdt"),
    "America/Phoenix": ("arizona",),
    "America/Los_Angeles": ("pacific", "pt", "pst", "pdt"),
    "America/Anchorage": ("alaska", "akst", "akdt"),
    "Pacific/Honolulu": ("hawaii", "hst"),
    "UTC": ("utc", "gmt", "universal", "zulu"),
}
# Words around a zone's name that say nothing about which zone it is.
_FILLER = re.compile(r"\b(us|usa|u s|standard|daylight|time|zone|timezone)\b")
_LEGACY = ("Etc/", "SystemV/", "US/", "posix/", "right/")
_REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
            "Indian/", "Pacific/")


def key(text: str) -> str:
    """What is compared: lower case, words only ("America/New_York" -> "america new york")."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


@cache
def _names() -> dict[str, str]:
    """Every name we accept, by its key, to the zone it means."""
    names: dict[str, str] = {}
    for zone in sorted(available_timezones(), key=lambda z: (z.startswith(_LEGACY), len(z))):
        names.setdefault(key(zone), zone)
        if "/" in zone and not zone.startswith(_LEGACY):
            names.setdefault(key(zone.rsplit("/", 1)[1]), zone)  # the city: "chicago"
    for zone, words in _COMMON.items():
        for word in words:
            names[word] = zone
    return names


def resolve(text: str) -> str | None:
    """The zone ``text`` names, or None."""
    said = key(text)
    if not said:
        return None
    names = _names()
    if said in names:
        return _canonical(names[said])
    bare = " ".join(_FILLER.sub(" ", said).split())
    if bare and bare in names:
        return _canonical(names[bare])
    return None


def _canonical(zone: str) -> str:
    """"US/Central" is stored as the zone it links to, "America/Chicago"."""
    if zone.startswith("US/"):
        return resolve(zone[3:]) or zone
    return zone


def shown(zone: str) -> str:
    """A zone as a person reads it ("America/New York"); typed back, it resolves the same."""
    return zone.replace("_", " ")


def likely(text: str, count: int = 4) -> list[str]:
    """The zones a name that resolved to nothing is closest to (maybe none), as shown."""
    said = " ".join(_FILLER.sub(" ", key(text)).split()) or key(text)
    names = _names()
    near = difflib.get_close_matches(said, list(names), n=count * 3, cutoff=0.75)
    zones = (_canonical(names[n]) for n in near)
    found = [z for z in dict.fromkeys(zones) if z.startswith(_REGIONS) or z == "UTC"]
    return [shown(z) for z in found[:count]]
