"""The HTTP side of opening an evidence file: ``GET /evidence/TOKEN``.

All the deciding is the core's (``services.evidence_files.open``: the link's signature and
expiry, then the evidence rules, on every request, with the audit trail). Here the answer is
translated to HTTP: the bytes with a Content-Type the browser may trust, rendered inline only
for images, PDFs and plain text, never HTML or SVG; a polite page otherwise (403 refused or
forged, 410 expired, 404 gone).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from aiohttp import web

from adapters.web.credentials import add_credential_routes
from coachbot.composition import Services
from coachbot.domain.errors import NotFound, NotPermitted
from coachbot.services.evidence import LinkRefused, OpenedFile
from coachbot.services.evidence.links import PATH
from coachbot.services.ledger.downloads import PATH as DOWNLOADS

log = logging.getLogger("coachbot.web")

# Shown in the browser: formats a browser displays without running anything of the file's.
INLINE = frozenset({
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain",
})
# Never declared as such, whatever the file holds: a browser would run them.
ACTIVE = ("html", "xml", "svg", "javascript", "ecmascript")
SERVICES = web.AppKey("services", Services)

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",  # the link is the key: never pass it on
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "sandbox",
}


def files_app(services: Services) -> web.Application:
    app = web.Application()
    app[SERVICES] = services
    app.router.add_get(PATH + "{token}", open_file)
    app.router.add_get(DOWNLOADS + "{token}", download)
    app.router.add_get("/healthz", healthy)
    add_credential_routes(app, services)  # the public credential pages (credentials.py)
    return app


def content_type(media_type: str | None) -> str:
    kind = (media_type or "").lower().split(";")[0].strip()
    if not kind or "/" not in kind or any(word in kind for word in ACTIVE):
        return "application/octet-stream"
    return kind


def disposition(name: str, media: str) -> str:
    """``inline`` only for formats in ``INLINE``; the name both as plain ASCII and in UTF-8."""
    how = "inline" if media in INLINE else "attachment"
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"{how}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def _file_response(opened: OpenedFile) -> web.StreamResponse:
    """A file on this machine goes by ``FileResponse`` (the kernel's sendfile: no megabyte
    copied through Python, and Range requests for a PDF viewer); bytes from object storage go
    as a body. Either way with our Content-Type, never one guessed from a name."""
    media = content_type(opened.file.media_type)
    headers = dict(COMMON_HEADERS)
    headers["Content-Disposition"] = disposition(opened.file.name, media)
    headers["Content-Type"] = media + ("; charset=utf-8" if media == "text/plain" else "")
    if opened.path is not None:
        return web.FileResponse(opened.path, headers=headers)
    return web.Response(body=opened.content, headers=headers)


def _page(services: Services, message: str, status: int) -> web.Response:
    html = services.prompts.render("web.j2", message)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8",
                        headers=COMMON_HEADERS)


async def open_file(request: web.Request) -> web.StreamResponse:
    services = request.app[SERVICES]
    try:
        opened = await services.evidence_files.open(request.match_info["token"])
    except LinkRefused as refused:
        if refused.reason == "expired":
            return _page(services, "expired", 410)
        return _page(services, "forged", 403)
    except NotPermitted as refused:  # a colleague whose comments are done: said so
        closed = refused.params.get("commented")
        return _page(services, "comments_done" if closed else "not_permitted", 403)
    except NotFound:
        return _page(services, "not_found", 404)
    except Exception:  # never a stack trace to a person: logged, and a polite page
        log.exception("could not open an evidence file")
        return _page(services, "trouble", 500)
    return _file_response(opened)


async def download(request: web.Request) -> web.StreamResponse:
    """A file made for someone in chat (the HR export, a teacher's record): always saved, never
    shown in the browser."""
    services = request.app[SERVICES]
    try:
        found = services.downloads.open(request.match_info["token"])
    except LinkRefused as refused:
        pages = {"expired": ("expired", 410), "gone": ("not_found", 404)}
        return _page(services, *pages.get(refused.reason, ("forged", 403)))
    headers = dict(COMMON_HEADERS)
    headers["Content-Disposition"] = disposition(found.name, found.media_type)
    headers["Content-Type"] = found.media_type
    return web.FileResponse(found.path, headers=headers)


async def healthy(_: web.Request) -> web.Response:
    """For a load balancer's health check."""
    return web.Response(text="ok")
