"""The S3 backend against a real SeaweedFS: round trips, content addressing, presigned URLs
(working, tampered, expired), public URLs, and wrong credentials rejected by the server."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

import httpx
import pytest

from icop.storage import ObjectNotFound, StorageError
from icop.storage.s3 import S3ObjectStore
from tests.storage import seaweed
from tests.storage.conftest import BUCKET

JPEG = b"\xff\xd8\xff\xe0" + b"not really a jpeg, but S3 stores bytes" + b"\xff\xd9"


def store(
    server: seaweed.Seaweed,
    *,
    secret: str = seaweed.SECRET_KEY,
    prefix: str = "icop/",
    public: str | None = None,
) -> S3ObjectStore:
    return S3ObjectStore.connect(
        BUCKET,
        prefix=prefix,
        endpoint_url=server.endpoint,
        region="us-east-1",
        access_key_id=seaweed.ACCESS_KEY,
        secret_access_key=secret,
        addressing_style="path",
        public_base_url=public,
        default_ttl_s=300,
    )


async def test_put_get_delete_round_trip(seaweedfs: seaweed.Seaweed) -> None:
    s3 = store(seaweedfs)
    tenant = uuid.uuid4()
    stored = await s3.put(tenant, JPEG, "image/jpeg")
    assert stored.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert stored.key == f"{tenant}/{stored.sha256[:2]}/{stored.sha256}.jpg"
    assert stored.size == len(JPEG)
    assert await s3.get(stored.key) == JPEG
    # The prefix is part of the bucket key, not of ours.
    head = seaweedfs.client().head_object(Bucket=BUCKET, Key=f"icop/{stored.key}")  # type: ignore[attr-defined]
    assert head["ContentType"] == "image/jpeg"
    assert head["Metadata"]["sha256"] == stored.sha256
    await s3.delete(stored.key)
    with pytest.raises(ObjectNotFound):
        await s3.get(stored.key)
    await s3.aclose()


async def test_same_bytes_same_key_per_tenant(seaweedfs: seaweed.Seaweed) -> None:
    s3 = store(seaweedfs)
    a, b = uuid.uuid4(), uuid.uuid4()
    first = await s3.put(a, JPEG, "image/jpeg")
    again = await s3.put(a, JPEG, "image/jpeg")
    other = await s3.put(b, JPEG, "image/jpeg")
    assert first.key == again.key
    assert other.key != first.key and other.key.startswith(str(b))


async def test_presigned_url_works_and_rejects_tampering(seaweedfs: seaweed.Seaweed) -> None:
    s3 = store(seaweedfs)
    stored = await s3.put(uuid.uuid4(), JPEG, "image/jpeg")
    async with httpx.AsyncClient() as http:
        ok = await http.get(stored.url)
        assert ok.status_code == 200 and ok.content == JPEG
        assert ok.headers["content-type"] == "image/jpeg"
        tampered = stored.url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
        assert (await http.get(tampered)).status_code == 403
        other_key = stored.url.replace(stored.sha256, "0" * 64)
        assert (await http.get(other_key)).status_code == 403
        unsigned = stored.url.split("?", 1)[0]
        assert (await http.get(unsigned)).status_code == 403


async def test_presigned_url_expires(seaweedfs: seaweed.Seaweed) -> None:
    s3 = store(seaweedfs)
    stored = await s3.put(uuid.uuid4(), JPEG + b"expiring", "image/jpeg")
    url = s3.url(stored.key, expires_in=1)
    await asyncio.sleep(2.1)
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 403
    assert b"expired" in response.content.lower()


async def test_wrong_credentials_are_rejected(seaweedfs: seaweed.Seaweed) -> None:
    wrong = store(seaweedfs, secret="not-the-secret-at-all")
    with pytest.raises(StorageError) as put_error:
        await wrong.put(uuid.uuid4(), JPEG, "image/jpeg")
    assert put_error.value.extra["http_status"] == 403
    assert "not-the-secret" not in str(put_error.value)
    with pytest.raises(StorageError):
        await wrong.check()
    right = store(seaweedfs)
    stored = await right.put(uuid.uuid4(), JPEG, "image/jpeg")
    with pytest.raises(StorageError):
        await wrong.get(stored.key)
    await right.check()


async def test_public_base_url_mode(seaweedfs: seaweed.Seaweed) -> None:
    s3 = store(seaweedfs, public="https://media.example.com/")
    stored = await s3.put(uuid.uuid4(), JPEG, "image/jpeg")
    assert stored.url == f"https://media.example.com/icop/{stored.key}"
    assert "X-Amz" not in s3.url(stored.key, expires_in=5)


async def test_unreachable_endpoint_is_a_storage_error() -> None:
    port = seaweed.free_port_pairs(1)[0]
    s3 = S3ObjectStore.connect(
        BUCKET,
        endpoint_url=f"http://127.0.0.1:{port}",
        region="us-east-1",
        access_key_id="a",
        secret_access_key="b",
    )
    with pytest.raises(StorageError, match="unreachable"):
        await s3.put(uuid.uuid4(), JPEG, "image/jpeg")
