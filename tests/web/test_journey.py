"""The whole journey a marketer takes, in one browser session (web/e2e/journey.spec.ts), in
English and then in Korean, with real workers: sign up, connect the four platforms through the
emulator's consent pages, upload examples/plan.csv, run it and follow the run live until an
article waits, edit and approve it, see its posts published on the calendar, move and publish
a post, publish the article to the public blog; then a third workspace sees none of it.

What runs: the Next.js production server, the API (fake model providers), a Temporal dev
server, and the agents, planning and syndication queues' workers as production registers them
(``icop.runtime.workers``), over the agent graph with the deterministic fake providers and
in-memory research, brand voice and images (tests/agents/fakes.py), publishing through the
real publisher to the platform emulator."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from icop.articles.activities import ArticleActivities
from icop.articles.generator import GraphArticleGenerator
from icop.articles.images import ArticleImages
from icop.config import Settings
from icop.credentials.vault import build_keyring
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.emulators.platforms import EmulatorServer
from icop.images.activities import ImageActivities
from icop.images.providers.local import LocalRendererProvider
from icop.images.service import ImageRuntime
from icop.images.settings import ImageSettings
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.dev_server import EmbeddedTemporal
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.planning.activities import PlanningActivities
from icop.planning.generated import GeneratedSubtopic, GeneratedSubtopics
from icop.planning.sources import PipelinePlanSources
from icop.runtime.web import Dashboard, Unavailable
from icop.runtime.workers import (
    register_articles,
    register_images,
    register_planning,
    register_syndication,
)
from icop.storage.factory import build_object_store
from icop.syndication.activities import PublishActivities
from icop.syndication.runtime import SyndicationRuntime
from icop.syndication.scheduler import TemporalPostScheduler
from tests.agents.fakes import harness
from tests.storage.seaweed import free_port_pairs
from tests.system_services import free_port, served_api
from tests.web.conftest import play

ROOT = Path(__file__).resolve().parents[2]
QUEUES = [
    TaskQueue.AGENTS,
    TaskQueue.IMAGES,
    TaskQueue.GPU,
    TaskQueue.PLANNING,
    TaskQueue.SYNDICATION,
]


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def journey_temporal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemporalSettings]:
    embedded = EmbeddedTemporal(
        tmp_path_factory.mktemp("journey-temporal"), port=free_port_pairs(1)[0]
    )
    asyncio.run(embedded.start())
    try:
        yield TemporalSettings(
            home=embedded.home,
            port=embedded.port,
            task_queue_prefix=f"journey{uuid.uuid4().hex[:8]}-",
        )
    finally:
        embedded.stop()


@pytest.fixture(scope="module")
def journey_settings(
    settings: Settings, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    web_port = free_port()
    return settings.model_copy(
        update={
            "home": tmp_path_factory.mktemp("journey-home"),
            "platform_emulator_url": emulator.url,
            "meta_container_poll_interval_s": 0.05,
            # The consent page sends the browser to the API's callback (its redirect URI),
            # which sends it on to the dashboard; canonical blog URLs name the dashboard.
            "api_host": "127.0.0.1",
            "api_port": free_port(),
            "public_url": None,
            "web_host": "127.0.0.1",
            "web_port": web_port,
            "dashboard_url": f"http://127.0.0.1:{web_port}",
        }
    )


async def _subtopics(
    topic: str, *, count: int, language: str, tenant_id: uuid.UUID
) -> GeneratedSubtopics:
    """The plan's sub-topics without the embedder (planning's own tests cover the real one)."""
    labels = ["A first season"] if count == 1 else [f"Part {n + 1}" for n in range(count)]
    return GeneratedSubtopics(
        [GeneratedSubtopic(f"{topic}: {label}", [topic], [topic], 1, 1.0) for label in labels]
    )


def _workers(
    urls: DatabaseUrls, settings: Settings, temporal: TemporalSettings, stop: threading.Event
) -> threading.Thread:
    """The agents, planning and syndication queues' workers, registered as ``icop up`` does,
    in their own event loop with their own connection pool."""
    ready = threading.Event()
    failed: list[BaseException] = []

    async def work() -> None:
        engine = create_engine(urls.app, settings, pool_size=4, max_overflow=2)
        sessionmaker = create_sessionmaker(engine)
        keyring = build_keyring(settings)
        client = LazyClient(temporal)
        store = build_object_store(settings)
        syndication = SyndicationRuntime.create(settings, sessionmaker, keyring, store=store)
        # Real images in the object store: X is sent an image's bytes, which an image on a
        # made-up host (the fakes' in-memory maker) cannot give on this offline machine.
        images = ImageRuntime(
            images=ImageSettings(_env_file=None, image_providers=["local"]),
            providers={"local": LocalRendererProvider()},
            store=store,
        )
        fakes = harness()
        generator = GraphArticleGenerator(
            sessionmaker,
            runtime=fakes.runtime,
            researcher=fakes.researcher,
            brand_voice=fakes.brand_voice,
            images=ArticleImages(sessionmaker, images, client),
        )
        registry = WorkerRegistry()
        register_images(registry, ImageActivities(sessionmaker, images.providers, store))
        register_articles(
            registry, ArticleActivities(sessionmaker, generator, settings.home, settings.base_url)
        )
        register_syndication(registry, PublishActivities(sessionmaker, syndication.publisher))
        try:
            async with httpx.AsyncClient() as http:
                register_planning(
                    registry,
                    PlanningActivities(
                        sessionmaker,
                        settings,
                        PipelinePlanSources(sessionmaker, settings, http, keyring),
                        _subtopics,
                        agents_queue=temporal.queue_name(TaskQueue.AGENTS),
                        posts=TemporalPostScheduler(client),
                    ),
                )
                async with running_workers(await client(), QUEUES, registry, settings=temporal):
                    ready.set()
                    await asyncio.to_thread(stop.wait)
        except BaseException as error:
            failed.append(error)
            raise
        finally:
            ready.set()
            await syndication.aclose()
            await engine.dispose()

    thread = threading.Thread(target=lambda: asyncio.run(work()), daemon=True)
    thread.start()
    assert ready.wait(90), "the workers did not start"
    assert not failed, failed
    return thread


@pytest.fixture(scope="module")
def journey_stack(
    built_web: Path,
    database_urls: DatabaseUrls,
    journey_settings: Settings,
    journey_temporal: TemporalSettings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Dashboard]:
    stop = threading.Event()
    workers = _workers(database_urls, journey_settings, journey_temporal, stop)
    try:
        with served_api(
            database_urls,
            journey_settings,
            temporal=journey_temporal,
            port=journey_settings.api_port,
        ) as port:
            web_settings = journey_settings.model_copy(
                update={"web_dir": built_web, "home": tmp_path_factory.mktemp("journey-web")}
            )
            prepared = Dashboard.prepare(web_settings, api_url=f"http://127.0.0.1:{port}")
            assert not isinstance(prepared, Unavailable), prepared.reason
            prepared.start()
            try:
                yield prepared
            finally:
                prepared.stop()
    finally:
        stop.set()
        workers.join(timeout=30)


def test_the_whole_journey_in_one_browser(
    journey_stack: Dashboard, emulator: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    played = play(
        journey_stack,
        "e2e/journey.spec.ts",
        env={
            "ICOP_E2E_JOURNEY_PLAN": str(ROOT / "examples" / "plan.csv"),
            "ICOP_E2E_EMULATOR": emulator.url,
        },
        label="journey",
        capsys=capsys,
    )
    assert " skipped" not in played.stdout, played.stdout[-4000:]
    shots = played.screenshots
    for locale in ("en", "ko"):
        expected = {f"journey-{locale}-{name}.png" for name in ("run-live", "calendar", "blog")}
        assert expected <= shots, sorted(shots)
    # Each journey's approved article went out once per platform, and its moved post once.
    received = emulator.state.posts_of(None, None)
    for moved in ("Moved and published", "옮겨서 게시했습니다"):
        assert len([p for p in received if moved in p.text]) == 1, moved
