"""S3 and S3-compatible stores (AWS, SeaweedFS, MinIO, R2 …) through boto3.

boto3 is synchronous; every call runs in a worker thread so the event loop (the API, a Temporal
worker) keeps serving. One client per store: boto3 clients are thread-safe, sessions are not.

URLs are either public (``public_base_url``: a public-read bucket or a CDN, what Instagram
needs, see docs/storage.md) or presigned GETs that expire.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from uuid import UUID

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from icop.storage.base import ObjectNotFound, StorageError, StoredObject
from icop.storage.keys import object_key, validate_key

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_NOT_FOUND = {"NoSuchKey", "404", "NotFound"}
MAX_PRESIGN_S = 7 * 24 * 3600  # SigV4 presigned URLs cannot live longer


class S3ObjectStore:
    backend = "s3"

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        *,
        prefix: str = "",
        public_base_url: str | None = None,
        default_ttl_s: int = 3600,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.public_base_url = public_base_url
        self.default_ttl_s = default_ttl_s

    @classmethod
    def connect(
        cls,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        addressing_style: str = "auto",
        public_base_url: str | None = None,
        default_ttl_s: int = 3600,
    ) -> S3ObjectStore:
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},  # type: ignore[arg-type]
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
        )
        client: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=config,
        )
        return cls(
            client,
            bucket,
            prefix=prefix,
            public_base_url=public_base_url,
            default_ttl_s=default_ttl_s,
        )

    def _full(self, key: str) -> str:
        return f"{self.prefix}{validate_key(key)}"

    async def put(self, tenant_id: UUID, data: bytes, content_type: str) -> StoredObject:
        sha256 = hashlib.sha256(data).hexdigest()
        key = object_key(tenant_id, sha256, content_type)
        await self._call(
            self.client.put_object,
            Bucket=self.bucket,
            Key=self._full(key),
            Body=data,
            ContentType=content_type,
            # Content-addressed: the bytes behind a key never change, so caches may keep them.
            CacheControl="public, max-age=31536000, immutable",
            Metadata={"sha256": sha256},
        )
        return StoredObject(key, self.url(key), len(data), sha256, content_type)

    async def get(self, key: str) -> bytes:
        response = await self._call(self.client.get_object, Bucket=self.bucket, Key=self._full(key))
        body = response["Body"]
        try:
            data: bytes = await asyncio.to_thread(body.read)
        finally:
            body.close()
        return data

    async def delete(self, key: str) -> None:
        await self._call(self.client.delete_object, Bucket=self.bucket, Key=self._full(key))

    def url(self, key: str, expires_in: int | None = None) -> str:
        full = self._full(key)
        if self.public_base_url:
            return f"{self.public_base_url.rstrip('/')}/{quote(full)}"
        expires = min(expires_in or self.default_ttl_s, MAX_PRESIGN_S)
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": full}, ExpiresIn=expires
        )

    async def check(self) -> None:
        """A real authenticated round trip (readiness probes, start-up checks)."""
        await self._call(self.client.head_bucket, Bucket=self.bucket)

    async def aclose(self) -> None:
        await asyncio.to_thread(self.client.close)

    async def _call(self, method: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(method, **kwargs)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in _NOT_FOUND and "Key" in kwargs:
                raise ObjectNotFound("no such object") from None
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            raise StorageError(
                f"S3 {error.operation_name} on bucket {self.bucket!r} failed: {code or status}",
                s3_code=code,
                http_status=status,
            ) from None
        except BotoCoreError as error:
            raise StorageError(f"S3 is unreachable: {type(error).__name__}") from None
