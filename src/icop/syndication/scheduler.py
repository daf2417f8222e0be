"""Starting and steering publish workflows from the API (a seam the API tests replace). A
post's workflow starts once the transaction that scheduled it commits (``start_after_commit``);
steering signals a running one."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from icop.orchestrator.connection import LazyClient, require
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.starts import IdReuse, StartRequest, start_after_commit
from icop.syndication.activities import PublishInput
from icop.syndication.workflows import PublishPostWorkflow, workflow_id


class PostScheduler(Protocol):
    async def start(
        self, session: AsyncSession, tenant_id: UUID, post_id: UUID, scheduled_at: datetime
    ) -> None:
        """Publish the post at ``scheduled_at``, once ``session``'s transaction commits."""

    async def cancel(self, post_id: UUID) -> None: ...

    async def reschedule(self, post_id: UUID, scheduled_at: datetime) -> None: ...

    async def publish_now(self, post_id: UUID) -> None: ...


class TemporalPostScheduler:
    def __init__(self, temporal: LazyClient | None) -> None:
        self.temporal = temporal

    async def _client(self) -> Client:
        return await require(self.temporal)()

    async def start(
        self, session: AsyncSession, tenant_id: UUID, post_id: UUID, scheduled_at: datetime
    ) -> None:
        # A finished run (failed, unconfirmed) may be started again by a manual retry; a
        # running one may not, so one post never has two publishers.
        await start_after_commit(
            session,
            require(self.temporal),
            tenant_id,
            StartRequest(
                PublishPostWorkflow,
                workflow_id(str(post_id)),
                TaskQueue.SYNDICATION,
                PublishInput(
                    tenant_id=str(tenant_id),
                    post_id=str(post_id),
                    scheduled_at=scheduled_at.isoformat(),
                ),
                IdReuse.ALLOW_DUPLICATE,
            ),
        )

    async def cancel(self, post_id: UUID) -> None:
        client = await self._client()
        await client.get_workflow_handle(workflow_id(str(post_id))).signal(
            PublishPostWorkflow.cancel
        )

    async def reschedule(self, post_id: UUID, scheduled_at: datetime) -> None:
        client = await self._client()
        await client.get_workflow_handle(workflow_id(str(post_id))).signal(
            PublishPostWorkflow.reschedule, scheduled_at.isoformat()
        )

    async def publish_now(self, post_id: UUID) -> None:
        client = await self._client()
        await client.get_workflow_handle(workflow_id(str(post_id))).signal(
            PublishPostWorkflow.publish_now
        )
