"""Object keys: ``{tenant_id}/{sha256[:2]}/{sha256}.{ext}``.

- The tenant comes first, so one prefix holds a tenant's media (lifecycle rules, deletion on
  offboarding, per-tenant usage all work on prefixes) and no two tenants ever share a key.
- The content hash names the object: the same bytes are stored once per tenant, and a retried
  activity that stores them again writes the same key (idempotent by construction).
- The two-character fan-out keeps directories small on the local backend.
- The extension comes from an allow-list of content types, and the served ``Content-Type`` is
  derived from it, never from what a caller claimed: no stored object can be served as HTML.
"""

from __future__ import annotations

import re
from uuid import UUID

from icop.storage.base import ObjectNotFound

CONTENT_TYPES: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "video/mp4": "mp4",
    "text/markdown": "md",
    "application/json": "json",
}
EXTENSION_TYPES = {ext: content_type for content_type, ext in CONTENT_TYPES.items()}
_EXT = "|".join(sorted(EXTENSION_TYPES))
# A key in any of our URLs: local ``/media/{tenant}/{sha}.{ext}`` and S3 ``{tenant}/{xx}/...``.
_KEY_IN_URL = re.compile(
    r"(?P<tenant>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/"
    r"(?:[0-9a-f]{2}/)?(?P<sha>[0-9a-f]{64})\.(?P<ext>[a-z0-9]{3,4})(?:[?#]|$)"
)
KEY_PATTERN = re.compile(
    rf"^(?P<tenant>[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}})/"
    rf"(?P<fan>[0-9a-f]{{2}})/(?P<sha>[0-9a-f]{{64}})\.(?P<ext>{_EXT})$"
)


def object_key(tenant_id: UUID, sha256: str, content_type: str) -> str:
    try:
        ext = CONTENT_TYPES[content_type]
    except KeyError:
        allowed = ", ".join(sorted(CONTENT_TYPES))
        raise ValueError(
            f"content type {content_type!r} is not stored (allowed: {allowed})"
        ) from None
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("sha256 must be 64 lowercase hex digits")
    return f"{tenant_id}/{sha256[:2]}/{sha256}.{ext}"


def validate_key(key: str) -> str:
    """``key`` if it is one of ours. Anything else (``..``, absolute paths, other shapes) is
    reported as not found: a caller learns nothing about what exists."""
    match = KEY_PATTERN.fullmatch(key)
    if match is None or match["fan"] != match["sha"][:2]:
        raise ObjectNotFound("no such object")
    return key


def url_path(key: str) -> str:
    """``{tenant}/{sha256}.{ext}``: how the local backend's URLs name a key. The fan-out
    directory is storage layout, recomputed from the hash, not part of the address."""
    tenant, _, name = validate_key(key).partition("/")
    return f"{tenant}/{name.split('/', 1)[1]}"


def key_from_url(tenant: str, object_name: str) -> str:
    return validate_key(f"{tenant}/{object_name[:2]}/{object_name}")


def content_type_of(key: str) -> str:
    return EXTENSION_TYPES[validate_key(key).rsplit(".", 1)[1]]


def tenant_of(key: str) -> UUID:
    return UUID(validate_key(key).split("/", 1)[0])


def sha256_of(key: str) -> str:
    return validate_key(key).rsplit("/", 1)[1].split(".", 1)[0]


def key_in_url(url: str, tenant_id: UUID) -> str | None:
    """The object key a URL (or a bare key) of ours names, if it belongs to ``tenant_id``: a
    post can never send, and a design never draw, another tenant's media, whatever URL it
    carries."""
    match = _KEY_IN_URL.search(url)
    if match is None or match["tenant"] != str(tenant_id):
        return None
    try:
        return validate_key(f"{match['tenant']}/{match['sha'][:2]}/{match['sha']}.{match['ext']}")
    except ObjectNotFound:
        return None
