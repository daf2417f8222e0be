"""Image-service settings, read from the environment like ``icop.config.Settings`` (same
``ICOP_`` prefix and ``.env``). Kept here until they move into the one ``Settings`` class."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROVIDER_NAMES = ("openai", "fal", "comfyui", "local")


class ImageSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ICOP_", env_file=".env", extra="ignore", populate_by_name=True
    )

    image_providers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["openai", "fal", "comfyui", "local"],
        description="Default provider order (comma-separated); providers without keys or "
        "hosts are skipped. A tenant's own order (PUT /api/v1/images/routing) replaces it.",
    )
    image_local_last_resort: bool = Field(
        default=True,
        description="Append the local renderer to every chain, so a job always ends with an "
        "image even when every remote provider fails.",
    )
    image_openai_model: str = Field(
        default="gpt-image-1", description="OpenAI image model (a GPT Image model)."
    )
    image_openai_quality: Literal["low", "medium", "high", "auto"] = Field(
        default="medium", description="GPT Image quality (cost grows with it)."
    )
    image_openai_timeout_s: float = Field(
        default=180.0, gt=0, description="Timeout of one OpenAI image request."
    )
    fal_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("FAL_KEY", "ICOP_FAL_KEY"),
        description="fal.ai API key. Unset: no FLUX on fal.ai.",
    )
    fal_model: str = Field(default="fal-ai/flux/dev", description="fal.ai model id (FLUX).")
    fal_queue_url: str = Field(
        default="https://queue.fal.run", description="fal.ai queue API base URL."
    )
    fal_timeout_s: float = Field(
        default=300.0, gt=0, description="Longest wait for one fal.ai request, queue included."
    )
    fal_poll_interval_s: float = Field(
        default=1.0, gt=0, description="Seconds between fal.ai status polls."
    )
    comfyui_url: str | None = Field(
        default=None, description="ComfyUI base URL, e.g. http://gpu-box:8188. Unset: no ComfyUI."
    )
    comfyui_workflow: Path | None = Field(
        default=None,
        description="ComfyUI workflow (API format) with {{prompt}}, {{seed}}, {{width}}, "
        "{{height}} placeholders. Unset: the bundled SDXL text-to-image workflow.",
    )
    comfyui_timeout_s: float = Field(
        default=600.0, gt=0, description="Longest wait for one ComfyUI job."
    )
    comfyui_max_queue: int = Field(
        default=2,
        ge=1,
        description="ComfyUI counts as busy (retried later) when this many jobs are queued.",
    )

    @field_validator("image_providers", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            value = [name.strip().lower() for name in value.split(",") if name.strip()]
        return value

    @field_validator("image_providers")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in PROVIDER_NAMES]
        if unknown:
            raise ValueError(f"unknown image providers {unknown} (known: {list(PROVIDER_NAMES)})")
        if not value:
            raise ValueError("at least one image provider")
        return list(dict.fromkeys(value))
