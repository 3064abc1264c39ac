"""The evidence store: the bytes of every file a teacher hands in, named by their sha256.

Content-addressed, so keeping a file twice keeps it once and a stored part's hash is all it takes
to find its bytes again; nothing here knows who may read what (``services.evidence.access``
decides, on every open). Two backends behind one small interface:

- ``FolderStore`` (the default): a folder on disk, ``ab/cd/abcdef...`` so no folder grows huge;
  written to a temporary file and renamed into place, so a crash never leaves half a file under
  a real name.
- ``S3Store`` (production, several replicas): any S3-compatible object storage through boto3,
  imported only when chosen, so the default needs nothing extra (``pip install coachbot[s3]``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol


class EvidenceStore(Protocol):
    async def put(self, content: bytes) -> str:
        """Keep ``content``; returns its sha256 (hex). Idempotent."""
        ...

    async def get(self, sha256: str) -> bytes | None:
        """The bytes kept under ``sha256``, or None when there are none."""
        ...

    async def exists(self, sha256: str) -> bool: ...

    def local_path(self, sha256: str) -> Path | None:
        """A file on this machine holding those bytes, which a listener may hand to the kernel
        to send (sendfile) without copying it through Python; None when the store has none."""
        ...


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _checked(sha256: str) -> str:
    """A hash is used as a file or object name: only ever 64 lowercase hex digits."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 hex digest")
    return sha256


class FolderStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        name = _checked(sha256)
        return self.root / f"{name[:2]}/{name[2:4]}/{name}"  # one join: asked on every open

    async def put(self, content: bytes) -> str:
        name = digest(content)
        await asyncio.to_thread(self._write, self.path(name), content)
        return name

    @staticmethod
    def _write(target: Path, content: bytes) -> None:
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)  # atomic: the name only ever holds whole files
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    async def get(self, sha256: str) -> bytes | None:
        try:
            path = self.path(sha256)
        except ValueError:
            return None
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def exists(self, sha256: str) -> bool:
        return self.local_path(sha256) is not None

    def local_path(self, sha256: str) -> Path | None:
        try:
            path = self.path(sha256)
        except ValueError:
            return None
        return path if path.is_file() else None


class S3Store:
    """Objects ``PREFIX + sha256`` in one bucket. boto3 is synchronous, so each call runs in a
    worker thread; its client is thread-safe and made once."""

    def __init__(
        self, bucket: str, *, prefix: str = "evidence/", endpoint_url: str | None = None,
        region: str | None = None,
    ) -> None:
        try:
            import boto3
        except ImportError as exc:  # told plainly at start-up, not at the first hand-in
            raise RuntimeError(
                "COACHBOT_EVIDENCE_S3_BUCKET is set but boto3 is not installed: "
                "pip install 'coachbot[s3]'"
            ) from exc
        self.bucket, self.prefix = bucket, prefix
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def key(self, sha256: str) -> str:
        return self.prefix + _checked(sha256)

    async def put(self, content: bytes) -> str:
        name = digest(content)
        if not await self.exists(name):
            await asyncio.to_thread(
                self.client.put_object, Bucket=self.bucket, Key=self.key(name), Body=content
            )
        return name

    async def get(self, sha256: str) -> bytes | None:
        try:
            key = self.key(sha256)
        except ValueError:
            return None
        from botocore.exceptions import ClientError

        try:
            answer = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        body: bytes = await asyncio.to_thread(answer["Body"].read)
        return body

    async def exists(self, sha256: str) -> bool:
        try:
            key = self.key(sha256)
        except ValueError:
            return False
        from botocore.exceptions import ClientError

        try:
            await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def local_path(self, sha256: str) -> Path | None:
        """Objects are not on this machine: the listener streams them (see docs/evidence.md
        for serving them straight from the bucket with presigned URLs)."""
        return None


def folder_secret(root: Path) -> bytes:
    """A random secret kept in ``root/.link-secret`` (made once, readable by us alone), so that
    links made by ``coachbot chat`` open in the listener of ``coachbot run`` on the same
    machine. Replicas on several machines share ``COACHBOT_LINK_SECRET`` instead."""
    path = root / ".link-secret"
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w") as out:
            out.write(os.urandom(32).hex())
    return path.read_text().strip().encode()
