"""The storage protocol and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from uuid import UUID

from icop.errors import NotFound, ServiceUnavailable


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    url: str
    size: int
    sha256: str
    content_type: str


class ObjectNotFound(NotFound):
    code = "object_not_found"
    title = "The stored object does not exist"


class StorageError(ServiceUnavailable):
    """The store refused or failed an operation (wrong credentials, missing bucket, network).
    Never carries credentials: boto3's messages name the key id at most."""

    code = "storage_error"
    title = "Object storage failed"


@runtime_checkable
class ObjectStore(Protocol):
    """``url`` is synchronous on purpose: signing (local HMAC or S3 presigning) is pure
    computation, and API responses build many URLs without awaiting anything."""

    backend: str

    async def put(self, tenant_id: UUID, data: bytes, content_type: str) -> StoredObject: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...

    def url(self, key: str, expires_in: int | None = None) -> str: ...

    async def aclose(self) -> None: ...
