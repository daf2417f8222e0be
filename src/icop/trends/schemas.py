"""The trends API's bodies and answers, and a tenant's source configuration."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from icop.knowledge.schemas import HttpUrl
from icop.models import SuggestionStatus, TrendRunStatus
from icop.schemas import RequestModel, ResponseModel

Region = Annotated[str, Field(pattern=r"^[A-Z]{2}(\+[A-Z]{2})*$", max_length=20)]
Hashtag = Annotated[str, Field(pattern=r"^#?\w{1,100}$")]


class InstagramSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(description="The Instagram professional account's id (IG User).")
    hashtags: list[Hashtag] = Field(
        min_length=1,
        max_length=30,
        description="Meta allows 30 unique hashtags per account in a rolling 7 days.",
    )
    edge: Literal["top_media", "recent_media"] = "top_media"
    credential_id: UUID | None = Field(
        default=None, description="Vault credential holding the user access token."
    )


class PinterestSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: Region = "US"
    trend_type: Literal["growing", "monthly", "yearly", "seasonal"] = "growing"
    interests: list[str] = Field(default_factory=list, max_length=10)
    credential_id: UUID | None = None


class YouTubeSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: Region = "US"
    category_id: str | None = Field(default=None, pattern=r"^\d{1,4}$")
    credential_id: UUID | None = Field(
        default=None, description="Vault credential whose access token is the API key."
    )


class TrendSources(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feeds: list[HttpUrl] = Field(default_factory=list, max_length=50)
    instagram: InstagramSource | None = None
    pinterest: PinterestSource | None = None
    youtube: YouTubeSource | None = None


class TrendConfigUpdate(RequestModel):
    sources: TrendSources | None = None
    topics: list[Annotated[str, Field(min_length=2, max_length=200)]] | None = Field(
        default=None,
        max_length=50,
        description="What the plan is about: trends near them "
        "become suggestions (besides the plans' own topics).",
    )
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] | None = Field(
        default=None, max_length=20, description="Kept languages; empty keeps all."
    )
    schedule_cron: str | None = Field(default=None, max_length=120)
    schedule_paused: bool | None = None


class TrendConfigOut(ResponseModel):
    sources: TrendSources
    topics: list[str]
    languages: list[str]
    schedule_cron: str
    schedule_paused: bool
    time_zone: str
    emulated: bool = Field(description="Sources are the local platform emulator's.")


class TrendRunOut(ResponseModel):
    id: UUID
    trigger: str
    status: TrendRunStatus
    step: str | None
    counts: dict[str, object]
    source_errors: dict[str, str]
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime


class TrendItemOut(ResponseModel):
    id: UUID
    title: str
    url: str | None
    source: str
    source_kind: str
    published_at: datetime | None
    trend_score: float | None
    document_id: UUID | None


class TrendOut(ResponseModel):
    id: UUID
    run_id: UUID
    label: str
    keywords: list[str]
    size: int
    score: float
    sources: list[str]
    first_seen_at: datetime
    items: list[TrendItemOut]


class TrendsOut(ResponseModel):
    run: TrendRunOut | None
    trends: list[TrendOut]


class SuggestionOut(ResponseModel):
    id: UUID
    trend_id: UUID
    trend_label: str
    topic: str = Field(description="The plan row it proposes (its topic cell).")
    matched_topic: str
    similarity: float
    score: float
    status: SuggestionStatus
    pipeline_id: UUID | None
    row_number: int | None
    created_at: datetime


class PromoteRequest(RequestModel):
    pipeline_id: UUID = Field(description="A pipeline with source_type 'import' (rows in ICOP).")
    topic: str | None = Field(
        default=None, min_length=2, max_length=500, description="Edit the topic on the way."
    )
