"""What one publish run works with (``Publisher``): the post's parts and the ids the platform
gave them so far, its open attempts and prepared media; and what the run ends in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from icop.models import PostPart, PostStatus, PublishAttempt
from icop.platforms import Platform
from icop.syndication.platforms.base import (
    AccountAuth,
    MediaUpload,
    OutgoingPost,
    PlatformClient,
)


class Pause(StrEnum):
    """A run that stopped for now: the workflow calls again at ``wait_until``."""

    QUOTA = "waiting"  # a quota window (the post waits as ``waiting_quota``)
    OUTAGE = "retry"  # the platform was unavailable (the post stays ``scheduled``)


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """A final post status (``published``, ``failed``, ``unconfirmed``, ``cancelled``), or a
    ``Pause``: call again at ``wait_until``."""

    status: PostStatus | Pause
    wait_until: datetime | None = None
    reason: str | None = None


@dataclass
class PublishRun:
    tenant_id: UUID
    post_id: UUID
    account_id: UUID
    platform: Platform
    client: PlatformClient
    parts: list[PostPart]
    ids: list[str | None]
    auth: AccountAuth | None = None
    refreshes: int = 0
    open_attempts: dict[int, PublishAttempt] = field(default_factory=dict)
    # Each part's media as prepared for the platform (media.py); absent: the stored URLs.
    media: dict[int, list[MediaUpload]] = field(default_factory=dict)

    def reply_to(self, index: int) -> str | None:
        part = self.parts[index]
        if index > 0 and part.reply_to_previous:
            return self.ids[index - 1]
        return part.reply_to or None

    def outgoing(self, index: int) -> OutgoingPost:
        part = self.parts[index]
        media = self.media.get(index)
        return OutgoingPost(
            text=part.text,
            media=tuple(
                media
                if media is not None
                else (MediaUpload(url=item.url, alt_text=item.alt) for item in part.media)
            ),
            reply_to=self.reply_to(index),
            link_url=part.link_url,
            topic_tag=part.topic_tag,
        )
