"""The process's clients, built once from the settings and shared by everything the process
runs: the API's requests and every Temporal worker it serves (``icop up`` runs both; ``icop
worker`` only workers). One engine, one model router (so the global LLM rate limit and the
circuit breakers are global to the process), one keyring, one object store, one HTTP client.

This is a composition root: it may import every service. Services never import it; routers
reach their clients through narrow dependencies (``LLMDep``, ``KeyringDep`` …) and activities
receive theirs in their constructors (``icop.runtime.workers``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from icop.articles import design_images
from icop.articles.publishing import PublicLinkListener
from icop.auth.principal import Principal
from icop.auth.tokens import TokenService
from icop.config import Settings
from icop.credentials.vault import Keyring, build_keyring
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.designs.publishing import DesignPublishedListener
from icop.embeddings import default_embedder
from icop.embeddings.base import Embedder
from icop.events.hub import EventHub
from icop.gateway.ratelimit import RateLimiter
from icop.images.service import ImageRuntime
from icop.llm.providers.base import LLMProvider
from icop.llm.registry import build_router
from icop.llm.smart_router import SmartRouter
from icop.llm.tenant_keys import ProviderFactory
from icop.mail.mailer import Mailer, build_mailer
from icop.observability.metrics import watch_disk, watch_pool
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import QUEUE_DEFAULTS, TaskQueue
from icop.planning import service as planning
from icop.storage.base import ObjectStore
from icop.storage.factory import build_object_store
from icop.syndication import article_links, design_media
from icop.syndication.runtime import SyndicationRuntime
from icop.trends import service as trends

ReadinessCheck = Callable[[], Awaitable[None]]
# Outgoing calls that are not a provider's own (research APIs, Google Sheets): generous, since
# a slow upstream is retried by the caller's policy, not by a short timeout.
HTTP_TIMEOUT_S = 30.0


def pool_size(settings: Settings, queues: Iterable[TaskQueue]) -> tuple[int, int]:
    """Connections for the API's requests plus what each served queue's activities hold."""
    served = [QUEUE_DEFAULTS[TaskQueue(queue)] for queue in set(queues)]
    return (
        settings.db_pool_size + sum(q.db_pool for q in served),
        settings.db_max_overflow + sum(q.db_overflow for q in served),
    )


def pool_reading(engine: AsyncEngine, limit: int) -> Callable[[], tuple[int, int]]:
    """(connections checked out, the most the pool may hold) for the metrics' scrape."""

    def read() -> tuple[int, int]:
        checked_out = getattr(engine.pool, "checkedout", None)
        return (int(checked_out()) if callable(checked_out) else 0), limit

    return read


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    keyring: Keyring
    tokens: TokenService
    rate_limiter: RateLimiter
    llm: SmartRouter
    # The model itself loads on first use (the bundled MiniLM imports torch).
    embedder: Embedder
    object_store: ObjectStore
    images: ImageRuntime
    # Platform clients, OAuth connect flows, token manager and publisher.
    syndication: SyndicationRuntime | None
    http: httpx.AsyncClient
    # The LISTEN connection that wakes live event streams (connects on first use).
    events: EventHub
    # Account e-mails: SMTP, or the local mail sink under ICOP_HOME/mail.
    mailer: Mailer
    # Set once Temporal is wired (icop.runtime.orchestration, or the worker process).
    temporal: LazyClient | None = None
    # What /readyz checks besides the database (Temporal, a poller on every queue …).
    readiness_checks: dict[str, ReadinessCheck] = field(default_factory=dict)
    # Who follows an article's public URL (publish, unpublish, a new blog address): the
    # social posts not sent yet that link to it (ADR 0025).
    public_link_listeners: tuple[PublicLinkListener, ...] = (article_links.relink,)
    # Who follows a published design (ADR 0027): the articles and the posts not sent yet that
    # show the picture it replaces.
    design_published_listeners: tuple[DesignPublishedListener, ...] = ()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        queues: Iterable[TaskQueue] = (),
        engine: AsyncEngine | None = None,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        llm_providers: dict[str, LLMProvider] | None = None,
        llm_key_factories: dict[str, ProviderFactory] | None = None,
    ) -> Runtime:
        """``queues``: the task queues this process will serve (sizes the connection pool).
        Tests pass their own engine or sessionmaker and fake model providers."""
        if engine is None:
            size, overflow = pool_size(settings, queues)
            engine = create_engine(
                resolve_urls(settings).app,
                settings,
                pool_size=size,
                max_overflow=overflow,
                application_name="icop",
            )
            watch_pool("app", pool_reading(engine, size + overflow))
        sessionmaker = sessionmaker or create_sessionmaker(engine)
        keyring = build_keyring(settings)
        store = build_object_store(settings)
        watch_disk("home", settings.home)
        local_root = getattr(store, "root", None)
        if local_root is not None:
            watch_disk("storage", local_root)
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            keyring=keyring,
            tokens=TokenService.from_settings(settings),
            rate_limiter=RateLimiter.from_settings(settings),
            llm=build_router(settings, sessionmaker, llm_providers, keyring, llm_key_factories),
            embedder=default_embedder(settings),
            object_store=store,
            images=ImageRuntime.from_settings(settings, store),
            syndication=SyndicationRuntime.create(settings, sessionmaker, keyring, store=store),
            http=httpx.AsyncClient(timeout=HTTP_TIMEOUT_S),
            events=EventHub(engine.url.set(drivername="postgresql").render_as_string(False)),
            mailer=build_mailer(settings),
            design_published_listeners=(
                design_images.ArticlePictures(settings.home),
                design_media.replace_in_unsent_posts,
            ),
        )

    async def follow_time_zone(
        self, session: AsyncSession, principal: Principal, time_zone: str
    ) -> int:
        """A tenant's new time zone reaches what runs by its clock (``PATCH /tenant``):
        the tenants package sits below planning and trends, so the composition root joins
        them."""
        moved = await planning.follow_time_zone(session, self.temporal, principal, time_zone)
        return moved + await trends.follow_time_zone(session, self.temporal, principal, time_zone)

    async def aclose(self) -> None:
        await self.llm.aclose()
        if self.syndication is not None:
            await self.syndication.aclose()
        await self.images.aclose()
        await self.object_store.aclose()
        await self.http.aclose()
        await self.events.aclose()
        await self.engine.dispose()
