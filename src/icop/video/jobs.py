"""What the video workflow hands its activities (dataclasses: Temporal's converter carries
them as JSON). The plan travels as its JSON document; the timeline is recomputed from it
(``plan_timeline`` is deterministic), so no float drifts between workflow and activity."""

from __future__ import annotations

from dataclasses import dataclass, field

from icop.brand.palette import BrandSpec


@dataclass
class VideoJob:
    tenant_id: str
    video_id: str
    title: str
    text: str
    language: str = "en"
    provider: str = "local"
    gpu_provider: bool = False
    platform: str = "instagram"
    target_seconds: int = 30
    width: int = 1080
    height: int = 1920
    fps: int = 30
    seed: int = 1
    max_attempts: int = 3
    brand: BrandSpec | None = None
    """The tenant's brand kit when the video was asked for (None: the default kit)."""


@dataclass
class SegmentCall:
    job: VideoJob
    plan: str
    index: int
    attempt: int
    still_key: str | None = None


@dataclass
class StoredSegment:
    index: int
    attempt: int
    provider: str
    model: str
    key: str
    cost_usd: float
    ok: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class VideoOutcome:
    video_id: str
    key: str | None
    url: str | None
    duration_s: float
    segments: list[StoredSegment]
    valid_for: list[str]
    cost_usd: float
    error: str | None = None
