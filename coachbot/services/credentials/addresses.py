"""Where a district's credentials live on the web: one scheme shared by issuing (the ids in a
signed credential) and the listener that serves them."""

from __future__ import annotations

from dataclasses import dataclass

ISSUERS = "/issuers/"
CREDENTIALS = "/credentials/"


@dataclass(frozen=True)
class Addresses:
    base: str  # COACHBOT_PUBLIC_URL, no trailing slash

    def issuer(self, slug: str) -> str:
        return f"{self.base}{ISSUERS}{slug}"

    def key(self, slug: str, key_id: str) -> str:
        """The verification method: the issuer profile, and the key's id as its fragment."""
        return f"{self.issuer(slug)}#{key_id}"

    def status_list(self, slug: str) -> str:
        """The district's revocation list (one for all its credentials)."""
        return f"{self.issuer(slug)}/status/revocation"

    def achievement(self, slug: str, code: str) -> str:
        return f"{self.issuer(slug)}/achievements/{code}"

    def credential(self, public_id: str) -> str:
        return f"{self.base}{CREDENTIALS}{public_id}"

    def badge(self, public_id: str) -> str:
        """The badge image with the credential baked in."""
        return f"{self.credential(public_id)}/badge.png"
