"""One Settings object for the whole platform.

Every embedded default (PostgreSQL, key files, object storage …) lives under ``ICOP_HOME``; each
has a production counterpart selected by an environment variable, never by a code fork.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ICOP_", env_file=".env", extra="ignore", populate_by_name=True
    )

    home: Path = Field(default=Path(".icop"), description="Directory for all embedded state.")
    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"

    # --- database -------------------------------------------------------------------------
    database_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "ICOP_DATABASE_URL"),
        description="Owner connection (runs migrations). Unset: embedded PostgreSQL.",
    )
    database_app_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_APP_URL", "ICOP_DATABASE_APP_URL"),
        description="Application-role connection. Unset: DATABASE_URL with the app role's name.",
    )
    db_name: str = "icop"
    db_owner_role: str = "icop_owner"
    db_app_role: str = "icop_app"
    db_app_password: SecretStr | None = None
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_pool_timeout_s: float = 10.0
    db_statement_timeout_ms: int = 30_000

    # --- API gateway ----------------------------------------------------------------------
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    public_url: str | None = Field(default=None, description="Base URL the API is reached at.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://127.0.0.1:3000", "http://localhost:3000"]
    )
    max_body_bytes: int = 1_048_576
    rate_limit_user: str = "120/minute"
    rate_limit_tenant: str = "600/minute"
    rate_limit_anonymous: str = "30/minute"
    redis_url: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "ICOP_REDIS_URL")
    )

    # --- auth -----------------------------------------------------------------------------
    jwt_issuer: str = "icop"
    jwt_audience: str = "icop-api"
    jwt_private_key: SecretStr | None = Field(
        default=None, description="Ed25519 private key (PEM). Unset: a key file under ICOP_HOME."
    )
    access_token_ttl_s: int = 900
    refresh_token_ttl_s: int = 30 * 24 * 3600
    invitation_ttl_s: int = 7 * 24 * 3600

    # --- credential vault -----------------------------------------------------------------
    vault_keys: SecretStr | None = Field(
        default=None,
        description="Comma-separated 'kid:base64key' pairs; the last one encrypts. "
        "Unset: a 0600 key file under ICOP_HOME.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.api_host}:{self.api_port}"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def secrets_dir(self) -> Path:
        return self.home / "secrets"


@lru_cache
def get_settings() -> Settings:
    return Settings()
