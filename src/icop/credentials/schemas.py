from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from icop.schemas import RequestModel, ResponseModel


class CredentialKind(StrEnum):
    GOOGLE = "google"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    THREADS = "threads"
    X = "x"
    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    GEMINI = "gemini"
    FAL = "fal"
    OTHER = "other"


class CredentialCreate(RequestModel):
    platform: CredentialKind
    label: str = Field(min_length=1, max_length=200)
    access_token: str = Field(min_length=1, max_length=16_384)
    refresh_token: str | None = Field(default=None, min_length=1, max_length=16_384)
    expires_at: datetime | None = None
    scopes: list[str] = Field(default_factory=list, max_length=100)
    account_id: str | None = Field(default=None, max_length=200)


class CredentialOut(ResponseModel):
    """Metadata only: tokens never leave the vault through the API."""

    id: UUID
    platform: CredentialKind
    label: str
    account_id: str | None
    scopes: list[str]
    expires_at: datetime | None
    has_refresh_token: bool
    key_id: str
    created_at: datetime
    updated_at: datetime
