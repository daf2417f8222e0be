from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import Field, field_validator

from icop.brand.schemas import BrandKitUpdate
from icop.images.presets import Preset
from icop.knowledge.schemas import Text
from icop.models.image import ImageStatus
from icop.platforms import Platform
from icop.schemas import RequestModel, ResponseModel

MAX_SEED = 2**31 - 1


class ProviderName(StrEnum):
    OPENAI = "openai"
    FAL = "fal"
    COMFYUI = "comfyui"
    LOCAL = "local"


class ImageCreate(RequestModel):
    prompt: str = Field(min_length=1, max_length=4000, description="What to picture (English).")
    preset: Preset = Field(
        default=Preset.PORTRAIT,
        description="portrait 1080x1350 (4:5), square 1080x1080, landscape 1200x630.",
    )
    provider: ProviderName | None = Field(
        default=None,
        description="Try this provider first; the tenant's order follows as the fallback.",
    )
    platform: Platform | None = Field(
        default=None, description="Fit the JPEG to this platform's rules (size cap, aspect)."
    )
    title: str | None = Field(
        default=None, max_length=300, description="Text of the local renderer's card."
    )
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)


class AttemptOut(ResponseModel):
    provider: str
    outcome: str
    detail: str | None = None


class ImageOut(ResponseModel):
    id: UUID
    status: ImageStatus
    prompt: str
    title: str | None
    preset: Preset
    platform: Platform | None
    requested_provider: str | None
    chain: list[str]
    seed: int
    provider: str | None = Field(description="The provider that made the image.")
    model: str | None
    storage_key: str | None
    url: str | None = Field(description="A fresh link to the JPEG (signed or public).")
    content_type: str | None
    width: int | None
    height: int | None
    size_bytes: int | None
    sha256: str | None
    attempts: list[AttemptOut]
    error: str | None
    workflow_id: str | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class ImageRoutingUpdate(RequestModel):
    providers: list[ProviderName] = Field(min_length=1, max_length=len(ProviderName))

    @field_validator("providers")
    @classmethod
    def _unique(cls, value: list[ProviderName]) -> list[ProviderName]:
        if len(set(value)) != len(value):
            raise ValueError("each provider at most once")
        return value


class ProviderStatusOut(ResponseModel):
    name: ProviderName
    model: str
    configured: bool
    gpu: bool


class ImageRoutingOut(ResponseModel):
    providers: list[ProviderName]
    source: Literal["tenant", "default"]
    local_last_resort: bool
    available: list[ProviderStatusOut]


class CardPreviewRequest(BrandKitUpdate):
    """A brand kit as ``PUT /brand/kit`` takes it (the same contrast rule), and the card's
    words."""

    title: Text = Field(min_length=1, max_length=200, description="The card's title.")
    subtitle: Text | None = Field(default=None, max_length=300)
    kicker: Text | None = Field(default=None, max_length=60, description="Above the title.")
    preset: Preset = Preset.PORTRAIT
    logo: bool = Field(
        default=False,
        description="Draw the tenant's saved logo (GET /brand/kit's `logo`) on the card; "
        "ignored when it has none.",
    )
