"""Workflows start only after the rows they work on commit — for articles, pipeline runs,
posts and image jobs alike (``icop.orchestrator.starts``): not while the commit is delayed,
never for a transaction that rolled back, and at least once (exactly one run, by workflow id)
when the process dies between its commit and the start."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from icop.articles import service as articles
from icop.articles.schemas import ArticleCreate
from icop.auth.principal import Principal, PrincipalKind
from icop.config import Settings
from icop.db.engine import create_sessionmaker
from icop.db.session import bind_tenant, unit_of_work
from icop.images import service as images
from icop.images.schemas import ImageCreate
from icop.models import Role, WorkflowStart
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.repository import WorkflowStartRepository
from icop.orchestrator.starts import StartSweeper
from icop.planning import service as pipelines
from icop.planning.schemas import PipelineCreate
from icop.runtime.clients import Runtime
from icop.syndication import service as posts
from icop.syndication.scheduler import TemporalPostScheduler
from icop.syndication.schemas import PostCreate
from icop.syndication.workflows import workflow_id as post_workflow_id
from tests.helpers import Account, ApiClient, committed_tenant
from tests.syndication.support import make_account

pytestmark = pytest.mark.timeout(120)
ROOT = Path(__file__).resolve().parents[2]

# Asks a service, inside the caller's transaction, for work that runs in a workflow; returns
# that workflow's id.
Ask = Callable[[AsyncSession, LazyClient, Principal, Runtime], Awaitable[str]]


async def ask_article(
    session: AsyncSession, temporal: LazyClient, principal: Principal, runtime: Runtime
) -> str:
    brief = ArticleCreate(topic="balcony gardening")
    accepted = await articles.create(session, runtime.settings, temporal, principal, brief)
    return accepted.workflow_id


async def ask_pipeline_run(
    session: AsyncSession, temporal: LazyClient, principal: Principal, runtime: Runtime
) -> str:
    pipeline = await pipelines.create(
        session,
        runtime.settings,
        temporal,
        principal,
        PipelineCreate(name=f"plan {uuid4().hex[:8]}", source_type="import"),
    )
    run = await pipelines.start_run(session, temporal, principal, pipeline.id)
    return run.workflow_id


async def ask_post(
    session: AsyncSession, temporal: LazyClient, principal: Principal, runtime: Runtime
) -> str:
    account_id = await make_account(runtime.sessionmaker, runtime.keyring, principal.tenant_id)
    [post] = await posts.create(
        session,
        runtime.settings,
        TemporalPostScheduler(temporal),
        principal,
        PostCreate(account_ids=[account_id], text="Rain barrels fill faster than you think."),
    )
    return post_workflow_id(str(post.id))


async def ask_image(
    session: AsyncSession, temporal: LazyClient, principal: Principal, runtime: Runtime
) -> str:
    image = await images.create(
        session, runtime.images, principal, ImageCreate(prompt="a rain barrel"), temporal
    )
    assert image.workflow_id is not None, "Temporal answers: the job goes to the workers"
    return image.workflow_id


ASKS = pytest.mark.parametrize(
    "ask",
    [ask_article, ask_pipeline_run, ask_post, ask_image],
    ids=["article", "pipeline run", "post", "image job"],
)


@pytest.fixture
async def owner(client: ApiClient) -> Account:
    return await client.signup("Starts")


@pytest.fixture
def principal(owner: Account) -> Principal:
    return Principal(
        kind=PrincipalKind.USER, tenant_id=owner.tenant_id, role=Role.OWNER, user_id=owner.user_id
    )


@pytest.fixture
def temporal(temporal_settings: TemporalSettings) -> LazyClient:
    return LazyClient(temporal_settings)


async def started(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def pending_starts(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: UUID
) -> list[WorkflowStart]:
    async with unit_of_work(sessionmaker, tenant_id) as session:
        return list(await WorkflowStartRepository(session).pending())


@ASKS
async def test_a_workflow_starts_only_once_its_rows_commit(
    ask: Ask,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    temporal: LazyClient,
    temporal_client: Client,
) -> None:
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        workflow_id = await ask(session, temporal, principal, context)
        await asyncio.sleep(2)  # a slow commit: the workflow must not run ahead of its rows
        assert not await started(temporal_client, workflow_id)
    assert await started(temporal_client, workflow_id)
    assert await pending_starts(sessionmaker, principal.tenant_id) == []


@ASKS
async def test_a_rolled_back_transaction_starts_nothing(
    ask: Ask,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    temporal: LazyClient,
    temporal_client: Client,
) -> None:
    asked: list[str] = []

    async def failing_request() -> None:
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            asked.append(await ask(session, temporal, principal, context))
            raise RuntimeError("the request failed after asking")

    with pytest.raises(RuntimeError, match="after asking"):
        await failing_request()
    [workflow_id] = asked
    assert not await started(temporal_client, workflow_id)
    assert await pending_starts(sessionmaker, principal.tenant_id) == []
    sweeper = StartSweeper(sessionmaker, temporal)
    assert await sweeper.sweep(older_than_s=0) == 0
    assert not await started(temporal_client, workflow_id)


@ASKS
async def test_a_start_lost_after_the_commit_is_made_by_the_sweeper_exactly_once(
    ask: Ask,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    temporal: LazyClient,
    temporal_client: Client,
) -> None:
    # A process that dies right after its commit never runs its after-commit work: commit
    # outside a unit of work, which is what runs it.
    async with sessionmaker() as session:
        await bind_tenant(session, principal.tenant_id)
        workflow_id = await ask(session, temporal, principal, context)
        await session.commit()
    assert not await started(temporal_client, workflow_id)
    [left] = await pending_starts(sessionmaker, principal.tenant_id)

    sweeper = StartSweeper(sessionmaker, temporal)
    assert await sweeper.sweep() == 0, "younger than the grace period: its own commit may start it"
    assert await sweeper.sweep(older_than_s=0) == 1
    assert await started(temporal_client, workflow_id)
    run_id = (await temporal_client.get_workflow_handle(workflow_id).describe()).run_id
    assert await pending_starts(sessionmaker, principal.tenant_id) == []

    # The start went out but its row survived (killed before the delete): the next sweep
    # finds the workflow there and starts no second run.
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        await WorkflowStartRepository(session).add(
            tenant_id=left.tenant_id,
            workflow=left.workflow,
            workflow_id=left.workflow_id,
            task_queue=left.task_queue,
            input=left.input,
            id_reuse=left.id_reuse,
        )
    assert await sweeper.sweep(older_than_s=0) == 1
    assert (await temporal_client.get_workflow_handle(workflow_id).describe()).run_id == run_id
    assert await pending_starts(sessionmaker, principal.tenant_id) == []


async def test_a_start_that_fails_after_the_commit_waits_for_the_sweeper(
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    temporal: LazyClient,
    temporal_settings: TemporalSettings,
    temporal_client: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Temporal away at commit time: the request still succeeds (its rows are committed),
    one warning line says so (no traceback), and the sweeper starts the workflow later."""
    from tests.orchestrator.conftest import free_port

    away = LazyClient(dataclasses.replace(temporal_settings, port=free_port(), connect_timeout_s=1))
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        workflow_id = await ask_article(session, away, principal, context)
    assert not await started(temporal_client, workflow_id)
    warnings = [r for r in caplog.records if "not started yet" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    [left] = await pending_starts(sessionmaker, principal.tenant_id)
    assert left.workflow == "ArticleWorkflow" and left.task_queue == "agents"
    assert left.input["article_id"] in workflow_id

    assert await StartSweeper(sessionmaker, temporal).sweep(older_than_s=0) == 1
    assert await started(temporal_client, workflow_id)


def test_the_stored_input_is_what_the_workflow_receives(settings: Settings) -> None:
    from icop.orchestrator.starts import to_json

    payload = articles.workflow_input(settings, UUID(int=1), UUID(int=2))
    assert to_json(payload) == dataclasses.asdict(payload)


async def test_an_icop_worker_process_starts_what_a_dead_process_committed(
    app_engine: AsyncEngine,
    temporal_settings: TemporalSettings,
    temporal_client: Client,
) -> None:
    """End to end: a start committed by a process that died before making it (its row, and
    nothing else) is started by the sweeper of ``icop worker`` running elsewhere."""
    from icop.orchestrator.diagnostics import PingInput, PingResult, PingWorkflow
    from icop.orchestrator.queues import TaskQueue
    from icop.orchestrator.starts import StartRequest, start_after_commit

    sessionmaker = create_sessionmaker(app_engine)  # committed: another process reads it
    tenant_id = await committed_tenant(sessionmaker)
    workflow_id = f"ping-{uuid4()}"
    async with unit_of_work(sessionmaker, tenant_id) as session:
        # No client here: nothing in this process starts it (as if it died after the commit).
        await start_after_commit(
            session,
            None,
            tenant_id,
            StartRequest(
                PingWorkflow, workflow_id, TaskQueue.SYNDICATION, PingInput(str(tenant_id))
            ),
        )
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_settings.port}",
        "ICOP_TEMPORAL_TASK_QUEUE_PREFIX": temporal_settings.task_queue_prefix,
        "ICOP_WORKER_METRICS_PORT": "0",
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "icop",
        "worker",
        "--queue",
        "syndication",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        handle = temporal_client.get_workflow_handle(workflow_id, result_type=PingResult)
        deadline = asyncio.get_running_loop().time() + 60
        while not await started(temporal_client, workflow_id):
            assert worker.returncode is None, await worker.stderr.read()  # type: ignore[union-attr]
            assert asyncio.get_running_loop().time() < deadline, "the sweeper never started it"
            await asyncio.sleep(0.5)
        result = await asyncio.wait_for(handle.result(), 30)
        assert result.tenant_id == str(tenant_id)
        assert result.reply.task_queue == temporal_settings.queue_name("syndication")
        assert await pending_starts(sessionmaker, tenant_id) == []
        worker.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(worker.wait(), 60) == 0
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
