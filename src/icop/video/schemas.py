"""The video API's requests and answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from icop.models.video import SegmentStatus, VideoStatus

Platform = Literal["instagram", "facebook", "threads", "x"]


class VideoBrief(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=20_000)
    language: str = Field(default="en", min_length=2, max_length=16)


class VideoCreate(BaseModel):
    """A video from an article of the tenant's, or from a brief (exactly one)."""

    model_config = ConfigDict(extra="forbid")

    article_id: UUID | None = None
    brief: VideoBrief | None = None
    platform: Platform = "instagram"
    target_seconds: int = Field(default=30, ge=10, le=90)
    provider: Literal["local", "veo", "animatediff"] = "local"

    @model_validator(mode="after")
    def _one_source(self) -> VideoCreate:
        if (self.article_id is None) == (self.brief is None):
            raise ValueError("give exactly one of article_id and brief")
        return self


class VideoPublish(BaseModel):
    """Where a ready video goes: the tenant's connected accounts on ``platforms`` (unset or
    empty: every platform), each with the article's own copy for it (a brief's video: its
    title)."""

    model_config = ConfigDict(extra="forbid")

    platforms: list[Platform] | None = Field(default=None, max_length=4)


class SegmentOut(BaseModel):
    index: int
    status: SegmentStatus
    attempts: int
    provider: str | None
    model: str | None
    cost_usd: Decimal
    reasons: list[str]


class VideoOut(BaseModel):
    id: UUID
    article_id: UUID | None
    title: str
    status: VideoStatus
    provider: str
    platform: str
    target_seconds: int
    workflow_id: str | None
    url: str | None
    duration_s: float | None
    width: int | None
    height: int | None
    size_bytes: int | None
    valid_for: list[str]
    cost_usd: Decimal
    error: str | None
    created_at: datetime
    segments: list[SegmentOut] = Field(default_factory=list)
