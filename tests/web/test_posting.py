"""The posting calendar, composer and accounts in a real browser (web/e2e/posting.spec.ts),
against the whole chain a person's click goes through: the Next.js server, the API, the
platform emulator's consent pages and API, a Temporal dev server and a syndication worker
publishing through the real publisher. The emulator is asked what it received, so "published"
is the platform's word, not ours."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from icop.config import Settings
from icop.credentials.vault import build_keyring
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.emulators.platforms import EmulatorServer
from icop.orchestrator.connection import TemporalSettings, connect
from icop.orchestrator.dev_server import EmbeddedTemporal
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.runtime.web import Dashboard, Unavailable
from icop.runtime.workers import register_syndication
from icop.storage.factory import build_object_store
from icop.syndication.activities import PublishActivities
from icop.syndication.runtime import SyndicationRuntime
from tests.storage.seaweed import free_port_pairs
from tests.system_services import free_port, served_api
from tests.web.conftest import play

PASSWORD = "posting-workspace-password"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def temporal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemporalSettings]:
    embedded = EmbeddedTemporal(
        tmp_path_factory.mktemp("posting-temporal"), port=free_port_pairs(1)[0]
    )
    asyncio.run(embedded.start())
    try:
        yield TemporalSettings(
            home=embedded.home,
            port=embedded.port,
            task_queue_prefix=f"web{uuid.uuid4().hex[:8]}-",
        )
    finally:
        embedded.stop()


@pytest.fixture(scope="module")
def posting_settings(settings: Settings, emulator: EmulatorServer) -> Settings:
    web_port = free_port()
    return settings.model_copy(
        update={
            "platform_emulator_url": emulator.url,
            "meta_container_poll_interval_s": 0.05,
            # The consent page sends the browser to the API's callback (at the API's own
            # address: the redirect URI), which sends it on to the dashboard.
            "api_host": "127.0.0.1",
            "api_port": free_port(),
            "public_url": None,
            "web_host": "127.0.0.1",
            "web_port": web_port,
            "dashboard_url": f"http://127.0.0.1:{web_port}",
        }
    )


def _publish_worker(
    urls: DatabaseUrls, settings: Settings, temporal: TemporalSettings, stop: threading.Event
) -> threading.Thread:
    """The syndication queue's worker, as `icop up` registers it, in its own event loop."""
    ready = threading.Event()

    async def work() -> None:
        engine = create_engine(urls.app, settings, pool_size=2, max_overflow=0)
        sessionmaker = create_sessionmaker(engine)
        runtime = SyndicationRuntime.create(
            settings, sessionmaker, build_keyring(settings), store=build_object_store(settings)
        )
        registry = WorkerRegistry()
        register_syndication(registry, PublishActivities(sessionmaker, runtime.publisher))
        try:
            client = await connect(temporal)
            async with running_workers(
                client, [TaskQueue.SYNDICATION], registry, settings=temporal
            ):
                ready.set()
                await asyncio.to_thread(stop.wait)
        finally:
            ready.set()
            await runtime.aclose()
            await engine.dispose()

    thread = threading.Thread(target=lambda: asyncio.run(work()), daemon=True)
    thread.start()
    assert ready.wait(60), "the syndication worker did not start"
    return thread


@pytest.fixture(scope="module")
def posting_stack(
    built_web: Path,
    database_urls: DatabaseUrls,
    posting_settings: Settings,
    temporal: TemporalSettings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Dashboard, str]]:
    stop = threading.Event()
    worker = _publish_worker(database_urls, posting_settings, temporal, stop)
    try:
        with served_api(
            database_urls, posting_settings, temporal=temporal, port=posting_settings.api_port
        ) as port:
            api = f"http://127.0.0.1:{port}"
            web_settings = posting_settings.model_copy(
                update={"web_dir": built_web, "home": tmp_path_factory.mktemp("posting-web")}
            )
            prepared = Dashboard.prepare(web_settings, api_url=api)
            assert not isinstance(prepared, Unavailable), prepared.reason
            prepared.start()
            try:
                yield prepared, api
            finally:
                prepared.stop()
    finally:
        stop.set()
        worker.join(timeout=30)


def test_posting_in_a_real_browser(
    posting_stack: tuple[Dashboard, str],
    emulator: EmulatorServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dashboard, api = posting_stack
    email = f"poster-{uuid.uuid4().hex[:8]}@example.com"
    answer = httpx.post(
        f"{api}/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "company_name": "Posting Workspace"},
    )
    assert answer.status_code == 201, answer.text
    play(
        dashboard,
        "e2e/posting.spec.ts",
        env={
            "ICOP_E2E_POSTING_EMAIL": email,
            "ICOP_E2E_POSTING_PASSWORD": PASSWORD,
            "ICOP_E2E_EMULATOR": emulator.url,
        },
        label="posting",
        capsys=capsys,
    )
    # What the browser published is on the platform, once.
    published = [p for p in emulator.state.posts_of(None, None) if "calendar" in p.text]
    assert len(published) == 1, [p.text for p in published]
