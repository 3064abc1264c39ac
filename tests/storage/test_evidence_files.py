"""The folder evidence store: content kept once under its sha256, whole files only."""

from __future__ import annotations

from pathlib import Path

from coachbot.storage.evidence_files import FolderStore, digest


async def test_the_folder_store_keeps_content_once_under_its_hash(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "evidence")
    first = await store.put(b"lesson plan")
    assert first == digest(b"lesson plan")
    assert await store.put(b"lesson plan") == first  # idempotent
    assert await store.get(first) == b"lesson plan" and await store.exists(first)
    files = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert [p.name for p in files] == [first]  # no temporary file left behind
    assert await store.get("0" * 64) is None and not await store.exists("0" * 64)
    assert await store.get("../../etc/passwd") is None  # a hash is only ever a hash
