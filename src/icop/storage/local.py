"""The embedded default: a directory under ``ICOP_HOME``, served by the API at
``/api/v1/media/{key}?exp=…&sig=…`` (``icop.storage.router``)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from pathlib import Path
from urllib.parse import quote
from uuid import UUID

from icop.storage.base import ObjectNotFound, StorageError, StoredObject
from icop.storage.keys import object_key, url_path, validate_key
from icop.storage.signing import UrlSigner


class LocalObjectStore:
    backend = "local"

    def __init__(self, root: Path, signer: UrlSigner, *, base_url: str, default_ttl_s: int) -> None:
        self.root = root
        self.signer = signer
        self.base_url = base_url.rstrip("/")
        self.default_ttl_s = default_ttl_s

    def path_of(self, key: str) -> Path:
        # validate_key admits only tenant/xx/sha.ext, so the path cannot leave the root.
        return self.root / validate_key(key)

    async def put(self, tenant_id: UUID, data: bytes, content_type: str) -> StoredObject:
        sha256 = hashlib.sha256(data).hexdigest()
        key = object_key(tenant_id, sha256, content_type)
        await asyncio.to_thread(self._write, self.path_of(key), data)
        return StoredObject(key, self.url(key), len(data), sha256, content_type)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        if path.exists():  # content-addressed: the same key holds the same bytes
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # A unique temporary name, then an atomic rename: a reader never sees half a file
            # and two writers of the same object cannot interleave.
            temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except OSError as error:
            raise StorageError(f"cannot write to the media directory: {error.strerror}") from None

    async def get(self, key: str) -> bytes:
        path = self.path_of(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise ObjectNotFound("no such object") from None
        except OSError as error:
            raise StorageError(f"cannot read from the media directory: {error.strerror}") from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path_of(key).unlink, missing_ok=True)

    def url(self, key: str, expires_in: int | None = None) -> str:
        expires_at, signature = self.signer.sign(
            validate_key(key), expires_in or self.default_ttl_s
        )
        return f"{self.base_url}/{quote(url_path(key))}?exp={expires_at}&sig={signature}"

    async def aclose(self) -> None:
        return None
