"""A credential someone hands CoachBot in chat: a file (its JSON, or a badge PNG with the
credential baked in) or a link to one of our own credentials.

Links to other websites are not fetched from chat (a pasted address must not make CoachBot
call any address it likes): the person is asked to attach the file, which every Open Badges
issuer lets its earners download. ``InvalidInput`` says what to do instead in each case.
"""

from __future__ import annotations

import json
from typing import Any

from coachbot.domain.errors import InvalidInput, NotFound
from coachbot.services.credentials.baking import unbake
from coachbot.services.credentials.publishing import Credentials
from coachbot.services.credentials.revoking import PUBLIC_ID

MAX_FILE = 5 * 1024 * 1024


def from_file(name: str, data: bytes | None) -> dict[str, Any]:
    """The credential in a JSON file or a baked PNG."""
    if data is None or len(data) > MAX_FILE:
        raise InvalidInput(field="credential", hint="credential_file_size", name=name)
    if data.startswith(b"\x89PNG"):
        try:
            found = unbake(data)
        except ValueError:
            found = None
        if found is None:
            raise InvalidInput(field="credential", hint="credential_png_empty", name=name)
        return found
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput(field="credential", hint="credential_file_kind", name=name) from None
    if not isinstance(document, dict):
        raise InvalidInput(field="credential", hint="credential_file_kind", name=name)
    return document


async def from_link(credentials: Credentials, link: str) -> dict[str, Any]:
    """One of our own credentials by its link; anything else: attach the file instead."""
    base = credentials.addresses.credential("")
    tail = link.strip().split("?", 1)[0].rstrip("/").removesuffix(".json")
    tail = tail.removesuffix("/badge.png")
    public_id = tail[len(base) :] if tail.startswith(base) else ""
    if not PUBLIC_ID.fullmatch(public_id):
        raise InvalidInput(field="credential", hint="credential_attach", link=link.strip()[:200])
    try:
        return await credentials.document(public_id.lower())
    except NotFound:
        raise InvalidInput(field="credential", hint="credential_not_here") from None
