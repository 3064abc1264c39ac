"""A credential's public page gives each date as the issuing district's day, its zone named
(a trial read UTC days there: revoked on a Chicago evening, the page said the next day)."""

from __future__ import annotations

from datetime import UTC, datetime

from coachbot.composition import Services
from coachbot.storage.models import IssuedCredential
from tests.adapters.web.test_credential_pages import BROWSER, fetch, published

__all__ = ["published"]  # the fixture, used by name


async def test_the_page_says_the_districts_day_and_names_its_zone(
    published: tuple[Services, str, IssuedCredential],
) -> None:
    services, _, row = published
    url = row.document["id"]
    _, html, _ = await fetch(url, BROWSER)
    assert "Awarded</dt><dd>September 8, 2026 (America/Chicago)</dd>" in html
    # Thursday, December 3, 9:00 PM in Chicago: already December 4 in UTC.
    services.clock.set(datetime(2026, 12, 4, 3, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await services.credentials.revoke(row.public_id, "awarded in error")
    _, html, _ = await fetch(url, BROWSER)
    assert "withdrew this credential on December 3, 2026 (America/Chicago)" in html
    assert "December 4" not in html
