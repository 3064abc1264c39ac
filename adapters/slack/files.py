"""Fetching files shared in a DM: hashed as they stream, and handed to the core whole (which
keeps a copy in the evidence store so reviewers can open it) up to the largest file a teacher
may hand in; past that the download stops and the teacher is told the file is too large.

The bot token is only ever sent to Slack's own file host or the configured Web API's host, so a
crafted file URL in a payload cannot make the bot hand its token to someone else.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlparse

import aiohttp
from slack_sdk.errors import SlackApiError

from adapters.slack.web import SlackWeb
from coachbot.conversation.vocabulary import SharedFile
from coachbot.domain.evidence import MAX_FILE_BYTES

log = logging.getLogger("coachbot.slack")
HEAD_BYTES = 4096
SLACK_FILE_HOSTS = frozenset({"files.slack.com", "slack-files.com"})


class FileFetcher:
    def __init__(self, web: SlackWeb, token: str, session: aiohttp.ClientSession) -> None:
        self.web, self.token, self.session = web, token, session
        self.hosts = SLACK_FILE_HOSTS | {urlparse(web.client.base_url).hostname or ""}

    async def fetch(self, shared: dict[str, Any]) -> SharedFile | None:
        """The file as the core sees it, or None when it cannot be read (the person is told)."""
        try:
            if not (shared.get("url_private_download") or shared.get("url_private")):
                info = await self.web.client.files_info(file=shared["id"], **self.web.auth)
                shared = info["file"]
            url = str(shared.get("url_private_download") or shared.get("url_private") or "")
            if urlparse(url).hostname not in self.hosts or urlparse(url).scheme not in (
                "https", "http"
            ):
                log.warning("file %s is not on a Slack host: %s", shared.get("id"), url[:200])
                return None
            digest, content, size = hashlib.sha256(), bytearray(), 0
            headers = {"Authorization": f"Bearer {self.token}"}
            async with self.session.get(url, headers=headers, allow_redirects=False) as response:
                if response.status != 200:
                    log.warning("file %s: HTTP %s", shared.get("id"), response.status)
                    return None
                async for chunk in response.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > MAX_FILE_BYTES:  # no need for the rest: the teacher is told
                        size = max(size, int(shared.get("size") or 0))
                        break
                    digest.update(chunk)
                    content.extend(chunk)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, KeyError) as exc:
            log.warning("could not fetch file %s: %s", shared.get("id"), exc)
            return None
        return SharedFile(
            name=str(shared.get("name") or shared.get("title") or shared.get("id")),
            size=size,
            media_type=str(shared.get("mimetype") or "application/octet-stream"),
            sha256=digest.hexdigest(),
            ref=str(shared.get("id") or ""),
            head=bytes(content[:HEAD_BYTES]),
            content=bytes(content) if size <= MAX_FILE_BYTES else None,
        )
