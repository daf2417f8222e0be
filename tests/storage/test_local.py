"""The local backend and its media route: content-addressed keys per tenant, signed links that
work, expire and refuse tampering, and keys that cannot escape the media directory."""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from icop.api.app import create_app
from icop.errors import ConfigurationError
from icop.runtime.clients import Runtime
from icop.storage import ObjectNotFound, build_object_store
from icop.storage.dependencies import get_object_store
from icop.storage.local import LocalObjectStore
from icop.storage.settings import StorageSettings
from icop.storage.signing import KEY_FILE_NAME, UrlSigner, load_or_create_secret

SECRET = b"s" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"pretend pixels"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> LocalObjectStore:
    return LocalObjectStore(
        tmp_path / "media",
        UrlSigner(SECRET, clock=clock),
        base_url="http://testserver/api/v1/media",
        default_ttl_s=600,
    )


@pytest.fixture
async def http(context: Runtime, store: LocalObjectStore) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(runtime=context)
    app.dependency_overrides[get_object_store] = lambda: store
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_put_is_content_addressed_per_tenant(store: LocalObjectStore) -> None:
    tenant, other = uuid.uuid4(), uuid.uuid4()
    first = await store.put(tenant, PNG, "image/png")
    sha = hashlib.sha256(PNG).hexdigest()
    assert first.key == f"{tenant}/{sha[:2]}/{sha}.png"
    assert (first.size, first.sha256, first.content_type) == (len(PNG), sha, "image/png")
    assert (await store.put(tenant, PNG, "image/png")).key == first.key
    assert (await store.put(other, PNG, "image/png")).key.startswith(str(other))
    assert await store.get(first.key) == PNG
    assert not [p for p in store.path_of(first.key).parent.iterdir() if p.name.endswith(".tmp")]
    await store.delete(first.key)
    with pytest.raises(ObjectNotFound):
        await store.get(first.key)
    await store.delete(first.key)  # deleting twice is fine


async def test_unknown_content_types_are_refused(store: LocalObjectStore) -> None:
    with pytest.raises(ValueError, match="not stored"):
        await store.put(uuid.uuid4(), b"<script>", "text/html")


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/etc/passwd",
        f"{uuid.uuid4()}/../../secrets/{'a' * 64}.jpg",
        f"{uuid.uuid4()}/ab/{'a' * 64}.jpg",  # fan-out does not match the hash
        f"{uuid.uuid4()}/aa/{'a' * 64}.html",
        f"{str(uuid.uuid4()).upper()}/aa/{'a' * 64}.jpg",
    ],
)
async def test_foreign_keys_are_not_found(store: LocalObjectStore, key: str) -> None:
    with pytest.raises(ObjectNotFound):
        await store.get(key)
    with pytest.raises(ObjectNotFound):
        store.url(key)


async def test_signed_link_serves_the_object(
    http: httpx.AsyncClient, store: LocalObjectStore
) -> None:
    stored = await store.put(uuid.uuid4(), PNG, "image/png")
    assert stored.url.startswith(
        f"http://testserver/api/v1/media/{stored.key.split('/')[0]}/{stored.sha256}.png?exp="
    )
    response = await http.get(stored.url)
    assert response.status_code == 200, response.text
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["etag"] == f'"{stored.sha256}"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "private, max-age=600"


async def test_expired_link_is_forbidden(
    http: httpx.AsyncClient, store: LocalObjectStore, clock: Clock
) -> None:
    stored = await store.put(uuid.uuid4(), PNG, "image/png")
    url = store.url(stored.key, expires_in=60)
    clock.now += 59
    assert (await http.get(url)).status_code == 200
    clock.now += 1
    response = await http.get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "media_link_expired"


async def test_tampered_links_are_forbidden(
    http: httpx.AsyncClient, store: LocalObjectStore
) -> None:
    stored = await store.put(uuid.uuid4(), PNG, "image/png")
    other = await store.put(uuid.uuid4(), PNG + b"2", "image/png")
    path, query = urlsplit(stored.url).path, parse_qs(urlsplit(stored.url).query)
    exp, sig = int(query["exp"][0]), query["sig"][0]
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    cases = {
        "signature changed": f"{path}?exp={exp}&sig={flipped}",
        "expiry extended": f"{path}?exp={exp + 3600}&sig={sig}",
        "other object": f"{urlsplit(other.url).path}?exp={exp}&sig={sig}",
        "signature of another signer": "{}?exp={}&sig={}".format(
            path, exp, UrlSigner(b"x" * 32).signature(stored.key, exp)
        ),
    }
    for case, url in cases.items():
        response = await http.get(url)
        assert response.status_code == 403, case
        assert response.json()["code"] == "media_link_invalid", case
    assert (await http.get(path)).status_code == 422  # no signature at all


async def test_malformed_object_names_are_not_found(
    http: httpx.AsyncClient, store: LocalObjectStore
) -> None:
    stored = await store.put(uuid.uuid4(), PNG, "image/png")
    query = urlsplit(stored.url).query
    tenant = stored.key.split("/")[0]
    for name in (
        "..%2F..%2Fsecrets",
        f"{stored.sha256}.html",
        "x.png",
        f"{stored.sha256[:-1]}.png",
    ):
        response = await http.get(f"/api/v1/media/{tenant}/{name}?{query}")
        assert response.status_code == 404, name
    response = await http.get(f"/api/v1/media/not-a-tenant/{stored.sha256}.png?{query}")
    assert response.status_code == 404


async def test_missing_object_behind_a_valid_link_is_not_found(
    http: httpx.AsyncClient, store: LocalObjectStore
) -> None:
    stored = await store.put(uuid.uuid4(), PNG, "image/png")
    await store.delete(stored.key)
    assert (await http.get(stored.url)).status_code == 404


def test_signing_key_file_is_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / KEY_FILE_NAME
    first = load_or_create_secret(path)
    assert load_or_create_secret(path) == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    path.write_bytes(b"short")
    with pytest.raises(ConfigurationError):
        load_or_create_secret(path)


def test_factory_builds_the_local_store_under_home(context: Runtime, tmp_path: Path) -> None:
    settings = context.settings.model_copy(
        update={"home": tmp_path, "public_url": "https://api.example.com"}
    )
    store = build_object_store(settings, StorageSettings(_env_file=None))
    assert isinstance(store, LocalObjectStore)
    assert store.root == tmp_path / "media"
    assert store.base_url == "https://api.example.com/api/v1/media"
    assert (tmp_path / "secrets" / KEY_FILE_NAME).exists()
    configured = build_object_store(
        settings,
        StorageSettings(_env_file=None, media_signing_key="k" * 40),
    )
    assert isinstance(configured, LocalObjectStore)
    assert configured.signer.signature("k", 1) == UrlSigner(b"k" * 40).signature("k", 1)


def test_s3_backend_needs_a_bucket(context: Runtime) -> None:
    with pytest.raises(ConfigurationError, match="ICOP_S3_BUCKET"):
        build_object_store(
            context.settings,
            StorageSettings(_env_file=None, storage_backend="s3"),
        )
