"""Activities of the publish workflow. The platform call happens inside ``publish``, which is
safe to run again by construction (it reconciles any open attempt before sending), so a
Temporal retry after a worker crash never posts twice; everything the platform answers,
ambiguous outcomes included, is handled inside it and never escapes as a retryable error."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from icop.db.session import unit_of_work
from icop.models import PostStatus
from icop.orchestrator.heartbeat import heartbeating
from icop.syndication.exceptions import PostNotFound
from icop.syndication.publisher import Publisher
from icop.syndication.repository import PostRepository

HEARTBEAT_EVERY_S = 10.0


@dataclass
class PublishInput:
    tenant_id: str
    post_id: str
    scheduled_at: str  # ISO 8601 with offset


@dataclass
class PostRef:
    tenant_id: str
    post_id: str


@dataclass
class PublishResult:
    status: str
    """A final PostStatus, or a publisher.Pause (``waiting``, ``retry``)."""
    wait_until: str | None = None
    reason: str | None = None


class PublishActivities:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], publisher: Publisher
    ) -> None:
        self.sessionmaker = sessionmaker
        self.publisher = publisher

    @activity.defn(name="syndication.publish")
    async def publish(self, ref: PostRef) -> PublishResult:
        try:
            # A local activity (the workflow's default since ADR 0040) has no heartbeat: its
            # workflow task's timeout notices a dead worker instead.
            beat = (
                contextlib.nullcontext()
                if activity.info().is_local
                else heartbeating(every_s=HEARTBEAT_EVERY_S)
            )
            async with beat:
                outcome = await self.publisher.publish(UUID(ref.tenant_id), UUID(ref.post_id))
        except PostNotFound as error:
            # The workflow started after the post committed (icop.orchestrator.starts): a post
            # that is not there was deleted, and retrying cannot bring it back.
            raise ApplicationError(str(error), type="PostNotFound", non_retryable=True) from error
        return PublishResult(
            status=outcome.status,
            wait_until=outcome.wait_until.isoformat() if outcome.wait_until else None,
            reason=outcome.reason,
        )

    @activity.defn(name="syndication.cancel")
    async def cancel(self, ref: PostRef) -> bool:
        """Cancel unless the post already went out (or is going out right now)."""
        async with unit_of_work(self.sessionmaker, UUID(ref.tenant_id)) as session:
            posts = PostRepository(session)
            post = await posts.get(UUID(ref.post_id), lock=True)
            if post is None or not (post.status.steerable or post.status == PostStatus.CANCELLED):
                return False
            await posts.update(post.id, status=PostStatus.CANCELLED, delay_reason=None)
            return True
