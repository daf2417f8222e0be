"""API shapes of accounts and posts. Tokens never appear here."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import Field, model_validator

from icop.models import AccountStatus, AttemptOutcome, PostPart, PostStatus
from icop.platforms.validation import MediaKind, Platform
from icop.schemas import RequestModel, ResponseModel


class AccountOut(ResponseModel):
    id: UUID
    platform: str
    platform_account_id: str
    name: str
    provider: str
    status: AccountStatus
    status_reason: str | None
    token_expires_at: datetime | None
    scopes: list[str]
    last_refreshed_at: datetime | None
    created_at: datetime
    can_refresh: bool = Field(
        default=False,
        description="A refresh token is stored, so the access token is renewed before it "
        "expires (X's last two hours): no reconnect is needed when it nears its expiry. "
        "The token itself is never shown.",
    )


class QuotaWindowOut(ResponseModel):
    label: str = Field(description="The window's span in words, e.g. '15 minutes'.")
    span_s: int
    limit: int = Field(description="Posts allowed in any such rolling window.")
    used: int = Field(description="Posts counted in the window ending now.")
    remaining: int
    frees_at: datetime | None = Field(
        description="When the oldest counted post leaves the window (a slot frees up)."
    )


class AccountQuotaOut(ResponseModel):
    """What the account may still post: our ledger's windows and the platform's last word."""

    account_id: UUID
    platform: str
    windows: list[QuotaWindowOut] = Field(
        description="Empty for Facebook Pages: Meta paces them by usage, not by a count."
    )
    platform_remaining: int | None
    platform_limit: int | None
    platform_reset_at: datetime | None
    usage_percent: float | None
    blocked_until: datetime | None = Field(description="A pause the platform asked for.")
    blocked_reason: str | None
    next_slot_at: datetime | None = Field(description="Unset: it may post now.")
    next_slot_reason: str | None


class ConnectStarted(ResponseModel):
    authorization_url: str
    expires_at: datetime


class MediaIn(RequestModel):
    url: str = Field(min_length=1, max_length=2000)
    width: int = Field(ge=1, le=20_000)
    height: int = Field(ge=1, le=20_000)
    format: str = Field(default="jpeg", max_length=16)
    size_bytes: int = Field(default=0, ge=0)
    alt: str | None = Field(default=None, max_length=1000)
    kind: MediaKind = Field(
        default=MediaKind.IMAGE, description="A video is posted alone (a Reel on Instagram)."
    )
    duration_s: float | None = Field(default=None, ge=0, description="Videos: the length.")
    cover_url: str | None = Field(
        default=None, max_length=2000, description="Videos: a cover frame; unset: made for you."
    )


class PostCreate(RequestModel):
    """Either an article (its generated social copy for each account's platform) or text."""

    account_ids: list[UUID] = Field(min_length=1, max_length=20)
    article_id: UUID | None = None
    text: str | None = Field(default=None, min_length=1, max_length=10_000)
    hashtags: list[str] = Field(default_factory=list, max_length=30)
    link_url: str | None = Field(default=None, max_length=2000)
    media: list[MediaIn] = Field(default_factory=list, max_length=20)
    scheduled_at: datetime | None = Field(
        default=None, description="When to publish (with a UTC offset). Unset: now."
    )
    allow_thread: bool = Field(
        default=True, description="Split an over-long X or Threads post into a thread."
    )
    url_as_reply: bool = Field(default=False, description="X: put the link in a reply.")
    duplicate_variation: str | None = Field(
        default=None, max_length=100, description="Text you approve to make a duplicate unique."
    )

    @model_validator(mode="after")
    def _one_source(self) -> PostCreate:
        if (self.article_id is None) == (self.text is None):
            raise ValueError("give either article_id or text")
        if self.scheduled_at is not None and self.scheduled_at.tzinfo is None:
            raise ValueError("scheduled_at needs a UTC offset")
        return self


class AttemptOut(ResponseModel):
    id: UUID
    attempt_no: int
    part_index: int
    reply_to: str | None
    intent_at: datetime
    answered_at: datetime | None
    reconciled_at: datetime | None
    outcome: AttemptOutcome | None
    platform_post_id: str | None
    error_code: str | None
    error_message: str | None
    http_status: int | None


class PostOut(ResponseModel):
    id: UUID
    account_id: UUID = Field(validation_alias="social_account_id")
    article_id: UUID | None
    platform: str
    status: PostStatus
    scheduled_at: datetime
    delay_reason: str | None
    next_attempt_at: datetime | None
    parts: list[PostPart]
    changes: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    platform_post_ids: list[str | None]
    permalink: str | None
    article_link: str | None = Field(
        default=None,
        description="The article's public page this post links to (null: none). Follows "
        "publishing, unpublishing and the workspace's link settings until the post is sent.",
    )
    own_link: bool = Field(
        default=False, description="Its author gave a link of their own: it is kept."
    )
    error: str | None
    workflow_id: str | None
    published_at: datetime | None
    created_at: datetime
    attempts: list[AttemptOut] = Field(default_factory=list)


class RescheduleRequest(RequestModel):
    scheduled_at: datetime

    @model_validator(mode="after")
    def _aware(self) -> RescheduleRequest:
        if self.scheduled_at.tzinfo is None:
            raise ValueError("scheduled_at needs a UTC offset")
        return self


class RetryRequest(RequestModel):
    force: bool = Field(
        default=False,
        description="Unconfirmed posts: send again without checking the platform first. "
        "Only when you have checked the account yourself: it may post twice.",
    )


class MediaDescription(RequestModel):
    """An attachment as the composer knows it before upload: what it is, not its bytes."""

    format: str = Field(default="jpeg", min_length=2, max_length=16)
    width: int = Field(ge=1, le=20_000)
    height: int = Field(ge=1, le=20_000)
    size_bytes: int = Field(default=0, ge=0)
    kind: MediaKind = MediaKind.IMAGE
    animated: bool = False
    alt: str | None = Field(default=None, max_length=1000)
    # Videos, where the composer knows them (unknown facts are checked at publish time).
    duration_s: float | None = Field(default=None, ge=0)
    fps: float | None = Field(default=None, ge=0)
    video_codec: str | None = Field(default=None, max_length=32)
    audio_codec: str | None = Field(default=None, max_length=32)


class PostValidateRequest(RequestModel):
    """A draft for one platform, checked as ``POST /posts`` would check it; nothing is saved."""

    platform: Platform
    text: str = Field(default="", max_length=10_000)
    hashtags: list[str] = Field(default_factory=list, max_length=30)
    mentions: list[str] = Field(default_factory=list, max_length=30)
    link_url: str | None = Field(default=None, max_length=2000)
    media: list[MediaDescription] = Field(default_factory=list, max_length=20)
    account_id: UUID | None = Field(
        default=None,
        description="The account it would go to: its last week's posts are checked for "
        "duplicates, as at scheduling.",
    )
    allow_thread: bool = Field(
        default=True, description="X and Threads: split an over-long post into a thread."
    )
    url_as_reply: bool = Field(default=False, description="X: put the link in a reply.")
    duplicate_variation: str | None = Field(default=None, max_length=100)


class IssueOut(ResponseModel):
    code: str
    message: str
    suggestion: str | None = None
    media_index: int | None = None


class ChangeOut(ResponseModel):
    code: str
    message: str


class PreparedPostOut(ResponseModel):
    text: str
    length: int = Field(description="Counted the platform's way (see ``unit``).")
    media: list[int] = Field(description="Indexes into the request's media.")
    link_url: str | None
    topic_tag: str | None
    reply_to_previous: bool


class ImageActionOut(ResponseModel):
    media_index: int
    problems: list[str]
    target_format: str
    max_bytes: int
    min_aspect: float | None
    max_aspect: float | None
    detail: str


class VideoActionOut(ResponseModel):
    """A video the publisher will convert before upload (icop.platforms.video.prepare_for)."""

    media_index: int
    problems: list[str]
    detail: str


class PostPreview(ResponseModel):
    platform: Platform
    ok: bool = Field(description="False when ``errors`` is not empty: the post cannot be sent.")
    limit: int = Field(description="The platform's text limit per post, in ``unit``.")
    unit: str
    length: int = Field(description="``text`` as written, before any fix, in ``unit``.")
    fixed_text: str = Field(description="The first post's text after the automatic fixes.")
    posts: list[PreparedPostOut] = Field(description="More than one: a thread.")
    changes: list[ChangeOut]
    warnings: list[IssueOut]
    errors: list[IssueOut]
    image_actions: list[ImageActionOut]
    video_actions: list[VideoActionOut] = Field(default_factory=list)
    estimated_cost_usd: Decimal | None
    dropped_hashtags: list[str]
