"""The evidence stores: content kept once under its sha256, whole files only; the folder on
disk, and S3-compatible object storage against a real S3-compatible server (moto's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coachbot.composition import evidence_store
from coachbot.settings import Settings
from coachbot.storage.evidence_files import FolderStore, S3Store, digest


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


@pytest.fixture
def s3_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real S3-compatible HTTP server (moto's, on a free port of 127.0.0.1) with one bucket."""
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=url).create_bucket(Bucket="district-evidence")
    try:
        yield url
    finally:
        server.stop()


async def test_the_s3_store_keeps_content_once_under_its_hash(s3_server: str) -> None:
    store = S3Store("district-evidence", prefix="lakeview/", endpoint_url=s3_server)
    name = await store.put(b"lesson plan")
    assert name == digest(b"lesson plan")
    assert await store.put(b"lesson plan") == name
    assert await store.get(name) == b"lesson plan" and await store.exists(name)
    keys = store.client.list_objects_v2(Bucket="district-evidence")["Contents"]
    assert [k["Key"] for k in keys] == [f"lakeview/{name}"]
    assert await store.get("0" * 64) is None and not await store.exists("0" * 64)
    assert await store.get("../x") is None


async def test_the_s3_store_is_chosen_by_the_settings(s3_server: str, tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}",
                        evidence_s3_bucket="district-evidence",
                        evidence_s3_endpoint=s3_server, _env_file=None)
    store = evidence_store(settings)
    assert isinstance(store, S3Store)
    assert await store.get(await store.put(b"work sample")) == b"work sample"
    assert not (tmp_path / "evidence").exists()  # nothing on disk
