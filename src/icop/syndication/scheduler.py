"""Starting and steering publish workflows from the API (a seam the API tests replace)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy

from icop.errors import ServiceUnavailable
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.syndication.activities import PublishInput
from icop.syndication.workflows import PublishPostWorkflow, workflow_id


class PostScheduler(Protocol):
    async def start(self, tenant_id: UUID, post_id: UUID, scheduled_at: datetime) -> None: ...

    async def cancel(self, post_id: UUID) -> None: ...

    async def reschedule(self, post_id: UUID, scheduled_at: datetime) -> None: ...

    async def publish_now(self, post_id: UUID) -> None: ...


class TemporalPostScheduler:
    def __init__(self, temporal: LazyClient | None) -> None:
        self.temporal = temporal

    async def _client(self) -> tuple[Client, LazyClient]:
        if self.temporal is None:
            raise ServiceUnavailable("the workflow engine (Temporal) is not configured here")
        return await self.temporal(), self.temporal

    async def start(self, tenant_id: UUID, post_id: UUID, scheduled_at: datetime) -> None:
        client, lazy = await self._client()
        # A finished run (failed, unconfirmed) may be started again by a manual retry; a
        # running one may not, so one post never has two publishers.
        await client.start_workflow(
            PublishPostWorkflow.run,
            PublishInput(
                tenant_id=str(tenant_id),
                post_id=str(post_id),
                scheduled_at=scheduled_at.isoformat(),
            ),
            id=workflow_id(str(post_id)),
            task_queue=lazy.settings.queue_name(TaskQueue.SYNDICATION),
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )

    async def cancel(self, post_id: UUID) -> None:
        client, _ = await self._client()
        await client.get_workflow_handle(workflow_id(str(post_id))).signal(
            PublishPostWorkflow.cancel
        )

    async def reschedule(self, post_id: UUID, scheduled_at: datetime) -> None:
        client, _ = await self._client()
        await client.get_workflow_handle(workflow_id(str(post_id))).signal(
            PublishPostWorkflow.reschedule, scheduled_at.isoformat()
        )

    async def publish_now(self, post_id: UUID) -> None:
        client, _ = await self._client()
        await client.get_workflow_handle(workflow_id(str(post_id))).signal(
            PublishPostWorkflow.publish_now
        )
