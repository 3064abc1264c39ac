"""The public side of credentials, on the file listener's port: what a principal in another
district opens. ``/issuers/SLUG`` (the district's Profile with its keys; a page for people),
``/issuers/SLUG/achievements/CODE`` (each credential it issues, as an Achievement),
``/credentials/ID`` (a page for people, or the signed JSON for software that asks for it) and
``/credentials/ID.json``, and ``/credentials/ID/badge.png`` (the badge image with the
credential baked in). Everything comes from the signed credential and the issuer's keys:
no evidence and no email can appear, since neither is in them."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from coachbot.composition import Services
from coachbot.domain.errors import NotFound

log = logging.getLogger("coachbot.web")

SLUG = "{slug:[A-Za-z0-9][A-Za-z0-9_.-]*}"  # a district's slug, as the catalog allows it
CODE = "{code:[A-Za-z0-9][A-Za-z0-9_.-]*}"  # a credential's code in the catalog
UUID = "{public_id:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}"
PUBLIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Revocation must show at once: caches ask again every time.
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
}
JSON_HEADERS = {**PUBLIC_HEADERS, "Access-Control-Allow-Origin": "*"}  # verifiers in browsers
PAGE_HEADERS = {
    **PUBLIC_HEADERS,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
}


def add_credential_routes(app: web.Application, services: Services) -> None:
    async def issuer(request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        try:
            if _wants_html(request):
                shown = await services.credentials.pages.issuer(slug)
                return _page(services, "issuer_page", 200, page=shown)
            profile = await services.credentials.issuer_profile(slug)
        except NotFound:
            return _page(services, "credential_missing", 404)
        return _json(profile)

    async def achievement(request: web.Request) -> web.Response:
        try:
            shown = await services.credentials.pages.achievement(
                request.match_info["slug"], request.match_info["code"]
            )
        except NotFound:
            return _page(services, "credential_missing", 404)
        if _wants_html(request):
            return _page(services, "achievement_page", 200, page=shown)
        return _json(shown.document)

    async def revocations(request: web.Request) -> web.Response:
        try:
            found = await services.credentials.status_list(request.match_info["slug"])
        except NotFound:
            return _page(services, "credential_missing", 404)
        return _json(found)

    async def document(request: web.Request) -> web.Response:
        try:
            found = await services.credentials.document(request.match_info["public_id"])
        except NotFound:
            return _page(services, "credential_missing", 404)
        return _json(found)

    async def page(request: web.Request) -> web.Response:
        if _wants_json(request):
            return await document(request)
        try:
            shown = await services.credentials.page(request.match_info["public_id"])
        except NotFound:
            return _page(services, "credential_missing", 404)
        return _page(services, "credential_page", 200, page=shown)

    app.router.add_get(f"/issuers/{SLUG}", issuer)
    app.router.add_get(f"/issuers/{SLUG}/status/revocation", revocations)
    app.router.add_get(f"/issuers/{SLUG}/achievements/{CODE}", achievement)

    async def badge(request: web.Request) -> web.Response:
        public_id = request.match_info["public_id"]
        try:
            png = await services.credentials.badge(public_id)
        except NotFound:
            return _page(services, "credential_missing", 404)
        return web.Response(
            body=png, content_type="image/png",
            headers={**JSON_HEADERS,
                     "Content-Disposition": f'inline; filename="badge-{public_id}.png"'},
        )  # fmt: skip

    app.router.add_get(f"/credentials/{UUID}.json", document)
    app.router.add_get(f"/credentials/{UUID}/badge.png", badge)
    app.router.add_get(f"/credentials/{UUID}", page)


def _wants_json(request: web.Request) -> bool:
    """Software asks for JSON (a verifier, curl with Accept); a browser asks for HTML."""
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


def _wants_html(request: web.Request) -> bool:
    """A browser (it asks for HTML): the issuer's pages default to JSON for software."""
    return "text/html" in request.headers.get("Accept", "")


def _json(data: dict[str, Any]) -> web.Response:
    return web.Response(
        text=json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/ld+json",
        charset="utf-8",
        headers=JSON_HEADERS,
    )


def _page(services: Services, message: str, status: int, **params: Any) -> web.Response:
    html = services.prompts.render("credentials.j2", message, p=params)
    return web.Response(
        text=html, status=status, content_type="text/html", charset="utf-8",
        headers=PAGE_HEADERS,
    )  # fmt: skip
