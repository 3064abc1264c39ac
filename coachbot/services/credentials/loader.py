"""The JSON-LD document loader: the contexts shipped in ``contexts/``, and nothing else.

A credential naming any other context cannot be canonicalised here; it is refused in words
("uses a context we do not know") rather than fetched, so that neither signing nor
verification ever depends on the network or on a context someone changed.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

FILES = {
    VC_V2: "credentials-v2.jsonld",
    VC_EXAMPLES_V2: "credentials-examples-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
}


class UnknownContext(ValueError):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@cache
def _document(url: str) -> dict[str, Any]:
    name = FILES.get(url)
    if name is None:
        raise UnknownContext(url)
    text = resources.files(__package__).joinpath("contexts").joinpath(name).read_text("utf-8")
    return dict(json.loads(text))


def load(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader signature; never touches the network."""
    # "static": pyld keeps the processed context for the next call instead of redoing it.
    return {"contextUrl": None, "documentUrl": url, "document": _document(url), "tag": "static"}


@cache
def achievement_schema() -> dict[str, Any]:
    """1EdTech's JSON schema for AchievementCredential (see contexts/README.md)."""
    text = (
        resources.files(__package__)
        .joinpath("schemas")
        .joinpath("ob_v3p0_achievementcredential_schema.json")
        .read_text("utf-8")
    )
    return dict(json.loads(text))
