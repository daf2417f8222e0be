"""API key format: ``icop_<tenant id, 32 hex>_<secret, 43 url-safe chars>``.

The tenant id in the key lets us look the key up under that tenant's row-level security, with
no cross-tenant bypass; it is not a secret. Only SHA-256(key) is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from uuid import UUID

PREFIX = "icop_"
_PATTERN = re.compile(r"^icop_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class ParsedKey:
    tenant_id: UUID
    digest: bytes


def generate(tenant_id: UUID) -> tuple[str, bytes, str]:
    """Returns (the key to show once, its digest to store, a short hint to display)."""
    key = f"{PREFIX}{tenant_id.hex}_{secrets.token_urlsafe(32)}"
    return key, digest(key), key[-4:]


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def parse(key: str) -> ParsedKey | None:
    match = _PATTERN.match(key)
    if match is None:
        return None
    return ParsedKey(tenant_id=UUID(hex=match.group(1)), digest=digest(key))


def looks_like_api_key(value: str) -> bool:
    return value.startswith(PREFIX)
