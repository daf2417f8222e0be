"""Which image URLs name one of our stored objects, and whose."""

from __future__ import annotations

import uuid

from icop.storage.keys import key_in_url

SHA = "ab" + "c" * 62


def test_local_and_s3_urls_name_the_tenants_key() -> None:
    tenant = uuid.uuid4()
    key = f"{tenant}/ab/{SHA}.png"
    assert (
        key_in_url(f"http://127.0.0.1:8000/api/v1/media/{tenant}/{SHA}.png?exp=1&sig=x", tenant)
        == key
    )
    assert (
        key_in_url(f"https://bucket.s3.example.com/icop/{tenant}/ab/{SHA}.png?X-Amz=1", tenant)
        == key
    )


def test_another_tenants_or_a_foreign_url_is_not_ours() -> None:
    tenant, other = uuid.uuid4(), uuid.uuid4()
    assert key_in_url(f"http://h/api/v1/media/{other}/{SHA}.jpg?exp=1&sig=x", tenant) is None
    assert key_in_url("https://cdn.example.com/a.jpg", tenant) is None
    assert key_in_url(f"http://h/api/v1/media/{tenant}/{SHA}.exe", tenant) is None
