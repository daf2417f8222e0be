"""Workflows start only after the transaction that asked for them commits — one way for every
service (articles, pipeline runs, posts, image jobs).

A service calls ``start_after_commit`` inside its unit of work. That writes a
``workflow_starts`` row with the rows the workflow will read, and asks the unit of work to start
the workflow once it has committed (``icop.db.session.after_commit``); then the row is deleted.
So:

- a workflow never runs before its rows are visible (no "not found yet" retries, no race);
- a rolled-back transaction starts nothing (its row is rolled back with it);
- a start that did not happen after the commit (Temporal down, the process killed in between)
  is made by the sweeper, which every process linked to Temporal runs: it starts what is older
  than a few seconds, at least once, and the workflow id makes a second start a no-op
  (``WorkflowAlreadyStartedError``).

Workflows whose id may run again after it closed (a post retried by hand: ``ALLOW_DUPLICATE``)
must tolerate a repeated start; the publish workflow does (a finished post is not sent twice).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import WorkflowAlreadyStartedError

from icop.db import system
from icop.db.session import after_commit, unit_of_work
from icop.kit.background import in_background
from icop.models import WorkflowStart
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.repository import WorkflowStartRepository

logger = logging.getLogger(__name__)


class IdReuse(StrEnum):
    # A workflow id runs once, ever: resubmitting the same article starts nothing.
    REJECT_DUPLICATE = "reject_duplicate"
    # A closed run may be started again (a failed post retried by hand); a running one may not.
    ALLOW_DUPLICATE = "allow_duplicate"


_POLICIES = {
    IdReuse.REJECT_DUPLICATE: WorkflowIDReusePolicy.REJECT_DUPLICATE,
    IdReuse.ALLOW_DUPLICATE: WorkflowIDReusePolicy.ALLOW_DUPLICATE,
}


@dataclass(frozen=True)
class StartRequest:
    workflow: type
    """The workflow class (``@workflow.defn``); its registered name is what is stored."""
    workflow_id: str
    queue: TaskQueue
    arg: Any
    """The workflow's input: a dataclass or a Pydantic model (the data converter's JSON)."""
    id_reuse: IdReuse = IdReuse.REJECT_DUPLICATE


@dataclass(frozen=True)
class _Start:
    """A start as stored: what both the after-commit path and the sweeper send."""

    id: UUID
    tenant_id: UUID
    workflow: str
    workflow_id: str
    queue: str
    input: dict[str, Any]
    id_reuse: IdReuse

    @classmethod
    def of(cls, row: WorkflowStart) -> _Start:
        return cls(
            row.id,
            row.tenant_id,
            row.workflow,
            row.workflow_id,
            row.task_queue,
            row.input,
            IdReuse(row.id_reuse),
        )


def workflow_name(cls: type) -> str:
    """The name ``@workflow.defn`` registered the class under (what Temporal knows it by)."""
    definition = getattr(cls, "__temporal_workflow_definition", None)
    if definition is None:
        raise TypeError(f"{cls.__name__} is not a workflow (no @workflow.defn)")
    name: str = definition.name
    return name


def to_json(value: Any) -> dict[str, Any]:
    """The workflow input as the client's data converter would send it."""
    payload = pydantic_data_converter.payload_converter.to_payload(value)
    data: dict[str, Any] = json.loads(payload.data)
    return data


async def start_after_commit(
    session: AsyncSession, temporal: LazyClient | None, tenant_id: UUID, request: StartRequest
) -> None:
    """Start ``request``'s workflow once ``session``'s unit of work commits. Without a client
    here (``temporal`` None) the sweeper of another process starts it."""
    row = await WorkflowStartRepository(session).add(
        tenant_id=tenant_id,
        workflow=workflow_name(request.workflow),
        workflow_id=request.workflow_id,
        task_queue=TaskQueue(request.queue).value,
        input=to_json(request.arg),
        id_reuse=request.id_reuse.value,
    )
    if temporal is not None:
        after_commit(session, partial(_start_committed, temporal, _Start.of(row)))


async def _start_committed(
    temporal: LazyClient, start: _Start, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    try:
        await _send(await temporal(), temporal.settings, start)
    except Exception as error:  # the row stays: the sweeper starts it when Temporal answers
        logger.warning(
            "workflow %s is not started yet (%s: %s); it starts as soon as Temporal answers",
            start.workflow_id,
            type(error).__name__,
            error,
        )
        return
    async with unit_of_work(sessionmaker, start.tenant_id) as session:
        await WorkflowStartRepository(session).delete([start.id])


async def _send(client: Client, settings: TemporalSettings, start: _Start) -> None:
    try:
        await client.start_workflow(
            start.workflow,
            start.input,
            id=start.workflow_id,
            task_queue=settings.queue_name(start.queue),
            id_reuse_policy=_POLICIES[start.id_reuse],
        )
    except WorkflowAlreadyStartedError:
        # Started before: by this start's other path, or a retried sweep. Nothing to do.
        logger.debug("workflow %s was already started", start.workflow_id)


class StartSweeper:
    """Starts what committed transactions asked for and nobody started: rows older than
    ``grace_s`` (the after-commit start normally deletes them within milliseconds)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        temporal: LazyClient,
        *,
        grace_s: float = 5.0,
        poll_s: float = 2.0,
        batch: int = 100,
        tenants_per_round: int = 100,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.temporal = temporal
        self.grace_s = grace_s
        self.poll_s = poll_s
        self.batch = batch
        self.tenants_per_round = tenants_per_round

    async def sweep(self, *, older_than_s: float | None = None) -> int:
        """One round; the number of workflows started (or found already started)."""
        async with unit_of_work(self.sessionmaker, None) as session:
            tenants = await system.tenants_with_due_workflow_starts(
                session,
                older_than_s=self.grace_s if older_than_s is None else older_than_s,
                limit=self.tenants_per_round,
            )
        started = 0
        for tenant_id in tenants:
            started += await self._sweep_tenant(tenant_id)
        return started

    async def _sweep_tenant(self, tenant_id: UUID) -> int:
        client = await self.temporal()
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            repository = WorkflowStartRepository(session)
            done: list[UUID] = []
            for row in await repository.due(self.batch):
                start = _Start.of(row)
                try:
                    await _send(client, self.temporal.settings, start)
                except Exception as error:  # this one waits for the next round
                    await repository.failed(start.id, f"{type(error).__name__}: {error}")
                    continue
                done.append(start.id)
            await repository.delete(done)
        return len(done)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                started = await self.sweep()
                if started:
                    logger.info("started %d workflow(s) left over by earlier commits", started)
            except Exception as error:  # Temporal or the database away: try again next round
                logger.warning("workflow start sweep failed (%s: %s)", type(error).__name__, error)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll_s)


@asynccontextmanager
async def background_sweeper(
    sessionmaker: async_sessionmaker[AsyncSession], temporal: LazyClient
) -> AsyncIterator[StartSweeper]:
    """The sweeper as a background task of the current event loop (API and worker processes)."""
    sweeper = StartSweeper(sessionmaker, temporal)
    async with in_background(sweeper.run, name="workflow-start-sweeper"):
        yield sweeper
