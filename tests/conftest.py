"""Test harness: the real embedded PostgreSQL, connected as the application role, with one
transaction per test that is rolled back at the end (units of work inside the test become
savepoints, so their commits and rollbacks behave as in production)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# ICOP_TEST_HOME lets concurrent test runs on one machine keep separate databases.
TEST_HOME = Path(os.environ.get("ICOP_TEST_HOME", ROOT / ".icop-test"))
os.environ.update(
    {
        "ICOP_HOME": str(TEST_HOME),
        "ICOP_ENVIRONMENT": "test",
        "ICOP_DB_NAME": "icop_test",
        "ICOP_RATE_LIMIT_USER": "100000/minute",
        "ICOP_RATE_LIMIT_TENANT": "100000/minute",
        "ICOP_RATE_LIMIT_ANONYMOUS": "100000/minute",
    }
)
for variable in ("DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL", "ICOP_VAULT_KEYS"):
    os.environ.pop(variable, None)

import httpx  # noqa: E402
import pytest  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from icop.api.app import create_app  # noqa: E402
from icop.config import Settings  # noqa: E402
from icop.db import bootstrap, migrate  # noqa: E402
from icop.db.embedded import EmbeddedPostgres  # noqa: E402
from icop.db.engine import DatabaseUrls, create_engine, resolve_urls  # noqa: E402
from icop.mail.sink import MailSink  # noqa: E402
from icop.runtime.clients import Runtime  # noqa: E402
from tests.helpers import ApiClient, fake_providers  # noqa: E402
from tests.llm_fixtures import default_model_path, session_server  # noqa: E402, F401


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def database_urls(settings: Settings) -> DatabaseUrls:
    """A fresh test database, migrated by the owner role, once per test session."""
    import asyncio

    EmbeddedPostgres(settings.home).start()
    urls = resolve_urls(settings)
    assert urls.admin is not None

    async def recreate() -> None:
        await bootstrap.drop_database(urls.admin, settings)  # type: ignore[arg-type]
        await bootstrap.bootstrap(urls.admin, settings)  # type: ignore[arg-type]

    asyncio.run(recreate())
    migrate.upgrade(urls.owner, settings)
    return urls


@pytest.fixture(scope="session")
async def app_engine(database_urls: DatabaseUrls, settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_urls.app, settings, pool_size=4, max_overflow=4)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(app_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with app_engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


class _SavepointSession(Session):
    """The sync session class of test units of work (so the listener below touches no other)."""


@event.listens_for(_SavepointSession, "after_begin")
def _like_a_new_transaction(session: Session, transaction: Any, sync_connection: Any) -> None:
    # Units of work here are savepoints inside one test transaction, where a
    # transaction-local app.tenant_id would survive from the previous unit. Clear it, as
    # a real new transaction starts without it.
    if transaction.parent is None:
        sync_connection.exec_driver_sql("SELECT set_config('app.tenant_id', '', true)")


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        join_transaction_mode="create_savepoint",
        sync_session_class=_SavepointSession,
    )


@pytest.fixture
def context(
    settings: Settings,
    app_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> Runtime:
    runtime = Runtime.from_settings(
        settings, engine=app_engine, sessionmaker=sessionmaker, llm_providers=fake_providers()
    )
    # Each test's e-mails in a sink of its own (tests.helpers.inbox reads it).
    runtime.mailer = MailSink(tmp_path / "mail", sender=settings.mail_from)
    return runtime


@pytest.fixture(scope="session")
def shared_app(settings: Settings) -> FastAPI:
    """One app for every test's ``client``. Building one costs ~0.5 s (its routes and models)
    and generating its OpenAPI document ~2 s, over a thousand tests; a test changes only the
    app's runtime, which ``client`` swaps in (the services read it from ``app.state``)."""
    return create_app(settings)


@pytest.fixture
async def client(context: Runtime, shared_app: FastAPI) -> AsyncIterator[ApiClient]:
    app = shared_app
    app.state.runtime = context
    # A test may override a dependency (a recording scheduler, a store): never for the next.
    app.dependency_overrides.clear()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield ApiClient(http)
    finally:
        app.dependency_overrides.clear()
