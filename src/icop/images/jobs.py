"""The inputs and results of the image workflow and its activities (plain dataclasses: they
travel through Temporal's data converter and the workflow sandbox unchanged)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icop.brand.palette import BrandSpec
from icop.models.image import ImageStatus


@dataclass(frozen=True)
class RetryTuning:
    """Backoff of provider activities. Part of the input (not constants) so a job's retries
    are fixed when it starts, and tests can run them in seconds."""

    initial_s: float = 5.0
    maximum_s: float = 60.0
    attempts: int = 3
    # A busy or out-of-memory GPU usually frees up within minutes: wait longer, more often.
    gpu_initial_s: float = 30.0
    gpu_maximum_s: float = 300.0
    gpu_attempts: int = 6


@dataclass(frozen=True)
class ImageJob:
    tenant_id: str
    image_id: str
    prompt: str
    preset: str
    seed: int
    chain: list[str]
    gpu_task_queue: str
    gpu_providers: list[str] = field(default_factory=list)
    platform: str | None = None
    title: str | None = None
    retry: RetryTuning = field(default_factory=RetryTuning)
    brand: BrandSpec | None = None
    """The tenant's brand kit, read once when the job starts; None (jobs started before
    kits existed) renders with the default."""


@dataclass(frozen=True)
class ProviderCall:
    job: ImageJob
    provider: str


@dataclass(frozen=True)
class StoredImage:
    provider: str
    model: str
    key: str
    url: str
    size: int
    sha256: str
    width: int
    height: int
    content_type: str
    seed: int | None = None
    revised_prompt: str | None = None


@dataclass(frozen=True)
class JobOutcome:
    tenant_id: str
    image_id: str
    status: ImageStatus
    image: StoredImage | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
