"""Storage settings, read from the environment like ``icop.config.Settings`` (same ``ICOP_``
prefix, same ``.env``). Kept here until they move into the one ``Settings`` class."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DAY = 24 * 3600


class StorageSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ICOP_", env_file=".env", extra="ignore", populate_by_name=True
    )

    storage_backend: Literal["local", "s3"] = Field(
        default="local",
        description="Where media is stored: `local` (a directory under ICOP_HOME, served by "
        "the API with signed URLs) or `s3` (any S3-compatible store).",
    )
    storage_dir: Path | None = Field(
        default=None, description="Directory of the local backend. Unset: ICOP_HOME/media."
    )
    media_signing_key: SecretStr | None = Field(
        default=None,
        description="Secret for signing local media URLs (at least 32 characters). Unset: a "
        "0600 key file under ICOP_HOME/secrets. Every API process must share it.",
    )
    media_url_ttl_s: int = Field(
        default=7 * DAY,
        ge=60,
        le=365 * DAY,
        description="Lifetime of signed media URLs (local backend, S3 presigned URLs).",
    )
    s3_bucket: str | None = Field(default=None, description="S3 bucket (required for `s3`).")
    s3_prefix: str = Field(
        default="", description="Prefix of every object key in the bucket, e.g. `icop/`."
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ICOP_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"),
        description="Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2 …). Unset: AWS.",
    )
    s3_region: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ICOP_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"),
        description="Region of the bucket.",
    )
    s3_access_key_id: SecretStr | None = Field(
        default=None,
        description="Access key id. Unset: boto3's default chain (AWS_ACCESS_KEY_ID, "
        "profiles, instance roles).",
    )
    s3_secret_access_key: SecretStr | None = Field(
        default=None, description="Secret access key (with ICOP_S3_ACCESS_KEY_ID)."
    )
    s3_addressing_style: Literal["auto", "path", "virtual"] = Field(
        default="auto",
        description="`path` for most self-hosted stores, `virtual` for AWS with dotted names.",
    )
    s3_public_base_url: str | None = Field(
        default=None,
        description="Public URL of the bucket (or of a CDN in front of it), e.g. "
        "`https://media.example.com/`. Set: URLs are `<base><prefix><key>` and never expire "
        "(Instagram fetches media from a public URL). Unset: presigned URLs.",
    )

    def local_root(self, home: Path) -> Path:
        return (self.storage_dir or home / "media").expanduser().resolve()
