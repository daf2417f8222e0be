"""Connection URLs and engines for the two database roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from icop.config import Settings
from icop.db.embedded import EmbeddedPostgres


@dataclass(frozen=True)
class DatabaseUrls:
    """libpq URLs (``postgresql://``) per role; ``admin`` exists only for the embedded server."""

    owner: str
    app: str
    admin: str | None


def resolve_urls(settings: Settings) -> DatabaseUrls:
    if settings.embedded_database:
        pg = EmbeddedPostgres(settings.home)
        return DatabaseUrls(
            owner=pg.dsn(settings.db_owner_role, settings.db_name),
            app=pg.dsn(settings.db_app_role, settings.db_name),
            admin=pg.dsn("postgres", "postgres"),
        )
    assert settings.database_url is not None
    owner = settings.database_url.get_secret_value()
    if settings.database_app_url is not None:
        app = settings.database_app_url.get_secret_value()
    else:
        password = settings.db_app_password.get_secret_value() if settings.db_app_password else None
        app = _plain(make_url(owner).set(username=settings.db_app_role, password=password))
    return DatabaseUrls(owner=_normalise(owner), app=_normalise(app), admin=None)


def _normalise(url: str) -> str:
    return _plain(make_url(url))


def _plain(url: URL) -> str:
    """Drop any SQLAlchemy driver suffix so asyncpg and pg tools accept the URL as is."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def asyncpg_url(url: str) -> URL:
    return make_url(url).set(drivername="postgresql+asyncpg")


def create_engine(
    url: str,
    settings: Settings,
    *,
    pool_size: int | None = None,
    max_overflow: int | None = None,
    application_name: str = "icop",
) -> AsyncEngine:
    return create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size if pool_size is not None else settings.db_pool_size,
        max_overflow=max_overflow if max_overflow is not None else settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
        pool_pre_ping=True,
        connect_args={
            "server_settings": {
                "application_name": application_name,
                "statement_timeout": str(settings.db_statement_timeout_ms),
            }
        },
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
