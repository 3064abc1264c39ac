"""Links to evidence files that expire: ``BASE/evidence/PART.PERSON.EXPIRES.SIGNATURE``.

The signature is an HMAC-SHA256 (stdlib ``hmac``) over the part, the person the link was made
for and when it stops working, under a secret from the settings. A link proves only who it was
made for and until when: whether that person may still see the file is asked again on every
open (``EvidenceAccess.file``), so a reviewer who handed a review off loses the file at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from coachbot.clock import Clock

PATH = "/evidence/"


class LinkRefused(Exception):
    """A link that cannot be honoured: ``reason`` is "forged" or "expired"."""

    def __init__(self, reason: str, part_id: int | None = None, person_id: int | None = None):
        super().__init__(reason)
        self.reason, self.part_id, self.person_id = reason, part_id, person_id


@dataclass(frozen=True)
class LinkClaim:
    part_id: int
    person_id: int
    expires: datetime


class EvidenceLinks:
    def __init__(
        self, secret: bytes | Callable[[], bytes], clock: Clock, base_url: str,
        lifetime: timedelta,
    ) -> None:
        # The secret may be fetched when first needed (from a file beside the evidence folder),
        # so building the services has no side effect on disk.
        self._secret = secret
        self.clock, self.lifetime = clock, lifetime
        self.base_url = base_url.rstrip("/")

    @property
    def secret(self) -> bytes:
        if callable(self._secret):
            self._secret = self._secret()
        if len(self._secret) < 16:
            raise ValueError("the link secret needs at least 16 bytes")
        return self._secret

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self.secret, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def sign(self, payload: str) -> str:
        """The link secret's signature of ``payload`` (downloads sign their own claims)."""
        return self._sign(payload)

    def token(self, part_id: int, person_id: int) -> str:
        expires = int((self.clock.now() + self.lifetime).timestamp())
        payload = f"{part_id}.{person_id}.{expires}"
        return f"{payload}.{self._sign(payload)}"

    def url(self, part_id: int, person_id: int) -> str:
        return self.base_url + PATH + self.token(part_id, person_id)

    def verify(self, token: str) -> LinkClaim:
        """The claim a genuine, unexpired link makes; ``LinkRefused`` otherwise."""
        pieces = token.split(".")
        if len(pieces) != 4 or not all(p.isdigit() for p in pieces[:3]) or len(token) > 200:
            raise LinkRefused("forged")
        payload = ".".join(pieces[:3])
        if not hmac.compare_digest(self._sign(payload), pieces[3]):
            raise LinkRefused("forged")
        part_id, person_id, expires = (int(p) for p in pieces[:3])
        when = datetime.fromtimestamp(expires, UTC)
        if self.clock.now() >= when:
            raise LinkRefused("expired", part_id, person_id)
        return LinkClaim(part_id, person_id, when)
