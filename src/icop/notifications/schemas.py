from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from icop.models import NotificationKind
from icop.schemas import RequestModel, ResponseModel


class NotificationOut(ResponseModel):
    id: UUID
    kind: NotificationKind
    title: str
    detail: str | None
    target_type: str = Field(description="`article`, `run` or `post`.")
    target_id: UUID
    created_at: datetime
    read_at: datetime | None = Field(description="When the caller read it; null: unread.")


class NotificationPage(ResponseModel):
    unread: int = Field(description="The caller's unread notifications in all.")
    items: list[NotificationOut]


class MarkedRead(ResponseModel):
    marked: int


class WebhookSet(RequestModel):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="A Slack-compatible incoming webhook: https, or http to localhost only.",
    )


class WebhookOut(ResponseModel):
    """The URL itself never leaves the vault: only its scheme and host."""

    configured: bool
    hint: str | None = None
    key_id: str | None = None
    created_at: datetime | None = None


class WebhookTestOut(ResponseModel):
    delivered: bool = Field(description="The webhook answered 2xx.")
    status_code: int | None = Field(
        default=None, description="Its HTTP status; null when it could not be reached."
    )
    error: str | None = Field(default=None, description="Why it was not delivered.")
