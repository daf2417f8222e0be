"""Building the configured store for a process (API, worker, CLI)."""

from __future__ import annotations

from pydantic import SecretStr

from icop.config import Settings
from icop.errors import ConfigurationError
from icop.storage.base import ObjectStore
from icop.storage.local import LocalObjectStore
from icop.storage.s3 import S3ObjectStore
from icop.storage.settings import StorageSettings
from icop.storage.signing import KEY_FILE_NAME, UrlSigner, load_or_create_secret

MEDIA_PATH = "/api/v1/media"


def build_signer(settings: Settings, storage: StorageSettings) -> UrlSigner:
    if storage.media_signing_key is not None:
        return UrlSigner(storage.media_signing_key.get_secret_value().encode())
    return UrlSigner(load_or_create_secret(settings.secrets_dir / KEY_FILE_NAME))


def build_object_store(settings: Settings, storage: StorageSettings | None = None) -> ObjectStore:
    storage = storage or StorageSettings()
    if storage.storage_backend == "local":
        return LocalObjectStore(
            storage.local_root(settings.home),
            build_signer(settings, storage),
            base_url=f"{settings.base_url.rstrip('/')}{MEDIA_PATH}",
            default_ttl_s=storage.media_url_ttl_s,
        )
    if not storage.s3_bucket:
        raise ConfigurationError("ICOP_STORAGE_BACKEND=s3 needs ICOP_S3_BUCKET")
    if (storage.s3_access_key_id is None) != (storage.s3_secret_access_key is None):
        raise ConfigurationError("ICOP_S3_ACCESS_KEY_ID and ICOP_S3_SECRET_ACCESS_KEY go together")
    return S3ObjectStore.connect(
        storage.s3_bucket,
        prefix=storage.s3_prefix,
        endpoint_url=storage.s3_endpoint_url,
        region=storage.s3_region,
        access_key_id=_plain(storage.s3_access_key_id),
        secret_access_key=_plain(storage.s3_secret_access_key),
        addressing_style=storage.s3_addressing_style,
        public_base_url=storage.s3_public_base_url,
        default_ttl_s=storage.media_url_ttl_s,
    )


def _plain(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None
